/**
 * Redis killed (-9) and restarted mid-stream, with AOF (SPEC §7, §8): ingest answers 503 with
 * Retry-After within 2 s while it is down and never acknowledges without the append, /readyz says
 * not ready, screens keep the last floor and are told the store is unhealthy; once Redis is back
 * ingest resumes within 5 s, replicas catch up, and the floor equals an uninterrupted run.
 * Uses its own redis-server, since it kills it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../test-support/redis-server.ts';
import { batches, comparable, sendUntilAcked, simEvents, type SendStats } from '../test-support/floor-fixtures.ts';
import { connectClient, getSnapshot, postEvents, startTestApp, TEST_SECRETS, until, type TestApp } from '../test-support/test-app.ts';
import { MemoryLog } from '../store/memory-log.ts';
import { MemoryConfigStore } from '../store/memory-config-store.ts';
import { RedisLog } from '../store/redis-log.ts';

const NOW = Date.UTC(2026, 2, 10, 6, 0, 0);
let server: RedisServer;

beforeAll(async () => { server = await startRedisServer(); });
afterAll(async () => { await server.dispose(); });

async function settled(app: TestApp): Promise<void> {
  for (let i = 0; i < 400; i++) if (await app.app.floor.caughtUp(50).catch(() => false)) return;
  throw new Error('replica did not catch up');
}

describe('Redis killed and restarted mid-stream', () => {
  it('503 + Retry-After while down, recovers within 5 s, replicas catch up, final floor equals the reference', async () => {
    const events = simEvents(NOW, 2, 9);
    const parts = batches(events, 200);
    const half = Math.floor(parts.length / 2);
    // As main.ts builds it (1.5 s store timeout); configuration in memory so sign-in does not need Redis.
    const newLog = () => new RedisLog({ url: server.url, keyPrefix: 'outage:', appendTimeoutMs: 1_500, onError: () => {} });
    const a = await startTestApp({ now: NOW, log: newLog(), configStore: new MemoryConfigStore() });
    const b = await startTestApp({ now: NOW, log: newLog(), configStore: new MemoryConfigStore() });
    const ref = await startTestApp({ now: NOW, log: new MemoryLog() });
    const client = connectClient(b.url);
    const statuses: boolean[] = [];
    client.socket.on('floor:status', (s) => statuses.push(s.storeHealthy));
    try {
      const stats: SendStats = { attempts: 0, refused: 0, unavailable: [] };
      for (const part of parts.slice(0, half)) await sendUntilAcked(() => a.url, part, stats);
      await settled(b);
      const before = await getSnapshot(b.url);
      await until(() => statuses[0] === true, 5_000, 'status on connect');

      await server.kill9();
      // Ingest: 503 store_unavailable with Retry-After, within 2 s, nothing acknowledged.
      const t0 = performance.now();
      const res = await fetch(`${a.url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_SECRETS.ingestKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(parts[half]),
      });
      const rejectMs = performance.now() - t0;
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('store_unavailable');
      expect(rejectMs).toBeLessThan(2_000);
      // Not ready; the screen keeps its floor and is told the store is down.
      const ready = await fetch(`${b.url}/readyz`);
      expect(ready.status).toBe(503);
      await until(() => statuses.at(-1) === false, 5_000, 'floor:status unhealthy');
      expect(client.socket.connected).toBe(true);
      expect(comparable(await getSnapshot(b.url))).toEqual(comparable(before));

      await server.start();
      const upAt = performance.now();
      const r = await sendUntilAcked(() => a.url, parts[half]!, stats);
      const recoverMs = performance.now() - upAt;
      expect(r.accepted + r.duplicates).toBe(parts[half]!.length);
      expect(recoverMs).toBeLessThan(5_000);
      for (const part of parts.slice(half + 1)) await sendUntilAcked(() => a.url, part, stats);
      await until(() => statuses.at(-1) === true, 5_000, 'floor:status healthy again');

      for (const part of batches(events, 1000)) expect((await postEvents(ref.url, part)).status).toBe(202);
      await settled(a);
      await settled(b);
      const [sa, sb, sr] = [await getSnapshot(a.url), await getSnapshot(b.url), await getSnapshot(ref.url)];
      expect(comparable(sa)).toEqual(comparable(sr));
      expect(comparable(sb)).toEqual(comparable(sr));
      expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
      const reader = new RedisLog({ url: server.url, keyPrefix: 'outage:' });
      const reads = await reader.readAfter('0-0', 100_000);
      await reader.close();
      expect(reads).toHaveLength(events.length); // every event once
      console.info(`[measured] Redis kill -9: ingest answered 503 after ${rejectMs.toFixed(0)} ms; after the restart (PING ok) ingest acknowledged again after ${recoverMs.toFixed(0)} ms; ${stats.unavailable.length} batch attempt(s) got 503`);
    } finally {
      client.socket.close();
      await a.close();
      await b.close();
      await ref.close();
    }
  }, 60_000);
});
