import { describe, expect, it } from 'vitest';
import { hashString, mulberry32, Rng } from './prng.ts';
import { TimerHeap } from './min-heap.ts';

describe('prng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const c = mulberry32(124);
    const sa = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c())).not.toEqual(sa);
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('derives independent streams from labels', () => {
    expect(hashString('a')).not.toBe(hashString('b'));
    expect(Rng.derive(1, 'x').float()).toBe(Rng.derive(1, 'x').float());
    expect(Rng.derive(1, 'x').float()).not.toBe(Rng.derive(1, 'y').float());
  });

  it('draws distributions with the expected centre', () => {
    const rng = new Rng(7);
    const n = 20_000;
    const logs = Array.from({ length: n }, () => rng.lognormal(240, 0.5)).sort((x, y) => x - y);
    expect(logs[n / 2]).toBeGreaterThan(225);
    expect(logs[n / 2]).toBeLessThan(255);
    const mean = Array.from({ length: n }, () => rng.exponential(10)).reduce((s, x) => s + x, 0) / n;
    expect(mean).toBeGreaterThan(9.5);
    expect(mean).toBeLessThan(10.5);
    const ints = new Set(Array.from({ length: 1000 }, () => rng.int(1, 3)));
    expect(ints).toEqual(new Set([1, 2, 3]));
    const counts = [0, 0, 0];
    for (let i = 0; i < 9000; i += 1) counts[rng.weighted([1, 2, 6])]! += 1;
    expect(counts[2]! / 9000).toBeGreaterThan(0.62);
    expect(counts[0]! / 9000).toBeLessThan(0.14);
  });
});

describe('TimerHeap', () => {
  it('pops by time, then in insertion order for equal times', () => {
    const heap = new TimerHeap<string>();
    const rng = new Rng(3);
    const items = Array.from({ length: 500 }, (_, i) => ({ at: rng.int(0, 50), label: `i${i}` }));
    for (const it of items) heap.push(it.at, it.label);
    const expected = [...items].sort((a, b) => a.at - b.at || Number(a.label.slice(1)) - Number(b.label.slice(1))).map((x) => x.label);
    const out: string[] = [];
    while (heap.size > 0) out.push(heap.pop()!.item);
    expect(out).toEqual(expected);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });
});
