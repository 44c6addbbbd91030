import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { EventBatchSchema, type EventInput } from '../../shared/events.ts';
import { FloorModel } from './floor-model.ts';
import { startSimulator, type SimulatorHandle } from './run-simulator.ts';
import { BatchPoster } from './batch-poster.ts';

const TZ = 'Asia/Shanghai';
const KEY = 'test-ingest-key';
const DAY_START = DateTime.fromISO('2026-11-23', { zone: TZ }).toMillis();

/** What the fake ingest server does with the n-th request (1-based). */
type Behaviour = 'accept' | 'store-then-500' | 'reject-503' | 'drop-connection' | 'store-then-drop' | 'reject-401';

interface FakeIngest {
  url: string;
  /** Every event stored, in order of first arrival (duplicates by id are not stored twice). */
  stored: EventInput[];
  requests: { status: number | 'dropped'; events: number }[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A real HTTP ingest endpoint: validates like the server, de-duplicates by id, misbehaves on cue. */
async function fakeIngest(behave: (n: number, events: number) => Behaviour, maxEvents = 50_000): Promise<FakeIngest> {
  const stored: EventInput[] = [];
  const ids = new Set<string>();
  const requests: FakeIngest['requests'] = [];
  let n = 0;
  const store = (events: EventInput[]) => {
    let accepted = 0;
    for (const e of events) {
      if (ids.has(e.id)) continue;
      ids.add(e.id);
      stored.push(e);
      accepted += 1;
    }
    return { accepted, duplicates: events.length - accepted };
  };
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    if (req.method !== 'POST' || req.url !== '/api/v1/events') {
      res.writeHead(404).end();
      return;
    }
    n += 1;
    const parsed = EventBatchSchema.safeParse(JSON.parse(body));
    if (!parsed.success) {
      requests.push({ status: 400, events: 0 });
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'validation_failed', message: 'bad', issues: parsed.error.issues } }));
      return;
    }
    const events = JSON.parse(body) as EventInput[];
    if (events.length > maxEvents) {
      requests.push({ status: 413, events: events.length });
      res.writeHead(413).end();
      return;
    }
    const behaviour = req.headers.authorization === `Bearer ${KEY}` ? behave(n, events.length) : 'reject-401';
    switch (behaviour) {
      case 'accept': {
        requests.push({ status: 202, events: events.length });
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify(store(events)));
        return;
      }
      case 'store-then-500':
        store(events);
        requests.push({ status: 500, events: events.length });
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"internal","message":"boom"}}');
        return;
      case 'reject-503':
        requests.push({ status: 503, events: events.length });
        res.writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"error":{"code":"store_unavailable","message":"down"}}');
        return;
      case 'reject-401':
        requests.push({ status: 401, events: events.length });
        res.writeHead(401).end();
        return;
      case 'store-then-drop':
        store(events);
        requests.push({ status: 'dropped', events: events.length });
        req.socket.destroy();
        return;
      case 'drop-connection':
        requests.push({ status: 'dropped', events: events.length });
        req.socket.destroy();
        return;
    }
  };
  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stored,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function waitFor(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

describe('startSimulator against a real HTTP ingest endpoint', () => {
  it('backfills then goes live, retrying failed batches so that none is lost or counted twice', async () => {
    const misbehave: Record<number, Behaviour> = { 2: 'store-then-500', 3: 'reject-503', 5: 'drop-connection', 9: 'store-then-drop', 10: 'reject-503', 14: 'reject-401' };
    const ingest = await fakeIngest((n) => misbehave[n] ?? 'accept');
    cleanup.push(ingest.close);
    // a manual clock: starts at 15:00 local, then moves 20 s per live tick
    let now = DAY_START + 15 * 3_600_000;
    let calls = 0;
    const clock = () => {
      calls += 1;
      if (calls > 2) now += 20_000;
      return now;
    };
    const sim: SimulatorHandle = startSimulator({ baseUrl: ingest.url, ingestKey: KEY, tz: TZ, clock, seed: 3, tickMs: 2, initialBackoffMs: 2, maxBackoffMs: 20 });
    cleanup.push(() => sim.stop());
    await sim.backfilled;
    expect(sim.stats().phase).toBe('live');
    await waitFor(() => ingest.requests.filter((r) => r.status === 202).length >= 25);
    await sim.stop();
    const stats = sim.stats();
    expect(stats.phase).toBe('stopped');

    // what the same floor produces up to where the simulator got
    const expected = new FloorModel({ startMs: DAY_START, seed: 3, tz: TZ }).advanceTo(sim.model.nowMs);
    expect(ingest.stored.length).toBeGreaterThanOrEqual(stats.eventsSent);
    expect(ingest.stored).toEqual(expected.slice(0, ingest.stored.length));
    expect(stats.eventsSent).toBeGreaterThan(15_000); // the backfill from midnight to 15:00 was acknowledged
    // every failure was retried; the retried stored ones came back as duplicates, never stored twice
    expect(stats.retries).toBeGreaterThanOrEqual(6);
    expect(stats.duplicates).toBeGreaterThan(0);
    expect(new Set(ingest.stored.map((e) => e.id)).size).toBe(ingest.stored.length);
    // backfill batches of at most 5,000 events
    expect(Math.max(...ingest.requests.map((r) => r.events))).toBeLessThanOrEqual(5000);
    expect(ingest.requests.filter((r) => r.events === 5000).length).toBeGreaterThanOrEqual(3);
  });

  it('splits a batch the server finds too large (413) and still delivers every event once', async () => {
    const ingest = await fakeIngest(() => 'accept', 1200);
    cleanup.push(ingest.close);
    const events = new FloorModel({ startMs: DAY_START, seed: 8, tz: TZ }).advanceTo(DAY_START + 9.5 * 3_600_000).slice(0, 4000);
    const poster = new BatchPoster({ url: `${ingest.url}/api/v1/events`, ingestKey: KEY, initialBackoffMs: 1 });
    const result = await poster.send(events);
    expect(result).toEqual({ accepted: 4000, duplicates: 0 });
    expect(ingest.stored).toEqual(events);
    expect(ingest.requests.some((r) => r.status === 413)).toBe(true);
  });

  it('stops promptly while the server keeps refusing, without acknowledging anything', async () => {
    const ingest = await fakeIngest(() => 'reject-503');
    cleanup.push(ingest.close);
    const sim = startSimulator({ baseUrl: ingest.url, ingestKey: KEY, tz: TZ, clock: () => DAY_START + 9 * 3_600_000, seed: 1, initialBackoffMs: 5, maxBackoffMs: 50 });
    await waitFor(() => ingest.requests.length >= 3);
    await sim.stop();
    expect(sim.stats()).toMatchObject({ phase: 'stopped', eventsSent: 0, batchesSent: 0 });
    expect(sim.stats().lastError).toMatch(/503/);
    expect(ingest.stored).toHaveLength(0);
    // every attempt carried the very same first batch
    expect(new Set(ingest.requests.map((r) => r.events)).size).toBe(1);
  });

  it('without backfill starts at the current time with agents already on shift', async () => {
    const ingest = await fakeIngest(() => 'accept');
    cleanup.push(ingest.close);
    let now = DAY_START + 11 * 3_600_000;
    const sim = startSimulator({ baseUrl: ingest.url, ingestKey: KEY, tz: TZ, clock: () => (now += 1000), seed: 2, backfill: false, tickMs: 1 });
    cleanup.push(() => sim.stop());
    await waitFor(() => now > DAY_START + 11 * 3_600_000 + 60_000 && ingest.stored.some((e) => e.type === 'call.queued'));
    await sim.stop();
    const first = ingest.stored[0] as EventInput;
    expect(first.ts as number).toBeGreaterThanOrEqual(DAY_START + 11 * 3_600_000);
    expect(ingest.stored.filter((e) => e.type === 'agent.login').length).toBeGreaterThan(30);
  });
});
