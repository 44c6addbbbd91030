/**
 * A minimal socket.io v4 screen for the bench: one real websocket, over its own TCP connection,
 * that speaks RFC 6455 framing and the engine.io v4 / socket.io v4 protocol itself:
 *
 *   GET /socket.io/?EIO=4&transport=websocket   (HTTP/1.1 upgrade, Sec-WebSocket-Accept checked)
 *   ← 0{"sid":…,"pingInterval":…}               engine.io open
 *   → 40{"token":…}                             socket.io CONNECT to "/" with the auth payload
 *   ← 40{"sid":…} | 44{"message":…}             connected | refused by the auth middleware
 *   ← 2  → 3                                    engine.io ping / pong
 *   ← 42["floor:delta",{…}]                      socket.io EVENT
 *
 * Frames from the server are read as they come (fragmented messages and control frames between
 * them included); frames to the server are masked, as a client's must be. Text is not checked for
 * UTF-8 validity here (the distinct frames are decoded with JSON.parse of their UTF-8 text).
 * It hands every event frame over as raw bytes with its arrival time, and leaves decoding to the
 * caller, so 500 screens do not have to JSON.parse the same bytes 500 times on one core
 * (see `SharedDecode`). Reading the frames costs a few µs of JavaScript each, where the `ws`
 * package's stream-based receiver cost about 20 µs: at 10,000 frames/s on one core that was
 * what kept the generator's event loop late.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

const OPEN = 0x30; // '0'
const PING = 0x32; // '2'
const MESSAGE = 0x34; // '4'
const SIO_CONNECT = 0x30; // '0'
const SIO_EVENT = 0x32; // '2'
const SIO_CONNECT_ERROR = 0x34; // '4'
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface WireScreen { close(): void; readonly events: number }

/** A masked client frame (FIN set) with `payload`. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + 4 + n);
  out[0] = 0x80 | opcode;
  if (n < 126) out[1] = 0x80 | n;
  else if (n < 65_536) { out[1] = 0x80 | 126; out.writeUInt16BE(n, 2); }
  else { out[1] = 0x80 | 127; out.writeUInt32BE(Math.floor(n / 2 ** 32), 2); out.writeUInt32BE(n >>> 0, 6); }
  const mask = randomBytes(4);
  mask.copy(out, head);
  for (let i = 0; i < n; i++) out[head + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}

/**
 * Connects one screen; resolves once socket.io has accepted it. `onEvent(name, frame, arrival)`
 * gets every `42[...]` message: `name` is the event name, `frame` the whole message's bytes.
 */
export function connectWire(port: number, auth: Record<string, string>, onEvent: (name: string, frame: Buffer, arrival: number) => void, now: () => number, timeoutMs = 30_000): Promise<WireScreen> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const req = request({
      host: '127.0.0.1', port, path: '/socket.io/?EIO=4&transport=websocket', agent: false,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
    });
    let socket: Socket | null = null;
    let events = 0;
    let settled = false;
    const fail = (err: Error) => { if (settled) return; settled = true; clearTimeout(timer); req.destroy(); socket?.destroy(); reject(err); };
    const timer = setTimeout(() => fail(new Error('wire client: not connected in time')), timeoutMs);
    const send = (opcode: number, payload: Buffer) => { if (socket && !socket.destroyed) socket.write(clientFrame(opcode, payload)); };
    const sendText = (text: string) => send(0x1, Buffer.from(text));
    const screen: WireScreen = {
      close: () => { sendText('41'); send(0x8, Buffer.from([0x03, 0xe8])); socket?.end(); },
      get events() { return events; },
    };

    /** One whole message from the server (a text frame, or the fragments of one). */
    const onMessage = (data: Buffer, arrival: number) => {
      if (data.length === 0) return;
      const type = data[0];
      if (type === PING) { sendText('3'); return; }
      if (type === OPEN) { sendText(`40${JSON.stringify(auth)}`); return; }
      if (type !== MESSAGE) return;
      const sio = data[1];
      if (sio === SIO_EVENT) {
        // 42["name",…]: the name runs from byte 4 to the next quote (event names hold no quotes).
        const end = data.indexOf(0x22, 4);
        if (end < 0) return;
        events++;
        onEvent(data.toString('latin1', 4, end), data, arrival);
      } else if (sio === SIO_CONNECT) {
        if (!settled) { settled = true; clearTimeout(timer); resolve(screen); }
      } else if (sio === SIO_CONNECT_ERROR) {
        fail(new Error(`wire client: refused: ${data.toString('utf8', 2)}`));
      }
    };

    // Frame reader: `pending` holds the bytes not yet consumed (joined only once `want` of them,
    // the next frame's size as far as known, have come); `parts` the fragments of a message.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let want = 2;
    let parts: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      const arrival = now();
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < want) return;
      const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      let at = 0;
      want = 2;
      while (buf.length - at >= 2) {
        const b0 = buf[at]!, b1 = buf[at + 1]!;
        if (b1 & 0x80) { fail(new Error('wire client: masked frame from the server')); return; }
        let len = b1 & 0x7f;
        let head = 2;
        if (len === 126) { if (buf.length - at < 4) { want = 4; break; } len = buf.readUInt16BE(at + 2); head = 4; }
        else if (len === 127) { if (buf.length - at < 10) { want = 10; break; } len = buf.readUInt32BE(at + 2) * 2 ** 32 + buf.readUInt32BE(at + 6); head = 10; }
        if (buf.length - at < head + len) { want = head + len; break; }
        const payload = buf.subarray(at + head, at + head + len);
        at += head + len;
        const opcode = b0 & 0x0f;
        const fin = (b0 & 0x80) !== 0;
        if (opcode === 0x9) { send(0xa, payload); continue; } // ping → pong
        if (opcode === 0xa) continue;
        if (opcode === 0x8) { send(0x8, payload.subarray(0, 2)); socket?.end(); fail(new Error('wire client: closed by the server')); return; }
        if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) {
          if (fin && parts.length === 0) onMessage(payload, arrival);
          else { parts.push(Buffer.from(payload)); if (fin) { const whole = Buffer.concat(parts); parts = []; onMessage(whole, arrival); } }
        }
      }
      pending = at === buf.length ? [] : [buf.subarray(at)];
      pendingBytes = buf.length - at;
    };

    req.on('upgrade', (res, sock: Socket, head: Buffer) => {
      socket = sock;
      const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
      if (res.headers['sec-websocket-accept'] !== accept) { fail(new Error('wire client: bad Sec-WebSocket-Accept')); return; }
      sock.setNoDelay(true);
      sock.on('data', onData);
      sock.on('error', (err) => fail(err));
      sock.on('close', () => fail(new Error('wire client: closed before connecting')));
      if (head.length > 0) onData(head);
    });
    req.on('response', (res) => { res.resume(); fail(new Error(`wire client: no upgrade (HTTP ${res.statusCode})`)); });
    req.on('error', (err) => fail(err));
    req.end();
  });
}

/**
 * Decodes each distinct frame once. Every screen of a room receives the same bytes for a frame;
 * the first screen's copy is decoded and kept, and a later screen's frame reuses that decoding only
 * if its bytes are identical (compared in full), so nothing is assumed about the content.
 */
export class SharedDecode<T> {
  private entries = new Map<string, { bytes: Buffer; value: T }>();
  decoded = 0;
  reused = 0;

  constructor(private readonly decode: (frame: Buffer) => T, private readonly keep = 32) {}

  get(frame: Buffer): T {
    // Cheap key: length + the first bytes (event name, seq, asOf); the full compare decides.
    const key = `${frame.length}:${frame.toString('latin1', 0, 96)}`;
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.bytes.equals(frame)) { this.reused++; return hit.value; }
    const value = this.decode(frame);
    this.decoded++;
    this.entries.delete(key);
    this.entries.set(key, { bytes: Buffer.from(frame), value });
    if (this.entries.size > this.keep) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

/** The payload of a `42["name",payload]` frame. */
export function eventPayload(frame: Buffer): unknown {
  const [, payload] = JSON.parse(frame.toString('utf8', 2)) as [string, unknown];
  return payload;
}
