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
