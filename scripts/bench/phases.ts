/** The measurements of `npm run bench`; each starts its own server child and stops it. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import type { EventInput } from '../../shared/events.ts';
import { startRedisServer } from '../../server/test-support/redis-server.ts';
import { FloorTraffic } from './events.ts';
import { Child, cpuMs, Histogram, median, post, round, sleep } from './harness.ts';
import { BENCH_SECRETS } from './protocol.ts';

const INGEST_HEADERS = { authorization: `Bearer ${BENCH_SECRETS.ingestKey}` };
const nowMs = () => performance.timeOrigin + performance.now();

/** Generator-side resources during a measured window: its CPU share of one core and event-loop delay. */
export interface GeneratorLoad { cpuPct: number; loopDelayP99Ms: number; limited: boolean }

function generatorProbe() {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return (): GeneratorLoad => {
    h.disable();
    const c = process.cpuUsage(cpu0);
    const cpuPct = ((c.user + c.system) / 1000 / (performance.now() - t0)) * 100;
    const loopDelayP99Ms = h.percentile(99) / 1e6;
    // A generator that is busy most of the time, or whose loop lags, delays sends and arrival stamps.
    return { cpuPct: round(cpuPct), loopDelayP99Ms: round(loopDelayP99Ms), limited: cpuPct > 85 || loopDelayP99Ms > 20 };
  };
}

async function seedLogins(port: number, traffic: FloorTraffic): Promise<void> {
  for (let from = 0; from < traffic.agents; from += 5000) {
    const r = await post(port, '/api/v1/events', JSON.stringify(traffic.logins(Date.now(), from, Math.min(traffic.agents, from + 5000))), INGEST_HEADERS);
    if (r.status !== 202) throw new Error(`seeding logins: ${r.status} ${r.body.slice(0, 300)}`);
  }
}

/** Open-loop sender: event i is due at t0 + i/rate; every due event is posted at once with ts = its scheduled time. */
function openLoop(port: number, traffic: FloorTraffic, rate: number) {
  const t0 = Math.ceil(Date.now()) + 20;
  let i = 0;
  let sent = 0;
  let failed = 0;
  const inflight = new Set<Promise<unknown>>();
  const timer = setInterval(() => {
    const now = Date.now();
    const due: EventInput[] = [];
    for (let at = t0 + (i * 1000) / rate; at <= now; at = t0 + (++i * 1000) / rate) due.push(traffic.next(Math.floor(at)));
    if (due.length === 0) return;
    sent += due.length;
    const p = post(port, '/api/v1/events', JSON.stringify(due), INGEST_HEADERS).then((r) => { if (r.status !== 202) failed += due.length; }, () => { failed += due.length; });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }, 1);
  return {
    get sent() { return sent; },
    get failed() { return failed; },
    async stop() { clearInterval(timer); await Promise.all(inflight); },
  };
}

type Client = Socket;

async function connectClients(port: number, n: number, onSnapshot: (bytes: number) => void): Promise<Client[]> {
  const clients: Client[] = [];
  for (let from = 0; from < n; from += 50) {
    const wave = Array.from({ length: Math.min(50, n - from) }, () => new Promise<Client>((resolve, reject) => {
      const s = connect(`http://127.0.0.1:${port}`, { auth: { token: BENCH_SECRETS.displayToken }, transports: ['websocket'], reconnection: false, forceNew: true });
      const timer = setTimeout(() => reject(new Error('client: no snapshot within 30 s')), 30_000);
      s.once('floor:snapshot', (snap: unknown) => { clearTimeout(timer); if (clients.length === 0) onSnapshot(Buffer.byteLength(JSON.stringify(snap))); resolve(s); });
      s.once('connect_error', (err) => { clearTimeout(timer); reject(err); });
    }));
    clients.push(...(await Promise.all(wave)));
  }
  return clients;
}

const closeClients = (clients: Client[]) => { for (const c of clients) c.disconnect(); };

interface AgentPatchLike { stateSince?: number; state?: string }
interface DeltaLike { asOf?: string; agents?: { upsert?: AgentPatchLike[] } }

export interface LatencyResult {
  p50Ms: number; p99Ms: number; maxMs: number; samples: number;
  eventsSent: number; eventsFailed: number; eventsPerSec: number;
  serverCpuPct: number; generator: GeneratorLoad;
  maxFramesPerSecPerScreen: number; frameBytesMedian: number;
  snapshotBytes: number; bytesPerClient: number;
  /** Single state changes on an otherwise quiet floor (floorboard only). */
  singleChangeDeltaBytes?: number[];
}

/**
 * Event → screen latency: `agents` logged in, `clients` sockets, `rate` events/s open-loop.
 * Latency = arrival of the patch at a client − the event's scheduled send time (its ts, which the
 * agent row carries back as stateSince), over every client.
 */
export async function latency(kind: 'floorboard' | 'bare-io', opts: { agents: number; rate: number; clients: number; warmMs: number; measureMs: number }): Promise<LatencyResult> {
  const child = await Child.start(kind);
  try {
    const traffic = new FloorTraffic(opts.agents, `lat-${kind}-${Date.now().toString(36)}`);
    if (kind === 'floorboard') await seedLogins(child.port, traffic);
    await sleep(300);
    const heap0 = await child.heap();
    let snapshotBytes = 0;
    const clients = await connectClients(child.port, opts.clients, (b) => { snapshotBytes = b; });
    await sleep(500);
    const heap1 = await child.heap();
    const hist = new Histogram();
    let window = { from: Infinity, to: Infinity };
    const frames: Uint16Array[] = clients.map(() => new Uint16Array(Math.ceil(opts.measureMs / 1000) + 2));
    const frameBytes: number[] = [];
    clients.forEach((c, ci) => {
      c.on('floor:delta', (d: DeltaLike) => {
        const arrival = nowMs();
        if (arrival >= window.from && arrival < window.to + 2000) {
          // Frames per second by the server's stamp (asOf), not by arrival: a backed-up client
          // receives several late frames at once, which says nothing about the server's pacing.
          const sec = Math.floor(((d.asOf === undefined ? arrival : Date.parse(d.asOf)) - window.from) / 1000);
          if (sec >= 0 && sec < frames[ci]!.length) frames[ci]![sec]!++;
          if (ci === 0 && frameBytes.length < 5000) frameBytes.push(Buffer.byteLength(JSON.stringify(d)));
        }
        for (const p of d.agents?.upsert ?? []) {
          if (p.stateSince === undefined || p.state === undefined) continue;
          if (p.stateSince >= window.from && p.stateSince < window.to) hist.record(arrival - p.stateSince);
        }
      });
    });
    const sender = openLoop(child.port, traffic, opts.rate);
    await sleep(opts.warmMs);
    const cpu0 = await child.cpu();
    const sent0 = sender.sent;
    const probe = generatorProbe();
    window = { from: Date.now(), to: Date.now() + opts.measureMs };
    await sleep(opts.measureMs);
    const eventsSent = sender.sent - sent0;
    const generator = probe();
    const cpu1 = await child.cpu();
    const elapsedMs = Date.now() - window.from;
    await sender.stop();
    await sleep(1500); // late arrivals of events scheduled in the window
    // Whole seconds inside the window only (the last one may be partial).
    let maxFps = 0;
    for (const f of frames) for (let s = 0; s < Math.floor(opts.measureMs / 1000); s++) maxFps = Math.max(maxFps, f[s]!);

    let singleChangeDeltaBytes: number[] | undefined;
    if (kind === 'floorboard') {
      closeClients(clients.slice(1));
      singleChangeDeltaBytes = await singleChanges(child.port, clients[0]!, traffic, 40);
    }
    closeClients(clients);
    return {
      p50Ms: round(hist.percentile(50)), p99Ms: round(hist.percentile(99)), maxMs: round(hist.max), samples: hist.n,
      eventsSent, eventsFailed: sender.failed, eventsPerSec: round(eventsSent / (opts.measureMs / 1000)),
      serverCpuPct: round((cpuMs(cpu0, cpu1) / elapsedMs) * 100),
      generator, maxFramesPerSecPerScreen: maxFps, frameBytesMedian: median(frameBytes),
      snapshotBytes, bytesPerClient: Math.round((heap1 - heap0) / opts.clients),
      ...(singleChangeDeltaBytes ? { singleChangeDeltaBytes } : {}),
    };
  } finally {
    await child.stop();
  }
}

/** Bytes of the delta(s) one agent state change causes on a quiet floor. */
async function singleChanges(port: number, client: Client, traffic: FloorTraffic, n: number): Promise<number[]> {
  const out: number[] = [];
  let bytes = 0;
  const onDelta = (d: unknown) => { bytes += Buffer.byteLength(JSON.stringify(d)); };
  client.on('floor:delta', onDelta);
  await sleep(300);
  for (let i = 0; i < n; i++) {
    const events = traffic.nextStateChange(Date.now(), (i * 7919) % traffic.agents);
    const before = events.slice(0, -1);
    if (before.length > 0) { await post(port, '/api/v1/events', JSON.stringify(before), INGEST_HEADERS); await sleep(120); }
    bytes = 0;
    await post(port, '/api/v1/events', JSON.stringify(events.slice(-1)), INGEST_HEADERS);
    await sleep(120);
    if (bytes > 0) out.push(bytes);
  }
  client.off('floor:delta', onDelta);
  return out;
}

export interface ScalingResult { agents: number; events: number; serverCpuMs: number; cpuPerEventUs: number; generator: GeneratorLoad }

/** Server CPU per event at a fixed event rate, for a floor of `agents` agents (a few screens connected). */
export async function scaling(agents: number, opts: { rate: number; clients: number; warmMs: number; measureMs: number }): Promise<ScalingResult> {
  const child = await Child.start('floorboard');
  try {
    const traffic = new FloorTraffic(agents, `scale-${agents}`);
    await seedLogins(child.port, traffic);
    const clients = await connectClients(child.port, opts.clients, () => {});
    const sender = openLoop(child.port, traffic, opts.rate);
    await sleep(opts.warmMs);
    const probe = generatorProbe();
    const cpu0 = await child.cpu();
    const events0 = sender.sent;
    await sleep(opts.measureMs);
    const cpu1 = await child.cpu();
    // Events sent while the server's CPU was being counted (between the two readings).
    const events = sender.sent - events0;
    const generator = probe();
    await sender.stop();
    closeClients(clients);
    const serverCpuMs = cpuMs(cpu0, cpu1);
    return { agents, events, serverCpuMs: round(serverCpuMs), cpuPerEventUs: round((serverCpuMs * 1000) / events, 2), generator };
  } finally {
    await child.stop();
  }
}

/** Batched bodies of realistic traffic (the first one logs the agents in). */
export function ingestBodies(agents: number, events: number, batch: number): string[] {
  const traffic = new FloorTraffic(agents, 'ing');
  const bodies: string[] = [JSON.stringify(traffic.logins(Date.now()))];
  let ts = Date.now();
  for (let n = 0; n < events; n += batch) {
    const b: EventInput[] = [];
    for (let i = 0; i < batch; i++) b.push(traffic.next(ts++));
    bodies.push(JSON.stringify(b));
  }
  return bodies;
}

export interface IngestResult { eventsPerSec: number; events: number; ms: number; serverCpuPct: number; generator: GeneratorLoad; exhausted: boolean; errors: number }

/** Posts the bodies with `concurrency` requests in flight for `durationMs` (or until they run out). */
export async function ingest(child: Child, bodies: string[], opts: { durationMs: number; concurrency: number; headers?: Record<string, string>; recycle?: boolean }): Promise<IngestResult> {
  const first = await post(child.port, '/api/v1/events', bodies[0]!, opts.headers);
  if (first.status !== 202) throw new Error(`ingest: ${first.status} ${first.body.slice(0, 300)}`);
  let next = 1;
  let events = 0;
  let errors = 0;
  let exhausted = false;
  const probe = generatorProbe();
  const cpu0 = await child.cpu();
  const t0 = performance.now();
  const worker = async () => {
    while (performance.now() - t0 < opts.durationMs) {
      if (next >= bodies.length) { if (!opts.recycle) { exhausted = true; return; } next = 1; }
      const r = await post(child.port, '/api/v1/events', bodies[next++]!, opts.headers);
      if (r.status !== 202) { errors++; continue; }
      events += (JSON.parse(r.body) as { accepted: number }).accepted;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const ms = performance.now() - t0;
  const cpu1 = await child.cpu();
  return { eventsPerSec: Math.round(events / (ms / 1000)), events, ms: Math.round(ms), serverCpuPct: round((cpuMs(cpu0, cpu1) / ms) * 100), generator: probe(), exhausted, errors };
}

export interface IngestAll { memory: IngestResult; parse: IngestResult; redis: IngestResult; xadd: { eventsPerSec: number } }

export async function ingestAll(opts: { agents: number; batch: number; poolEvents: number; durationMs: number; concurrency: number }): Promise<IngestAll> {
  const bodies = ingestBodies(opts.agents, opts.poolEvents, opts.batch);
  const run = async (mode: string, env: Record<string, string>, recycle: boolean) => {
    const child = await Child.start(mode, env);
    try { return await ingest(child, bodies, { durationMs: opts.durationMs, concurrency: opts.concurrency, headers: INGEST_HEADERS, recycle }); } finally { await child.stop(); }
  };
  const memory = await run('floorboard', {}, false);
  const parse = await run('bare-parse', {}, true);
  const redisServer = await startRedisServer();
  try {
    const redis = await run('floorboard', { BENCH_REDIS_URL: redisServer.url }, false);
    const x = await Child.start('xadd');
    try {
      const r = await x.ask({ cmd: 'xadd', url: redisServer.url, durationMs: opts.durationMs, batch: opts.batch, concurrency: opts.concurrency });
      return { memory, parse, redis, xadd: { eventsPerSec: Math.round(r.events / (r.ms / 1000)) } };
    } finally { await x.stop(); }
  } finally {
    await redisServer.dispose();
  }
}

export async function engineMemory(agents: number, stages: number[]) {
  const child = await Child.start('engine-mem');
  try { return await child.ask({ cmd: 'engine-mem', agents, stages }, 300_000); } finally { await child.stop(); }
}
