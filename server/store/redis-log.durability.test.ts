/**
 * RedisLog against a Redis that goes away: stopped, killed with -9, frozen. Uses its own
 * redis-server (AOF, appendfsync everysec) so it can do that without disturbing other files.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../test-support/redis-server.ts';
import { evs } from './event-log.contract.ts';
import { LOG_START, StoreUnavailableError, type LogEntry } from './event-log.ts';
import { RedisLog, type RedisLogOptions } from './redis-log.ts';

let server: RedisServer;
const logs: RedisLog[] = [];
let n = 0;

function makeLog(opts: Partial<RedisLogOptions> = {}): RedisLog {
  const log = new RedisLog({ url: server.url, keyPrefix: `durability-${++n}:`, onError: () => {}, ...opts });
  logs.push(log);
  return log;
}

/** Retries `fn` until it resolves; returns its result and how long that took. */
async function untilItWorks<T>(fn: () => Promise<T>, withinMs: number): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  for (;;) {
    try {
      return { value: await fn(), ms: performance.now() - t0 };
    } catch (err) {
      if (!(err instanceof StoreUnavailableError) || performance.now() - t0 > withinMs) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

beforeAll(async () => { server = await startRedisServer(); });
afterEach(async () => {
  server.resume();
  if (!server.running) await server.start();
  for (const log of logs.splice(0)) await log.close();
});
afterAll(async () => { await server.dispose(); });

describe('RedisLog when Redis goes away', () => {
  it('rejects while Redis is stopped, recovers after a restart, loses nothing, and the follower resumes', async () => {
    const log = makeLog();
    const delivered: LogEntry[] = [];
    const stop = log.follow(LOG_START, (entries) => delivered.push(...entries));

    const before = evs(300);
    const acked = (await log.append(before)).appended;
    await expect.poll(() => delivered.length).toBe(300);

    await server.stop();
    const t0 = performance.now();
    const err = await log.append(evs(10)).catch((e: unknown) => e);
    const rejectMs = performance.now() - t0;
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(rejectMs).toBeLessThan(2_500);
    expect(log.healthy()).toBe(false);

    await server.start();
    const after = evs(50);
    const { value: r, ms: recoverMs } = await untilItWorks(() => log.append(after), 5_000);
    expect(recoverMs).toBeLessThan(5_000);
    console.info(`[measured] append while Redis stopped rejected after ${rejectMs.toFixed(0)} ms; appends worked again ${recoverMs.toFixed(0)} ms after the restarted Redis answered PING`);

    // Everything acknowledged before the restart is still there (AOF), in the same order.
    const all = await log.readAfter(LOG_START, 10_000);
    expect(all.slice(0, 300)).toEqual(acked);
    expect(all.slice(300)).toEqual(r.appended);
    // The follower resumed from its last entry: the later ones arrive, nothing twice.
    await expect.poll(() => delivered.length, { timeout: 10_000 }).toBe(350);
    expect(delivered).toEqual(all);
    // De-dup keys survived too.
    expect(await log.append(before)).toEqual({ appended: [], duplicates: 300 });
    expect(log.healthy()).toBe(true);
    stop();
  });

  it('kill -9 under load: every acknowledged event survives, exactly once after retries', async () => {
    const log = makeLog();
    const all = evs(4_000);
    const batches: (typeof all)[] = [];
    for (let i = 0; i < all.length; i += 40) batches.push(all.slice(i, i + 40));
    const ackedIds = new Set<string>();
    let failed = 0;
    let killed = false;
    const writers = batches.map(async (batch, i) => {
      await new Promise((r) => setTimeout(r, i * 3));
      if (i === 50 && !killed) { killed = true; void server.kill9(); }
      try {
        const r = await log.append(batch);
        for (const e of r.appended) ackedIds.add(e.event.id);
      } catch (err) {
        expect(err).toBeInstanceOf(StoreUnavailableError);
        failed++;
      }
    });
    await Promise.all(writers);
    expect(killed).toBe(true);
    expect(ackedIds.size).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);

    await server.start();
    const { ms } = await untilItWorks(() => log.readAfter(LOG_START, 1), 5_000);
    const survived = new Set((await log.readAfter(LOG_START, 10_000)).map((e) => e.event.id));
    for (const id of ackedIds) expect(survived.has(id)).toBe(true);

    // Producers retry everything they were not sure about: the log ends with each event once.
    for (const batch of batches) await untilItWorks(() => log.append(batch), 5_000);
    const final = await log.readAfter(LOG_START, 10_000);
    expect(final).toHaveLength(all.length);
    expect(new Set(final.map((e) => e.event.id)).size).toBe(all.length);
    console.info(`[measured] kill -9: ${ackedIds.size} events acknowledged before the kill, all survived; ${failed} batches rejected; reads worked ${ms.toFixed(0)} ms after restart`);
  });

  it('a frozen Redis (SIGSTOP) makes appends fail within the timeout, then recover', async () => {
    const log = makeLog();
    await log.append(evs(5));
    server.pause();
    const t0 = performance.now();
    await expect(log.append(evs(5))).rejects.toBeInstanceOf(StoreUnavailableError);
    const rejectMs = performance.now() - t0;
    expect(rejectMs).toBeLessThan(2_500);
    expect(log.healthy()).toBe(false);
    server.resume();
    const { ms } = await untilItWorks(() => log.append(evs(5)), 5_000);
    expect(log.healthy()).toBe(true);
    console.info(`[measured] frozen Redis: append rejected after ${rejectMs.toFixed(0)} ms; worked again ${ms.toFixed(0)} ms after SIGCONT`);
    // the append that timed out may still have landed (it was on the wire) — at most once
    const ids = (await log.readAfter(LOG_START, 100)).map((e) => e.event.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('waits for a Redis that is starting instead of failing at once', async () => {
    await server.stop();
    const log = makeLog({ appendTimeoutMs: 4_000 });
    const pending = log.append(evs(3));
    await new Promise((r) => setTimeout(r, 300));
    await server.start();
    expect((await pending).appended).toHaveLength(3);
  });

  it('reports no durability warnings on a correctly configured Redis, and names a bad setting', async () => {
    const log = makeLog();
    expect(await log.durabilityWarnings()).toEqual([]);
    const admin = new Redis(server.url);
    try {
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await admin.config('SET', 'appendonly', 'no');
      expect(await log.durabilityWarnings()).toEqual([
        expect.stringMatching(/appendonly.*lost/),
        expect.stringMatching(/maxmemory-policy.*allkeys-lru.*noeviction/),
      ]);
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'appendonly', 'yes');
      await admin.quit();
    }
  });
});
