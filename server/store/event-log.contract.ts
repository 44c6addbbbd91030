/**
 * The EventLog contract: one suite, run against every implementation (memory-log.test.ts,
 * redis-log.test.ts). `makeLog` must return a fresh, empty log each time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FloorEvent } from '../../shared/events.ts';
import { comparePositions, LOG_START, type EventLog, type LogEntry } from './event-log.ts';

let seq = 0;
/** A valid event with a unique id (or the given one). */
export function ev(id = `e${++seq}`, extra: Partial<{ agentId: string; state: 'available' | 'break' }> = {}): FloorEvent {
  return { id, ts: Date.UTC(2026, 0, 5, 8, 0, 0) + seq, type: 'agent.state', agentId: extra.agentId ?? 'a1', state: extra.state ?? 'available' };
}

export function evs(n: number, prefix = `b${++seq}-`): FloorEvent[] {
  return Array.from({ length: n }, (_, i) => ev(`${prefix}${i}`));
}

const ids = (entries: readonly LogEntry[]) => entries.map((e) => e.event.id);

function expectIncreasing(entries: readonly LogEntry[]): void {
  for (let i = 1; i < entries.length; i++) expect(comparePositions(entries[i - 1]!.pos, entries[i]!.pos)).toBe(-1);
}

/** Collects everything a follower delivers. */
function collector() {
  const got: LogEntry[] = [];
  const calls: number[] = [];
  return { got, calls, fn: (entries: LogEntry[]) => { calls.push(entries.length); got.push(...entries); } };
}

export function describeEventLogContract(name: string, makeLog: () => EventLog | Promise<EventLog>): void {
  describe(`EventLog contract: ${name}`, () => {
    const open: EventLog[] = [];
    const stops: (() => void)[] = [];
    const fresh = async () => { const log = await makeLog(); open.push(log); return log; };

    afterEach(async () => {
      for (const s of stops.splice(0)) s();
      for (const log of open.splice(0)) await log.close();
    });

    it('appends in order and reads back the same events', async () => {
      const log = await fresh();
      const batch = evs(5);
      const r = await log.append(batch);
      expect(r.duplicates).toBe(0);
      expect(ids(r.appended)).toEqual(ids(batch.map((event) => ({ pos: '', event }))));
      expectIncreasing(r.appended);
      const back = await log.readAfter(LOG_START, 100);
      expect(back).toEqual(r.appended);
      expect(back.map((e) => e.event)).toEqual(batch);
      expect(comparePositions(back[0]!.pos, LOG_START)).toBe(1);
    });

    it('keeps order across batches', async () => {
      const log = await fresh();
      const a = await log.append(evs(3));
      const b = await log.append(evs(4));
      const all = await log.readAfter(LOG_START, 100);
      expect(all).toEqual([...a.appended, ...b.appended]);
      expectIncreasing(all);
    });

    it('an empty batch appends nothing', async () => {
      const log = await fresh();
      expect(await log.append([])).toEqual({ appended: [], duplicates: 0 });
      expect(await log.readAfter(LOG_START, 10)).toEqual([]);
    });

    it('drops ids seen in an earlier batch', async () => {
      const log = await fresh();
      const [a, b, c] = [ev(), ev(), ev()];
      await log.append([a!, b!]);
      const r = await log.append([b!, c!, a!]);
      expect(ids(r.appended)).toEqual([c!.id]);
      expect(r.duplicates).toBe(2);
      expect(ids(await log.readAfter(LOG_START, 10))).toEqual([a!.id, b!.id, c!.id]);
    });

    it('drops repeated ids within one batch, keeping the first occurrence', async () => {
      const log = await fresh();
      const first = ev('same-id', { state: 'available' });
      const again = ev('same-id', { state: 'break' });
      const other = ev();
      const r = await log.append([first, other, again, other]);
      expect(ids(r.appended)).toEqual(['same-id', other.id]);
      expect(r.duplicates).toBe(2);
      const back = await log.readAfter(LOG_START, 10);
      expect(back.map((e) => e.event)).toEqual([first, other]);
    });

    it('appends a large batch in one call', async () => {
      const log = await fresh();
      const batch = evs(5_000);
      const r = await log.append(batch);
      expect(r.appended).toHaveLength(5_000);
      expectIncreasing(r.appended);
      const again = await log.append(batch);
      expect(again).toEqual({ appended: [], duplicates: 5_000 });
    });

    it('readAfter pages through the log, strictly after the position', async () => {
      const log = await fresh();
      const r = await log.append(evs(25));
      const pages: LogEntry[][] = [];
      let after = LOG_START;
      for (;;) {
        const page = await log.readAfter(after, 10);
        if (page.length === 0) break;
        pages.push(page);
        after = page[page.length - 1]!.pos;
      }
      expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
      expect(pages.flat()).toEqual(r.appended);
      expect(await log.readAfter(r.appended[11]!.pos, 3)).toEqual(r.appended.slice(12, 15));
      expect(await log.readAfter(r.appended[24]!.pos, 10)).toEqual([]);
      expect(await log.readAfter(LOG_START, 0)).toEqual([]);
    });

    it('follow delivers the backlog, then live appends, in order, exactly once', async () => {
      const log = await fresh();
      const before = await log.append(evs(30));
      const c = collector();
      stops.push(log.follow(LOG_START, c.fn));
      await vi.waitFor(() => expect(c.got).toHaveLength(30));
      const live1 = await log.append(evs(7));
      const live2 = await log.append([ev(), before.appended[0]!.event]); // one new, one duplicate
      const live3 = await log.append(evs(12));
      const expected = [...before.appended, ...live1.appended, ...live2.appended, ...live3.appended];
      await vi.waitFor(() => expect(c.got).toHaveLength(expected.length));
      expect(c.got).toEqual(expected);
      expect(c.calls.every((n) => n > 0)).toBe(true);
    });

    it('follow starts strictly after the given position', async () => {
      const log = await fresh();
      const r = await log.append(evs(10));
      const c = collector();
      stops.push(log.follow(r.appended[6]!.pos, c.fn));
      const more = await log.append(evs(2));
      const expected = [...r.appended.slice(7), ...more.appended];
      await vi.waitFor(() => expect(c.got).toHaveLength(expected.length));
      expect(c.got).toEqual(expected);
    });

    it('follow from the end of an empty log sees later appends', async () => {
      const log = await fresh();
      const c = collector();
      stops.push(log.follow(LOG_START, c.fn));
      const r = await log.append(evs(3));
      await vi.waitFor(() => expect(c.got).toEqual(r.appended));
    });

    it('several followers each get everything; a stopped one gets nothing more', async () => {
      const log = await fresh();
      const a = collector();
      const b = collector();
      const stopA = log.follow(LOG_START, a.fn);
      stops.push(stopA, log.follow(LOG_START, b.fn));
      const first = await log.append(evs(4));
      await vi.waitFor(() => expect(a.got).toHaveLength(4));
      stopA();
      const second = await log.append(evs(4));
      // b receiving the second batch shows it was delivered; a must not have it.
      await vi.waitFor(() => expect(b.got).toEqual([...first.appended, ...second.appended]));
      const marker = collector();
      stops.push(log.follow(second.appended[3]!.pos, marker.fn));
      const third = await log.append(evs(1));
      await vi.waitFor(() => expect(marker.got).toEqual(third.appended));
      expect(a.got).toEqual(first.appended);
    });

    it('checkpoints round-trip; an older one never replaces a newer one', async () => {
      const log = await fresh();
      expect(await log.loadCheckpoint()).toBeNull();
      const r = await log.append(evs(5));
      const state = JSON.stringify({ agents: { a1: 'available' }, note: 'ünïcödé ✓' });
      const cp = { pos: r.appended[3]!.pos, state, savedAt: 1_767_600_000_000 };
      await log.saveCheckpoint(cp);
      expect(await log.loadCheckpoint()).toEqual(cp);
      await log.saveCheckpoint({ pos: r.appended[1]!.pos, state: 'older', savedAt: 1_767_600_001_000 });
      expect(await log.loadCheckpoint()).toEqual(cp);
      const newer = { pos: r.appended[4]!.pos, state: 'newer', savedAt: 1_767_600_002_000 };
      await log.saveCheckpoint(newer);
      expect(await log.loadCheckpoint()).toEqual(newer);
      const same = { ...newer, state: 'same position, later save', savedAt: 1_767_600_003_000 };
      await log.saveCheckpoint(same);
      expect(await log.loadCheckpoint()).toEqual(same);
    });

    it('trimThrough drops entries at or before the position, never past the checkpoint', async () => {
      const log = await fresh();
      const r = await log.append(evs(20));
      const p = (i: number) => r.appended[i]!.pos;
      expect(await log.trimThrough(p(4))).toBe(0); // no checkpoint yet: nothing goes
      await log.saveCheckpoint({ pos: p(9), state: '{}', savedAt: 0 });
      expect(await log.trimThrough(p(4))).toBe(5);
      expect(await log.readAfter(LOG_START, 100)).toEqual(r.appended.slice(5));
      expect(await log.trimThrough(p(4))).toBe(0);
      expect(await log.trimThrough(p(15))).toBe(5); // clamped to the checkpoint (index 9)
      expect(await log.readAfter(LOG_START, 100)).toEqual(r.appended.slice(10));
      expect(await log.readAfter(p(2), 3)).toEqual(r.appended.slice(10, 13));
    });

    it('de-duplication still works for trimmed events', async () => {
      const log = await fresh();
      const r = await log.append(evs(6));
      await log.saveCheckpoint({ pos: r.appended[5]!.pos, state: '{}', savedAt: 0 });
      expect(await log.trimThrough(r.appended[5]!.pos)).toBe(6);
      const again = await log.append(r.appended.map((e) => e.event));
      expect(again).toEqual({ appended: [], duplicates: 6 });
      expect(await log.readAfter(LOG_START, 10)).toEqual([]);
    });

    it('follow after a trim starts at the first retained entry', async () => {
      const log = await fresh();
      const r = await log.append(evs(8));
      await log.saveCheckpoint({ pos: r.appended[2]!.pos, state: '{}', savedAt: 0 });
      await log.trimThrough(r.appended[2]!.pos);
      const c = collector();
      stops.push(log.follow(LOG_START, c.fn));
      await vi.waitFor(() => expect(c.got).toEqual(r.appended.slice(3)));
    });

    it('positions from one call are usable in the next', async () => {
      const log = await fresh();
      const r = await log.append(evs(3));
      const last = r.appended[2]!.pos;
      const more = await log.append(evs(2));
      expect(comparePositions(more.appended[0]!.pos, last)).toBe(1);
      expect(await log.readAfter(last, 10)).toEqual(more.appended);
    });

    it('lastPosition is the newest entry ever appended, trimmed or not', async () => {
      const log = await fresh();
      expect(await log.lastPosition()).toBe(LOG_START);
      const r = await log.append(evs(4));
      const last = r.appended[3]!.pos;
      expect(await log.lastPosition()).toBe(last);
      await log.append([r.appended[0]!.event]); // a duplicate appends nothing
      expect(await log.lastPosition()).toBe(last);
      await log.saveCheckpoint({ pos: last, state: 'x', savedAt: 1 });
      expect(await log.trimThrough(last)).toBe(4);
      expect(await log.lastPosition()).toBe(last);
    });

    it('is healthy while open', async () => {
      const log = await fresh();
      await log.append(evs(1)); // connected by now
      expect(log.healthy()).toBe(true);
    });
  });
}
