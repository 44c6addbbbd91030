import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { findFreePort, deleteKeysWithPrefix } from '../test-support/redis-server.ts';
import { describeConfigStoreContract } from './config-store.contract.ts';
import { StoreUnavailableError } from './event-log.ts';
import { RedisConfigStore, type RedisConfigStoreOptions } from './redis-config-store.ts';

const url = inject('redisUrl');
const filePrefix = `test:redis-config:${randomUUID()}:`;
const stores: RedisConfigStore[] = [];

function makeStore(opts: Partial<RedisConfigStoreOptions> = {}): RedisConfigStore {
  const s = new RedisConfigStore({ url, keyPrefix: `${filePrefix}${randomUUID()}:`, onError: () => {}, ...opts });
  stores.push(s);
  return s;
}

afterEach(async () => { for (const s of stores.splice(0)) await s.close(); });
afterAll(() => deleteKeysWithPrefix(url, filePrefix));

describeConfigStoreContract('RedisConfigStore', () => makeStore());

describe('RedisConfigStore across instances', () => {
  it('a change made on one instance fires watch on every other, once, and the value is shared', async () => {
    const keyPrefix = `${filePrefix}${randomUUID()}:`;
    const a = makeStore({ keyPrefix });
    const b = makeStore({ keyPrefix });
    const c = makeStore({ keyPrefix });
    const seen = { a: [] as string[], b: [] as string[], c: [] as string[] };
    a.watch((k) => seen.a.push(k));
    b.watch((k) => seen.b.push(k));
    c.watch((k) => seen.c.push(k));
    await new Promise((r) => setTimeout(r, 100)); // the watch readers have their starting point
    await a.set('roster:2026-01-05', { entries: [] });
    await b.set('break-plan:t1', { slots: 3 });
    await c.delete('roster:2026-01-05');
    const all = ['roster:2026-01-05', 'break-plan:t1', 'roster:2026-01-05'];
    // Each instance hears every change once; its own changes are told at once, others' through the
    // stream, so the order across instances is not promised.
    const sorted = (l: string[]) => [...l].sort();
    await expect.poll(() => [seen.a, seen.b, seen.c].map(sorted)).toEqual([all, all, all].map(sorted));
    expect(await c.get('break-plan:t1')).toEqual({ slots: 3 });
    expect(await a.keys('')).toEqual(['break-plan:t1']);
  });

  it('rejects with StoreUnavailableError within the timeout when Redis is not there', async () => {
    const port = await findFreePort();
    const s = makeStore({ url: `redis://127.0.0.1:${port}`, timeoutMs: 1_000 });
    const t0 = performance.now();
    await expect(s.set('k', 1)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(s.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(performance.now() - t0).toBeLessThan(2_500);
  });
});
