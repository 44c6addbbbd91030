import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort, deleteKeysWithPrefix } from '../test-support/redis-server.ts';
import { describeEventLogContract, ev, evs } from './event-log.contract.ts';
import { LOG_START, StoreUnavailableError } from './event-log.ts';
import { nextStreamId, RedisLog, type RedisLogOptions } from './redis-log.ts';

// The run's private redis-server (server/test-support/redis-global-setup.ts); this file keeps
// to its own key prefix so it can share that server with other test files.
const url = inject('redisUrl');
const filePrefix = `test:redis-log:${randomUUID()}:`;
let admin: Redis;
const logs: RedisLog[] = [];
const quiet = () => {};

function makeLog(opts: Partial<RedisLogOptions> = {}): RedisLog {
  const log = new RedisLog({ url, keyPrefix: `${filePrefix}${randomUUID()}:`, onError: quiet, ...opts });
  logs.push(log);
  return log;
}

beforeAll(() => { admin = new Redis(url); });
afterEach(async () => { for (const log of logs.splice(0)) await log.close(); });
afterAll(async () => {
  await admin.quit();
  await deleteKeysWithPrefix(url, filePrefix);
});

describeEventLogContract('RedisLog', () => makeLog());

describe('RedisLog specifics', () => {
  it('stores events in <prefix>events with de-dup keys that expire', async () => {
    const log = makeLog({ dedupTtlSec: 3600 });
    const e = ev();
    const r = await log.append([e]);
    expect(await admin.xlen(log.streamKey)).toBe(1);
    const [[id, fields]] = (await admin.xrange(log.streamKey, '-', '+')) as [[string, string[]]];
    expect(id).toBe(r.appended[0]!.pos);
    expect(fields).toEqual(['event', JSON.stringify(e)]);
    const ttl = await admin.ttl(`${log.keyPrefix}id:${e.id}`);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('two instances appending the same events concurrently keep exactly one of each', async () => {
    const keyPrefix = `${filePrefix}${randomUUID()}:`;
    const a = makeLog({ keyPrefix });
    const b = makeLog({ keyPrefix });
    const events = evs(2_000);
    // Both instances get every event, in interleaved batches of different sizes and orders.
    const batchesA: Promise<{ appended: unknown[]; duplicates: number }>[] = [];
    const batchesB: typeof batchesA = [];
    for (let i = 0; i < events.length; i += 100) batchesA.push(a.append(events.slice(i, i + 100)));
    const reversed = [...events].reverse();
    for (let i = 0; i < reversed.length; i += 70) batchesB.push(b.append(reversed.slice(i, i + 70)));
    const results = await Promise.all([...batchesA, ...batchesB]);
    const appended = results.reduce((n, r) => n + r.appended.length, 0);
    const duplicates = results.reduce((n, r) => n + r.duplicates, 0);
    expect(appended).toBe(events.length);
    expect(duplicates).toBe(events.length);
    const all = await a.readAfter(LOG_START, 10_000);
    expect(all).toHaveLength(events.length);
    expect(new Set(all.map((e) => e.event.id)).size).toBe(events.length);
    expect(await b.readAfter(LOG_START, 10_000)).toEqual(all);
  });

  it('a follower on another instance sees appends of this one', async () => {
    const keyPrefix = `${filePrefix}${randomUUID()}:`;
    const writer = makeLog({ keyPrefix });
    const reader = makeLog({ keyPrefix });
    const got: string[] = [];
    const stop = reader.follow(LOG_START, (entries) => got.push(...entries.map((e) => e.event.id)));
    const batch = evs(50);
    await writer.append(batch);
    await expect.poll(() => got.length).toBe(50);
    expect(got).toEqual(batch.map((e) => e.id));
    stop();
  });

  it('followers on writing instances and on a reader all see exactly the stream, in its order', async () => {
    const keyPrefix = `${filePrefix}${randomUUID()}:`;
    const a = makeLog({ keyPrefix });
    const b = makeLog({ keyPrefix });
    const reader = makeLog({ keyPrefix });
    // a and b both write, concurrently; every follower, on a writer or not, must see the stream itself.
    const seen = [a, b, reader].map((log) => {
      const got: string[] = [];
      const stop = log.follow(LOG_START, (entries) => got.push(...entries.map((e) => `${e.pos} ${e.event.id}`)));
      return { got, stop };
    });
    const events = evs(3_000);
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < events.length; i += 60) {
      sends.push(a.append(events.slice(i, i + 60)));
      // b sends overlapping batches, so some of its entries are duplicates dropped by the script.
      sends.push(b.append(events.slice(Math.max(0, i - 25), i + 35)));
      if (i % 600 === 0) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
    const stream = (await a.readAfter(LOG_START, 10_000)).map((e) => `${e.pos} ${e.event.id}`);
    expect(stream).toHaveLength(events.length);
    for (const s of seen) await expect.poll(() => s.got.length).toBe(events.length);
    for (const s of seen) {
      expect(s.got).toEqual(stream);
      s.stop();
    }
  });

  it('positions stay exact after an entry with a sequence number beyond 2^53', async () => {
    const log = makeLog();
    // A hand-written entry far in the future: every later `*` id continues its huge sequence.
    await admin.xadd(`${log.keyPrefix}events`, `${Date.now() + 3_600_000}-18446744073709551000`, 'event', JSON.stringify(ev('hand')));
    const got: string[] = [];
    const stop = log.follow(LOG_START, (entries) => got.push(...entries.map((e) => `${e.pos} ${e.event.id}`)));
    const fresh = evs(20);
    const batch = [...fresh, ...fresh.slice(0, 5)];
    const { appended, duplicates } = await log.append(batch);
    expect(duplicates).toBe(5);
    const stream = (await log.readAfter(LOG_START, 100)).map((e) => `${e.pos} ${e.event.id}`);
    expect(appended.map((e) => `${e.pos} ${e.event.id}`)).toEqual(stream.slice(1));
    await expect.poll(() => got.length).toBe(21);
    expect(got).toEqual(stream);
    stop();
  });

  it('rejects with StoreUnavailableError within the timeout when nothing listens', async () => {
    const port = await findFreePort();
    const log = makeLog({ url: `redis://127.0.0.1:${port}`, appendTimeoutMs: 1_000 });
    const t0 = performance.now();
    await expect(log.append([ev()])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(log.readAfter(LOG_START, 1)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(performance.now() - t0).toBeLessThan(2_500);
    expect(log.healthy()).toBe(false);
  });

  it('a closed log is unhealthy and refuses work', async () => {
    const log = makeLog();
    await log.append([ev()]);
    await log.close();
    expect(log.healthy()).toBe(false);
    await expect(log.append([ev()])).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('does not hide real errors as unavailability', async () => {
    const log = makeLog();
    await admin.set(log.streamKey, 'not a stream');
    const e = ev();
    const err = await log.append([e]).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(StoreUnavailableError);
    expect(String(err)).toMatch(/WRONGTYPE/);
    // nothing was marked as seen, so the event is not lost once the key is fixed
    expect(await admin.exists(`${log.keyPrefix}id:${e.id}`)).toBe(0);
    await admin.del(log.streamKey);
    expect((await log.append([e])).appended).toHaveLength(1);
  });

  it('rejects malformed positions', async () => {
    const log = makeLog();
    await expect(log.readAfter('nope', 1)).rejects.toBeInstanceOf(RangeError);
    expect(() => log.follow('1-x', () => {})).toThrow(RangeError);
  });

  it('nextStreamId is the smallest id after a position', () => {
    expect(nextStreamId('5-0')).toBe('5-1');
    expect(nextStreamId('1700000000000-41')).toBe('1700000000000-42');
    expect(nextStreamId('7-18446744073709551615')).toBe('8-0');
  });
});
