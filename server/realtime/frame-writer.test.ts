import { describe, expect, it } from 'vitest';
import { textFrame } from './frame-writer.ts';

/** Reads an unmasked server frame back (RFC 6455 §5.2). */
function parse(frame: Buffer) {
  const len7 = frame[1]! & 0x7f;
  const [len, head] = len7 === 126 ? [frame.readUInt16BE(2), 4] : len7 === 127 ? [Number(frame.readBigUInt64BE(2)), 10] : [len7, 2];
  return { fin: (frame[0]! & 0x80) !== 0, opcode: frame[0]! & 0x0f, masked: (frame[1]! & 0x80) !== 0, len, text: frame.subarray(head).toString('utf8') };
}

describe('textFrame', () => {
  it('uses the 7-bit, 16-bit and 64-bit length forms at their boundaries, final and unmasked', () => {
    for (const n of [0, 5, 125, 126, 127, 65_535, 65_536, 70_000]) {
      const text = 'x'.repeat(n);
      const f = parse(textFrame(text));
      expect(f).toEqual({ fin: true, opcode: 1, masked: false, len: n, text });
      expect(textFrame(text).length).toBe(n + (n < 126 ? 2 : n < 65_536 ? 4 : 10));
    }
  });

  it('counts the length in UTF-8 bytes', () => {
    const text = '42["floor:delta",{"name":"张伟"}]';
    const f = parse(textFrame(text));
    expect(f.len).toBe(Buffer.byteLength(text));
    expect(f.text).toBe(text);
  });
});
