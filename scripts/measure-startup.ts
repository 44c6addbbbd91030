/**
 * Startup time with a long history (docs/redis.md, "Startup and checkpoints"): fills a private
 * redis-server with the simulator's events (default 1,000,000, about four days of a busy floor),
 * then times an instance's start until it has caught up with the stream, without a checkpoint
 * (a full replay) and with one (restore + the tail after it).
 *
 *   npx tsx scripts/measure-startup.ts [--events 1000000] [--tail 10000]
 *
 * Never touches the Redis on :6379: it starts its own on a free port and removes it afterwards.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { EventSchema, type FloorEvent } from '../shared/events.ts';
import { createApp, type FloorboardApp } from '../server/app.ts';
import { loadConfig } from '../server/config/config.ts';
import { buildFloor } from '../server/simulator/floor-config.ts';
import { FloorModel } from '../server/simulator/floor-model.ts';
import { MemoryConfigStore } from '../server/store/memory-config-store.ts';
import { RedisLog } from '../server/store/redis-log.ts';
import { startRedisServer } from '../server/test-support/redis-server.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, tail: { type: 'string', default: '10000' } } });
const TOTAL = Number(values.events);
const TAIL = Number(values.tail);
const TZ = 'Asia/Shanghai';
const secrets = { adminPassword: 'measure-password', ingestKey: 'measure-ingest-key-0123', displayToken: 'measure-display-token-01' };
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The demo floor's history ending now: `n` events, oldest first (about 250,000 a day). */
function history(n: number): FloorEvent[] {
  const now = Date.now();
  const days = Math.ceil(n / 200_000) + 1;
  // A busier floor than the demo default (100,000 calls a day offered to its 81 agents).
  const model = new FloorModel({ startMs: now - days * 86_400_000, seed: 42, tz: TZ, floor: buildFloor(42, { dailyVolume: 100_000 }) });
  const out: FloorEvent[] = [];
  for (const batch of model.backfill(now, 20_000)) for (const e of batch) out.push(EventSchema.parse(e));
  if (out.length < n) throw new Error(`only ${out.length} events generated`);
  return out.slice(out.length - n); // the newest n
}

async function startInstance(url: string): Promise<{ app: FloorboardApp; log: RedisLog; ms: number }> {
  const t0 = performance.now();
  const log = new RedisLog({ url, keyPrefix: 'measure:' });
  const config = loadConfig({ SIMULATOR: 'off', REDIS_URL: url, CENTER_TZ: TZ, CHECKPOINT_EVERY_SEC: '3600', LOG_LEVEL: 'warn' });
  const app = await createApp({ config, secrets, clock: Date.now, log, configStore: new MemoryConfigStore(), logger: pino({ level: 'info' }) });
  const target = await log.lastPosition();
  while (app.floor.position !== target) await new Promise((r) => setTimeout(r, 20));
  return { app, log, ms: performance.now() - t0 };
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  try {
    console.log(`generating ${TOTAL + TAIL} events ...`);
    let t = performance.now();
    const events = history(TOTAL + TAIL);
    console.log(`  ${events.length} events from ${new Date(events[0]!.ts).toISOString()} to ${new Date(events.at(-1)!.ts).toISOString()} in ${sec(performance.now() - t)}`);

    const writer = new RedisLog({ url: redis.url, keyPrefix: 'measure:', appendTimeoutMs: 30_000 });
    t = performance.now();
    for (let i = 0; i < TOTAL; i += 5_000) await writer.append(events.slice(i, Math.min(i + 5_000, TOTAL)));
    const fillMs = performance.now() - t;
    console.log(`  appended ${TOTAL} events to Redis in ${sec(fillMs)} (${Math.round(TOTAL / (fillMs / 1000))} events/s)`);

    // 1. No checkpoint: the instance replays the whole stream.
    global.gc?.();
    const cold = await startInstance(redis.url);
    const heap = process.memoryUsage().heapUsed;
    console.log(`no checkpoint: caught up with ${TOTAL} events in ${sec(cold.ms)} (${Math.round(TOTAL / (cold.ms / 1000))} events/s), heap ${mb(heap)}`);

    // A checkpoint at the end of those events, then a tail appended after it.
    t = performance.now();
    await cold.app.floor.checkpoint();
    const cpMs = performance.now() - t;
    const cpBytes = (await writer.loadCheckpoint())!.state.length;
    console.log(`checkpoint: saved in ${sec(cpMs)}, ${mb(cpBytes)} (base64 of deflated JSON)`);
    cold.app.floor.stop(); // no final checkpoint on close: the next start must fold the tail
    await cold.app.close();
    for (let i = TOTAL; i < events.length; i += 5_000) await writer.append(events.slice(i, Math.min(i + 5_000, events.length)));

    // 2. With the checkpoint: restore it, then fold the tail.
    global.gc?.();
    const warm = await startInstance(redis.url);
    console.log(`with checkpoint: restored and caught up with ${TOTAL} + ${TAIL} events in ${sec(warm.ms)}`);
    warm.app.floor.stop();
    await warm.app.close();
    await writer.close();

    const info = await new Promise<string>((resolve) => {
      void import('ioredis').then(async ({ Redis }) => {
        const r = new Redis(redis.url);
        const s = await r.info('memory');
        await r.quit();
        resolve(/used_memory_human:(\S+)/.exec(s)?.[1] ?? '?');
      });
    });
    console.log(`\n| events in stream | checkpoint | startup until caught up |\n|---|---|---|\n| ${TOTAL} | none | ${sec(cold.ms)} |\n| ${TOTAL + TAIL} | at ${TOTAL} (${mb(cpBytes)}) | ${sec(warm.ms)} |\n\nRedis used_memory ${info}; checkpoint save ${sec(cpMs)}; machine: ${(await import('node:os')).cpus().length} CPUs, Node ${process.version}`);
  } finally {
    await redis.dispose();
  }
}

await main();
