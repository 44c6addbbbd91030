/**
 * kill -9 of a server process mid-stream (SPEC §7, §8): `npx tsx server/main.ts` on Redis as a
 * child process, a producer that retries every unacknowledged batch, SIGKILL to the whole process
 * group midway, a restart, the rest of the stream; at the end every event is counted exactly once
 * and the floor's counts equal an uninterrupted run. Uses its own redis-server (main.ts uses the
 * default key prefix).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../shared/snapshot.ts';
import { batches, counts, daytimeZone, sendUntilAcked, simEvents, type SendStats } from '../test-support/floor-fixtures.ts';
import { findFreePort, startRedisServer, type RedisServer } from '../test-support/redis-server.ts';
import { getSnapshot, postEvents, startTestApp, TEST_SECRETS } from '../test-support/test-app.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let redis: RedisServer;
const children = new Set<ChildProcess>();

beforeAll(async () => { redis = await startRedisServer(); });
afterAll(async () => {
  for (const c of children) killGroup(c);
  await redis.dispose();
});

function killGroup(c: ChildProcess): void {
  try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* already gone */ }
}

/** Starts the real server (its own process group, so kill -9 takes npx, tsx and node together). */
async function startServer(port: number, tz: string): Promise<{ child: ChildProcess; startMs: number }> {
  const t0 = performance.now();
  const child = spawn('npx', ['tsx', 'server/main.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env, PORT: String(port), HOST: '127.0.0.1', SIMULATOR: 'off', REDIS_URL: redis.url, CENTER_TZ: tz,
      ADMIN_PASSWORD: TEST_SECRETS.adminPassword, INGEST_KEY: TEST_SECRETS.ingestKey, DISPLAY_TOKEN: TEST_SECRETS.displayToken,
      CHECKPOINT_EVERY_SEC: '1', LOG_LEVEL: 'warn',
    },
  });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.once('exit', () => children.delete(child));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return { child, startMs: performance.now() - t0 };
    if (performance.now() - t0 > 60_000) throw new Error(`server did not get ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kill -9 of a server process', () => {
  it('loses no acknowledged event and counts none twice', async () => {
    const tz = daytimeZone();
    const events = simEvents(Date.now() - 60_000, 1, 13, tz);
    const parts = batches(events, 100);
    const killAfter = Math.floor(parts.length * 0.4);
    const port = await findFreePort();
    const url = `http://127.0.0.1:${port}`;
    let server = await startServer(port, tz);
    const stats: SendStats = { attempts: 0, refused: 0, unavailable: [] };

    let killedAt = 0;
    let restart: Promise<unknown> | null = null;
    let firstAckAfterRestart = 0;
    for (let i = 0; i < parts.length; i++) {
      const sending = sendUntilAcked(() => url, parts[i]!, stats, 90_000);
      if (i === killAfter) {
        // The batch is on the wire (or about to be) when the whole server process group dies.
        await new Promise((r) => setTimeout(r, 5));
        killGroup(server.child);
        killedAt = performance.now();
        restart = startServer(port, tz).then((s) => { server = s; });
      }
      await sending;
      if (i === killAfter) firstAckAfterRestart = performance.now() - killedAt;
    }
    await restart;
    expect(stats.refused).toBeGreaterThan(0); // the kill really interrupted the producer

    const admin = new Redis(redis.url);
    expect(await admin.xlen('floorboard:events')).toBe(events.length);
    await admin.quit();

    const ref = await startTestApp({ env: { CENTER_TZ: tz } });
    try {
      for (const part of batches(events, 1000)) expect((await postEvents(ref.url, part)).status).toBe(202);
      const deadline = Date.now() + 10_000;
      let got: Snapshot;
      do {
        got = await getSnapshot(url);
        if (got.totals.offered === (await getSnapshot(ref.url)).totals.offered) break;
        await new Promise((r) => setTimeout(r, 100));
      } while (Date.now() < deadline);
      ref.clock.now = Date.now();
      const want = await getSnapshot(ref.url);
      expect(want.totals.offered).toBeGreaterThan(50);
      expect(counts(got)).toEqual(counts(want));
      console.info(`[measured] server kill -9: restarted and acknowledged the interrupted batch ${firstAckAfterRestart.toFixed(0)} ms after the kill (npx tsx start included); ready in ${server.startMs.toFixed(0)} ms`);
    } finally {
      await ref.close();
      killGroup(server.child);
    }
  }, 120_000);
});
