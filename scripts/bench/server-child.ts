/**
 * The measured side of `npm run bench`, in its own process (forked by run.ts, pinned to its own
 * core). `BENCH_MODE` picks what it runs:
 *   floorboard  the real app (createApp), memory log or (BENCH_REDIS_URL) the Redis log
 *   bare-io     a bare socket.io server: parses the posted events and broadcasts agent patches,
 *               coalesced with the same 50 ms frame rule (the floor no computation can beat)
 *   bare-parse  a bare express server that only parses the ingest bodies and answers 202
 *   bare-validate  the same, and it also checks every event with the shared schema, as ingest does
 *               (no log, no fold): the most any server that validates its input can reach
 *   xadd        no server: pipelined XADD of the same event JSON into BENCH_REDIS_URL
 *   engine-mem  no server: heap of the pure engine + projector per agent
 * It answers IPC requests from run.ts: cpu, heap (after a full GC), xadd, engine-mem, stop.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Server } from 'socket.io';
import type { FloorEvent } from '../../shared/events.ts';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config/config.ts';
import { defaultEngineConfig } from '../../server/engine/engine-config.ts';
import { FloorEngine } from '../../server/engine/engine.ts';
import { FloorProjector } from '../../server/engine/projector.ts';
import { IngestService } from '../../server/ingest/ingest-service.ts';
import { FRAME_MS } from '../../server/floor/floor-service.ts';
import { MemoryLog } from '../../server/store/memory-log.ts';
import { RedisLog } from '../../server/store/redis-log.ts';
import { agentId, FloorTraffic, teamOf } from './events.ts';
import { resolveEntry } from '../../server/schedule/roster.ts';
import type { ChildReply, ChildRequest, EngineMemoryStage } from './protocol.ts';
import { BENCH_SECRETS } from './protocol.ts';

const mode = process.env.BENCH_MODE ?? 'floorboard';
const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

const send = (msg: ChildReply) => process.send?.(msg);
let closeServer: () => Promise<void> = async () => {};

async function startFloorboard(): Promise<number> {
  const redisUrl = process.env.BENCH_REDIS_URL;
  const log = redisUrl ? new RedisLog({ url: redisUrl, keyPrefix: 'bench:', onError: () => {} }) : new MemoryLog();
  const config = loadConfig({ SIMULATOR: 'off', LOG_LEVEL: 'silent', ...(redisUrl ? { REDIS_URL: redisUrl } : {}) });
  const app = await createApp({ config, secrets: BENCH_SECRETS, clock: Date.now, log, logger: pino({ level: 'silent' }) });
  closeServer = () => app.close();
  return app.listen(0, '127.0.0.1');
}

async function startBareIo(): Promise<number> {
  const http = createServer();
  const io = new Server(http, { serveClient: false, pingInterval: 10_000, pingTimeout: 8_000 });
  let pending = new Map<string, { id: string; state: string; reason: string | null; stateSince: number }>();
  let seq = 0;
  let lastFlush = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    lastFlush = Date.now();
    if (pending.size === 0) return;
    const upsert = [...pending.values()];
    pending = new Map();
    io.emit('floor:delta', { seq: ++seq, asOf: new Date(lastFlush).toISOString(), agents: { upsert } });
  };
  io.on('connection', (socket) => { socket.emit('floor:snapshot', { seq, agents: [] }); });
  http.on('request', (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/api/v1/events')) { res.writeHead(404).end(); return; }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const events = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FloorEvent[];
      for (const e of events) if (e.type === 'agent.state') pending.set(e.agentId, { id: e.agentId, state: e.state, reason: e.reason ?? null, stateSince: e.ts });
      timer ??= setTimeout(flush, Math.max(0, lastFlush + FRAME_MS - Date.now()));
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: events.length, duplicates: 0 }));
    });
  });
  closeServer = () => new Promise((r) => { void io.close(() => r()); });
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve((http.address() as AddressInfo).port)));
}

/** `validate`: also check every event with the shared schema (IngestService.validate; throws on a bad one). */
async function startBareParse(validate = false): Promise<number> {
  const app = express();
  // Only the validating server has a checker (its log is never appended to); parse-only stays bare.
  const check = validate ? new IngestService(new MemoryLog()) : null;
  app.post('/api/v1/events', express.json({ limit: '10mb', strict: false }), (req, res) => {
    const items = Array.isArray(req.body) ? (req.body as unknown[]) : [req.body];
    const n = check ? check.validate(items).length : items.length;
    res.status(202).json({ accepted: n, duplicates: 0 });
  });
  const http = createServer(app);
  closeServer = () => new Promise((r) => http.close(() => r()));
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve((http.address() as AddressInfo).port)));
}

/** Pipelined XADD of `batch`-event pipelines, `concurrency` in flight, for `durationMs`. */
async function xaddBaseline(url: string, durationMs: number, batch: number, concurrency: number): Promise<{ events: number; ms: number }> {
  const redis = new Redis(url, { lazyConnect: false });
  const traffic = new FloorTraffic(2000, 'xadd');
  const payloads: string[] = [];
  for (let i = 0; i < 400_000; i++) payloads.push(JSON.stringify(traffic.next(Date.now())));
  let next = 0;
  let events = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (performance.now() - t0 < durationMs) {
      const p = redis.pipeline();
      for (let i = 0; i < batch; i++) p.xadd('bench:xadd', '*', 'event', payloads[next++ % payloads.length]!);
      await p.exec();
      events += batch;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  await redis.del('bench:xadd');
  redis.disconnect();
  return { events, ms };
}

/** Heap after a full GC plus the ArrayBuffers outside it (the engine's fold tables live there). */
const memoryAfterGc = (): number => heapAfterGc() + process.memoryUsage().arrayBuffers;

type EngineMemory = Omit<Extract<ChildReply, { cmd: 'engine-mem' }>, 'cmd'>;

/**
 * Memory of the pure engine + projector for `agents` agents (heap and ArrayBuffers): logged in,
 * then after some call cycles each; then what a roster of today adds per rostered agent. The same
 * run on a small floor goes first, so code compiled and shapes created on first use (the same
 * for any floor) are in the baseline, not in the per-agent figures.
 */
function engineMemory(agents: number, stages: number[]): EngineMemory {
  floorMemory(Math.min(100, agents), stages, () => 0);
  const base = memoryAfterGc();
  return floorMemory(agents, stages, (at) => at - base);
}

function floorMemory(agents: number, stages: number[], used: (memory: number) => number): EngineMemory {
  const engine = new FloorEngine(defaultEngineConfig());
  const projector = new FloorProjector(engine);
  const ingest = new IngestService(new MemoryLog());
  const traffic = new FloorTraffic(agents, 'mem');
  // Today 08:00 in the center's zone, roughly: stay inside one day.
  let ts = Date.now() - 8 * 3600_000;
  for (const e of ingest.validate(traffic.logins(ts))) engine.apply(e);
  projector.delta(ts);
  const perAgent = (bytes: number) => Math.round(bytes / agents);
  const out: EngineMemoryStage[] = [{ calls: 0, eventsPerAgent: 1, bytesPerAgent: perAgent(used(memoryAfterGc())) }];
  let calls = 0;
  for (const target of stages) {
    for (; calls < target; calls++) {
      // One call cycle per agent every 5 minutes of floor time.
      for (let step = 0; step < 6; step++) {
        const batch: unknown[] = [];
        for (let a = 0; a < agents; a++) batch.push(traffic.next(ts + a, a));
        for (const e of ingest.validate(batch)) engine.apply(e);
        ts += 50_000;
      }
      engine.tick(ts);
      projector.delta(ts);
    }
    out.push({ calls, eventsPerAgent: 1 + calls * 6, bytesPerAgent: perAgent(used(memoryAfterGc())) });
  }
  if (engine.agentCount !== agents) throw new Error('engine lost agents');
  // Today's roster: a shift with two short breaks and a meal for every agent.
  const before = memoryAfterGc();
  const day = engine.cal.dayKey(ts);
  const activities = [{ type: 'short_break', start: '10:00', end: '10:05' }, { type: 'meal', start: '12:00', end: '12:30' }, { type: 'short_break', start: '15:00', end: '15:05' }] as const;
  engine.setSchedule(day, Array.from({ length: agents }, (_, a) => resolveEntry(engine.cfg.tz, day, { agentId: agentId(a), teamId: teamOf(a), shiftStart: '08:00', shiftEnd: '16:00', activities: [...activities] })));
  projector.delta(ts);
  return { agents, stages: out, rosterBytesPerAgent: perAgent(memoryAfterGc() - before) };
}

process.on('message', (raw) => {
  const msg = raw as ChildRequest;
  void (async () => {
    switch (msg.cmd) {
      case 'cpu': send({ cmd: 'cpu', cpu: process.cpuUsage(), heapUsed: process.memoryUsage().heapUsed }); break;
      case 'heap': send({ cmd: 'heap', heapUsed: heapAfterGc() }); break;
      case 'xadd': send({ cmd: 'xadd', ...(await xaddBaseline(msg.url, msg.durationMs, msg.batch, msg.concurrency)) }); break;
      case 'engine-mem': send({ cmd: 'engine-mem', ...engineMemory(msg.agents, msg.stages) }); break;
      case 'stop': await closeServer().catch(() => {}); process.exit(0);
    }
  })().catch((err: unknown) => { send({ cmd: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) }); });
});

const starters: Record<string, () => Promise<number>> = { floorboard: startFloorboard, 'bare-io': startBareIo, 'bare-parse': () => startBareParse(), 'bare-validate': () => startBareParse(true) };
const start = starters[mode];
const port = start ? await start() : 0;
send({ cmd: 'ready', port, pid: process.pid });
