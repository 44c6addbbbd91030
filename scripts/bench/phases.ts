/** The measurements of `npm run bench`; each starts its own server child and stops it. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import type { EventInput } from '../../shared/events.ts';
import { startRedisServer } from '../../server/test-support/redis-server.ts';
import { FloorTraffic } from './events.ts';
import { OpenLoopSender } from './open-loop.ts';
import { connectWire, eventPayload, SharedDecode } from './wire-client.ts';
import { Child, cpuMs, Histogram, median, nowMs, post, round, sleep } from './harness.ts';
import { BENCH_SECRETS } from './protocol.ts';

const INGEST_HEADERS = { authorization: `Bearer ${BENCH_SECRETS.ingestKey}` };

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

/** What a screen needs from one `floor:delta`, decoded once per distinct frame. */
interface FrameInfo { seq: number; asOfMs: number; bytes: number; stateSince: number[] }

interface AgentPatchLike { stateSince?: number; state?: string }
interface DeltaLike { seq?: number; asOf?: string; agents?: { upsert?: AgentPatchLike[] } }

function frameInfo(d: DeltaLike, bytes: number): FrameInfo {
  const stateSince: number[] = [];
  // A patch that carries a new state and its stateSince is the arrival of that state change.
  for (const p of d.agents?.upsert ?? []) if (p.stateSince !== undefined && p.state !== undefined) stateSince.push(p.stateSince);
  return { seq: d.seq ?? NaN, asOfMs: d.asOf === undefined ? NaN : Date.parse(d.asOf), bytes, stateSince };
}

const seqOf = (snap: unknown) => (snap as { seq?: number }).seq ?? NaN;

/**
 * The screens of a latency run. Most are `wire` screens (wire-client.ts): real websockets that
 * stamp every frame's arrival, with each distinct frame decoded once for all of them. A few are
 * real `socket.io-client` connections that decode every frame themselves (the browser's path).
 * Both kinds call `onDelta(screen, arrival, frame)` and keep per-screen seq checks.
 */
interface Screens {
  realIndexes: Set<number>;
  /** The `socket.io-client` screens (the first `real` of them). */
  real: Socket[];
  gaps: number;
  /** Closes every screen (but `keep`, a screen index). */
  close(keep?: number): void;
}

async function connectScreens(port: number, n: number, real: number, onDelta: (screen: number, arrival: number, f: FrameInfo) => void, onSnapshot: (bytes: number) => void): Promise<Screens> {
  const auth = { token: BENCH_SECRETS.displayToken };
  const lastSeq = new Float64Array(n).fill(NaN);
  const realClients: Socket[] = [];
  const closers = new Map<number, () => void>();
  const screens: Screens = { realIndexes: new Set(), real: realClients, gaps: 0, close: (keep) => { for (const [ci, c] of closers) if (ci !== keep) { c(); closers.delete(ci); } } };
  const DELTA_PREFIX = Buffer.byteLength('42["floor:delta",');
  const deltas = new SharedDecode((frame) => frameInfo(eventPayload(frame) as DeltaLike, frame.length - DELTA_PREFIX - 1));
  const snaps = new SharedDecode((frame) => ({ seq: seqOf(eventPayload(frame)), bytes: frame.length - Buffer.byteLength('42["floor:snapshot",') - 1 }));
  const delta = (ci: number, arrival: number, f: FrameInfo) => {
    if (Number.isFinite(lastSeq[ci]!) && f.seq !== lastSeq[ci]! + 1) screens.gaps++;
    lastSeq[ci] = f.seq;
    onDelta(ci, arrival, f);
  };
  let snapshotSeen = false;
  const snapshot = (ci: number, seq: number, bytes: number) => {
    lastSeq[ci] = seq;
    if (!snapshotSeen) { snapshotSeen = true; onSnapshot(bytes); }
  };
  // The real clients are spread over the connection order (the first one is used for the wire figures).
  const step = real > 0 ? Math.floor(n / real) : Infinity;
  for (let k = 0; k < real; k++) screens.realIndexes.add(k * step);
  const one = (ci: number) => {
    if (screens.realIndexes.has(ci)) {
      return new Promise<void>((resolve, reject) => {
        const s = connect(`http://127.0.0.1:${port}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
        const timer = setTimeout(() => reject(new Error('client: no snapshot within 30 s')), 30_000);
        s.once('floor:snapshot', (snap: unknown) => { clearTimeout(timer); snapshot(ci, seqOf(snap), Buffer.byteLength(JSON.stringify(snap))); resolve(); });
        s.once('connect_error', (err) => { clearTimeout(timer); reject(err); });
        s.on('floor:delta', (d: DeltaLike) => { const arrival = nowMs(); delta(ci, arrival, frameInfo(d, Buffer.byteLength(JSON.stringify(d)))); });
        realClients.push(s);
        closers.set(ci, () => s.disconnect());
      });
    }
    let gotSnapshot: () => void = () => {};
    const snapshotIn = new Promise<void>((r) => { gotSnapshot = r; });
    return connectWire(port, auth, (name, frame, arrival) => {
      if (name === 'floor:delta') delta(ci, arrival, deltas.get(frame));
      else if (name === 'floor:snapshot') { const s = snaps.get(frame); snapshot(ci, s.seq, s.bytes); gotSnapshot(); }
    }, nowMs).then(async (w) => {
      closers.set(ci, () => w.close());
      await snapshotIn;
    });
  };
  for (let from = 0; from < n; from += 50) await Promise.all(Array.from({ length: Math.min(50, n - from) }, (_, k) => one(from + k)));
  return screens;
}

export interface LatencyResult {
  p50Ms: number; p99Ms: number; maxMs: number; samples: number;
  /** The `socket.io-client` screens alone (full decode of every frame). */
  realClients: { clients: number; p50Ms: number; p99Ms: number; samples: number };
  /** How late the generator itself sent the events (ms after their scheduled time). */
  sendLag: { p50Ms: number; p99Ms: number; maxMs: number };
  /**
   * Where the latency goes: event's scheduled time → the frame's asOf stamp (ingest, fold, waiting
   * for the frame), and asOf → arrival at a screen (projection, fan-out, delivery), per screen.
   */
  parts: { toFrameP50Ms: number; toFrameP99Ms: number; deliveryP50Ms: number; deliveryP99Ms: number };
  /** Deltas whose seq was not the previous one + 1 on some screen (should be 0). */
  seqGaps: number;
  eventsSent: number; eventsFailed: number; eventsPerSec: number;
  serverCpuPct: number; generator: GeneratorLoad;
  maxFramesPerSecPerScreen: number; frameBytesMedian: number;
  snapshotBytes: number; bytesPerClient: number;
  /** Single state changes on an otherwise quiet floor (floorboard only). */
  singleChangeDeltaBytes?: number[];
}

/**
 * Event → screen latency: `agents` logged in, `clients` screens (`realClients` of them
 * socket.io-client, the rest wire screens), `rate` events/s open-loop. Latency = arrival of the
 * patch at a screen − the event's scheduled send time (its ts, which the agent row carries back as
 * stateSince), over every screen.
 */
export async function latency(kind: 'floorboard' | 'bare-io', opts: { agents: number; rate: number; clients: number; realClients?: number; warmMs: number; measureMs: number; postEveryMs?: number }): Promise<LatencyResult> {
  const child = await Child.start(kind);
  try {
    const traffic = new FloorTraffic(opts.agents, `lat-${kind}-${Date.now().toString(36)}`);
    if (kind === 'floorboard') await seedLogins(child.port, traffic);
    await sleep(300);
    const heap0 = await child.heap();
    let snapshotBytes = 0;
    const hist = new Histogram();
    const realHist = new Histogram();
    let window = { from: Infinity, to: Infinity };
    const frames: Uint16Array[] = Array.from({ length: opts.clients }, () => new Uint16Array(Math.ceil(opts.measureMs / 1000) + 2));
    const frameBytes: number[] = [];
    let lastSizedSeq = NaN;
    const toFrame = new Histogram();
    const delivery = new Histogram();
    const seenFrames = new Set<string>();
    let realIndexes = new Set<number>();
    // The hot path only logs each arrival (screen, time, frame); the figures are made after the run,
    // so that the generator's own accounting does not delay the next screen's read.
    let recording = false;
    let log = { n: 0, screen: new Uint16Array(1 << 16), at: new Float64Array(1 << 16), frame: [] as FrameInfo[] };
    const onDelta = (ci: number, arrival: number, f: FrameInfo) => {
      if (!recording) return;
      if (log.n === log.at.length) {
        const screen = new Uint16Array(log.n * 2); screen.set(log.screen);
        const at = new Float64Array(log.n * 2); at.set(log.at);
        log = { n: log.n, screen, at, frame: log.frame };
      }
      log.screen[log.n] = ci; log.at[log.n] = arrival; log.frame[log.n] = f; log.n++;
    };
    const tally = () => {
      for (let k = 0; k < log.n; k++) {
        const ci = log.screen[k]!, arrival = log.at[k]!, f = log.frame[k]!;
        if (arrival < window.to + 2000) {
          // Frames per second by the server's stamp (asOf), not by arrival: a backed-up client
          // receives several late frames at once, which says nothing about the server's pacing.
          const sec = Math.floor(((Number.isNaN(f.asOfMs) ? arrival : f.asOfMs) - window.from) / 1000);
          if (sec >= 0 && sec < frames[ci]!.length) frames[ci]![sec]!++;
          if (f.seq !== lastSizedSeq && frameBytes.length < 5000) { lastSizedSeq = f.seq; frameBytes.push(f.bytes); }
          if (f.stateSince.length > 0) delivery.record(arrival - f.asOfMs);
        }
        // The first screen to get a frame records how long its patches took to make it into a frame.
        const frameKey = `${f.seq}|${f.asOfMs}`;
        const firstSight = !seenFrames.has(frameKey);
        if (firstSight) seenFrames.add(frameKey);
        const real = realIndexes.has(ci);
        for (const since of f.stateSince) {
          if (since < window.from || since >= window.to) continue;
          hist.record(arrival - since);
          if (real) realHist.record(arrival - since);
          if (firstSight) toFrame.record(f.asOfMs - since);
        }
      }
    };
    const screens = await connectScreens(child.port, opts.clients, Math.min(opts.clients, opts.realClients ?? 10), onDelta, (b) => { snapshotBytes = b; });
    realIndexes = screens.realIndexes;
    await sleep(500);
    const heap1 = await child.heap();
    const sender = OpenLoopSender.start(child.port, traffic, opts.rate, INGEST_HEADERS, opts.postEveryMs);
    await sleep(opts.warmMs);
    const cpu0 = await child.cpu();
    const sent0 = (await sender.stats(true)).sent;
    const gaps0 = screens.gaps;
    const probe = generatorProbe();
    window = { from: nowMs(), to: nowMs() + opts.measureMs };
    recording = true;
    await sleep(opts.measureMs);
    const during = await sender.stats(true);
    const eventsSent = during.sent - sent0;
    const generator = probe();
    const cpu1 = await child.cpu();
    const elapsedMs = nowMs() - window.from;
    const { failed: eventsFailed } = await sender.stop();
    await sleep(1500); // late arrivals of events scheduled in the window
    recording = false;
    const seqGaps = screens.gaps - gaps0;
    tally();
    // Whole seconds inside the window only (the last one may be partial).
    let maxFps = 0;
    for (const f of frames) for (let s = 0; s < Math.floor(opts.measureMs / 1000); s++) maxFps = Math.max(maxFps, f[s]!);

    let singleChangeDeltaBytes: number[] | undefined;
    const first = screens.real[0];
    if (kind === 'floorboard' && first) {
      screens.close(0); // a quiet floor: only the first screen (a socket.io-client one) stays
      singleChangeDeltaBytes = await singleChanges(child.port, first, traffic, 40);
    }
    screens.close();
    return {
      p50Ms: round(hist.percentile(50)), p99Ms: round(hist.percentile(99)), maxMs: round(hist.max), samples: hist.n,
      realClients: { clients: screens.real.length, p50Ms: round(realHist.percentile(50)), p99Ms: round(realHist.percentile(99)), samples: realHist.n },
      sendLag: { p50Ms: during.lag.p50Ms, p99Ms: during.lag.p99Ms, maxMs: during.lag.maxMs },
      parts: { toFrameP50Ms: round(toFrame.percentile(50)), toFrameP99Ms: round(toFrame.percentile(99)), deliveryP50Ms: round(delivery.percentile(50)), deliveryP99Ms: round(delivery.percentile(99)) },
      seqGaps,
      eventsSent, eventsFailed, eventsPerSec: round(eventsSent / (opts.measureMs / 1000)),
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
async function singleChanges(port: number, client: Socket, traffic: FloorTraffic, n: number): Promise<number[]> {
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
    const screens = await connectScreens(child.port, opts.clients, opts.clients, () => {}, () => {});
    const sender = OpenLoopSender.start(child.port, traffic, opts.rate, INGEST_HEADERS);
    await sleep(opts.warmMs);
    const probe = generatorProbe();
    const cpu0 = await child.cpu();
    const events0 = (await sender.stats()).sent;
    await sleep(opts.measureMs);
    const cpu1 = await child.cpu();
    // Events sent while the server's CPU was being counted (between the two readings).
    const events = (await sender.stats()).sent - events0;
    const generator = probe();
    await sender.stop();
    screens.close();
    const serverCpuMs = cpuMs(cpu0, cpu1);
    return { agents, events, serverCpuMs: round(serverCpuMs), cpuPerEventUs: round((serverCpuMs * 1000) / events, 2), generator };
  } finally {
    await child.stop();
  }
}

/** Batched bodies of realistic traffic (the first one logs the agents in). */
export function ingestBodies(agents: number, events: number, batch: number): string[] {
  const traffic = new FloorTraffic(agents, 'ing');
  // One event per ms of event time, all in the past when sent (as a backfill would be): a
  // telephony system never stamps events minutes ahead of the clock, and future-dated states
  // take the engine's slow paths (the state in force "now" is then read from the timeline).
  let ts = Date.now() - events - 60_000;
  const bodies: string[] = [JSON.stringify(traffic.logins(ts - 1000))];
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

/** `validate`: the parse-only server that also checks every event with the shared schema (the ceiling of any validating server). */
export interface IngestAll { memory: IngestResult; parse: IngestResult; validate: IngestResult; redis: IngestResult; xadd: { eventsPerSec: number } }

export async function ingestAll(opts: { agents: number; batch: number; poolEvents: number; durationMs: number; concurrency: number }): Promise<IngestAll> {
  const bodies = ingestBodies(opts.agents, opts.poolEvents, opts.batch);
  const run = async (mode: string, env: Record<string, string>, recycle: boolean) => {
    const child = await Child.start(mode, env);
    try { return await ingest(child, bodies, { durationMs: opts.durationMs, concurrency: opts.concurrency, headers: INGEST_HEADERS, recycle }); } finally { await child.stop(); }
  };
  const memory = await run('floorboard', {}, false);
  const parse = await run('bare-parse', {}, true);
  const validate = await run('bare-validate', {}, true);
  const redisServer = await startRedisServer();
  try {
    const redis = await run('floorboard', { BENCH_REDIS_URL: redisServer.url }, false);
    const x = await Child.start('xadd');
    try {
      const r = await x.ask({ cmd: 'xadd', url: redisServer.url, durationMs: opts.durationMs, batch: opts.batch, concurrency: opts.concurrency });
      return { memory, parse, validate, redis, xadd: { eventsPerSec: Math.round(r.events / (r.ms / 1000)) } };
    } finally { await x.stop(); }
  } finally {
    await redisServer.dispose();
  }
}

export async function engineMemory(agents: number, stages: number[]) {
  const child = await Child.start('engine-mem');
  try { return await child.ask({ cmd: 'engine-mem', agents, stages }, 300_000); } finally { await child.stop(); }
}
