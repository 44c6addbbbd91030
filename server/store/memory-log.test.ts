import { describe, expect, it } from 'vitest';
import { describeEventLogContract, ev, evs } from './event-log.contract.ts';
import { LOG_START, type LogEntry } from './event-log.ts';
import { MemoryLog } from './memory-log.ts';

describeEventLogContract('MemoryLog', () => new MemoryLog());

describe('MemoryLog specifics', () => {
  it('forgets ids after the de-dup window, not when entries are trimmed', async () => {
    let now = 1_000_000;
    const log = new MemoryLog({ dedupTtlMs: 60_000, now: () => now });
    const a = ev();
    await log.append([a]);
    now += 59_999;
    expect((await log.append([a])).duplicates).toBe(1);
    now += 2;
    const r = await log.append([a]);
    expect(r.appended).toHaveLength(1);
    // re-appended: remembered again from now on
    now += 30_000;
    expect((await log.append([a])).duplicates).toBe(1);
  });

  it('caps the remembered ids', async () => {
    const log = new MemoryLog({ maxDedupIds: 3 });
    const batch = evs(5);
    await log.append(batch);
    const again = await log.append(batch);
    expect(again.duplicates).toBe(3); // the two oldest ids were forgotten
    expect(again.appended.map((e) => e.event.id)).toEqual([batch[0]!.id, batch[1]!.id]);
  });

  it('reads, pages, follows and trims across many appends as one contiguous log', async () => {
    // Entries are kept one JSON string per append: reads must not see the seams.
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return seed % n; };
    const log = new MemoryLog();
    const all: LogEntry[] = [];
    const sent: ReturnType<typeof ev>[] = [];
    for (let b = 0; b < 40; b++) {
      // a few ids sent before come back: the append keeps only the new ones
      const batch = [...evs(rand(6)), ...(sent.length > 0 ? [sent[rand(sent.length)]!] : [])];
      sent.push(...batch);
      all.push(...(await log.append(batch)).appended);
    }
    expect(all.length).toBeGreaterThan(60);
    let trimmed = 0;
    for (let round = 0; round < 30; round++) {
      const from = rand(all.length + 1);
      const after = from === 0 ? LOG_START : all[from - 1]!.pos;
      const limit = rand(25);
      expect(await log.readAfter(after, limit)).toEqual(all.slice(Math.max(from, trimmed), Math.max(from, trimmed) + limit));
      if (round % 5 === 4) {
        const through = Math.min(all.length, trimmed + rand(12));
        await log.saveCheckpoint({ pos: all[through - 1]?.pos ?? LOG_START, state: '{}', savedAt: 0 });
        expect(await log.trimThrough(all[through - 1]?.pos ?? LOG_START)).toBe(Math.max(0, through - trimmed));
        trimmed = Math.max(trimmed, through);
      }
    }
    const got: LogEntry[] = [];
    const stop = log.follow(LOG_START, (entries) => got.push(...entries));
    stop();
    expect(got).toEqual(all.slice(trimmed));
    expect(await log.lastPosition()).toBe(all[all.length - 1]!.pos);
  });

  it('delivers in order when a follower appends re-entrantly', async () => {
    const log = new MemoryLog();
    const seen: string[] = [];
    const late: string[] = [];
    let reentered = false;
    log.follow(LOG_START, (entries) => {
      seen.push(...entries.map((e) => e.event.id));
      if (!reentered) {
        reentered = true;
        void log.append([ev('inner')]);
        log.follow(entries[entries.length - 1]!.pos, (more: LogEntry[]) => late.push(...more.map((e) => e.event.id)));
      }
    });
    const other: string[] = [];
    log.follow(LOG_START, (entries) => other.push(...entries.map((e) => e.event.id)));
    await log.append([ev('outer')]);
    await log.append([ev('last')]);
    expect(seen).toEqual(['outer', 'inner', 'last']);
    expect(other).toEqual(['outer', 'inner', 'last']);
    expect(late).toEqual(['inner', 'last']);
  });

  it('a throwing follower does not fail the append or starve the others', async () => {
    const errors: unknown[] = [];
    const log = new MemoryLog({ onError: (_m, err) => errors.push(err) });
    const got: string[] = [];
    log.follow(LOG_START, () => { throw new Error('boom'); });
    log.follow(LOG_START, (entries) => got.push(...entries.map((e) => e.event.id)));
    const r = await log.append([ev('x')]);
    expect(r.appended).toHaveLength(1);
    expect(got).toEqual(['x']);
    expect(errors).toHaveLength(1);
  });
});
