import { request } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { DataQualitySchema, type DataQuality } from '../../shared/data-quality.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { MemoryLog } from '../store/memory-log.ts';
import { api, login } from '../test-support/http-client.ts';
import { connectClient, startTestApp, TEST_SECRETS, until, type TestApp } from '../test-support/test-app.ts';

const T0 = Date.parse('2026-11-23T10:00:00+08:00');
const ingest = (t: TestApp, body: unknown, headers: Record<string, string> = {}, key = TEST_SECRETS.ingestKey) =>
  api(t.url, 'POST', '/api/v1/events', { token: key, body, headers });

let t: TestApp | null = null;
afterEach(async () => { await t?.close(); t = null; });

describe('data quality per source', () => {
  it('counts duplicates, out-of-order, unknown agents and queues, rejections with reasons, and the lag', async () => {
    t = await startTestApp({ now: T0 });
    const pbx = { 'x-floorboard-source': 'pbx-1' };
    const batch = [
      { id: 'e1', ts: T0 - 30_000, type: 'agent.login', agentId: 'a1', teamId: 't1' },
      { id: 'e2', ts: T0 - 30_000, type: 'call.queued', callId: 'c1', queueId: 'q1', caller: '+8613800138000' },
      { id: 'e3', ts: T0 - 29_000, type: 'call.answered', callId: 'c1', queueId: 'q1', agentId: 'a1' },
    ];
    expect((await ingest(t, batch, pbx)).status).toBe(202);
    expect((await ingest(t, batch, pbx)).body).toEqual({ accepted: 0, duplicates: 3 });
    // Late: older than the agent's and the call's newest events. Unknown: an agent never signed in, a queue never offered a call.
    expect((await ingest(t, [
      { id: 'e4', ts: T0 - 29_500, type: 'agent.state', agentId: 'a1', state: 'on_call' },
      { id: 'e5', ts: T0 - 10_000, type: 'agent.state', agentId: 'ghost', state: 'available' },
      { id: 'e6', ts: T0 - 10_000, type: 'call.answered', callId: 'c9', queueId: 'q-typo', agentId: 'a1' },
    ], pbx)).status).toBe(202);
    // Rejected: a batch with a bad event (nothing applied), a wrong key.
    const bad = await ingest(t, [{ id: 'e7', ts: T0, type: 'agent.state', agentId: 'a1', state: 'asleep' }], pbx);
    expect(bad.status).toBe(400);
    expect((await ingest(t, batch, {}, 'not-a-key-0123456789')).status).toBe(401);
    // queue_log: one good line, one malformed.
    const lines = `${Math.floor((T0 - 5000) / 1000)}|1700.1|q1|NONE|ENTERQUEUE||13800138000|1\nnot a line\n`;
    const ast = await api(t.url, 'POST', '/api/v1/ingest/asterisk-queue-log', { token: TEST_SECRETS.ingestKey, body: lines, contentType: 'text/plain' });
    expect(ast.status).toBe(202);
    expect(ast.body.rejected).toHaveLength(1);

    const admin = await login(t.url);
    const r = await api(t.url, 'GET', '/api/v1/data-quality', { token: admin });
    expect(r.status).toBe(200);
    const dq: DataQuality = DataQualitySchema.parse(r.body);
    const src = dq.sources.find((s) => s.source === 'pbx-1')!;
    expect(src).toMatchObject({ requests: 3, accepted: 6, duplicates: 3, outOfOrder: 1, unknownAgent: 1, unknownQueue: 1, unknownAgentIds: ['ghost'], unknownQueueIds: ['q-typo'], rejected: { validation_failed: 1 } });
    expect(src.lag.samples).toBe(6);
    expect(src.lag.p50Sec).toBeGreaterThanOrEqual(10);
    expect(src.lag.p95Sec).toBe(30);
    expect(dq.sources.find((s) => s.source === 'unauthenticated')?.rejected).toEqual({ unauthorized: 1 });
    expect(dq.sources.find((s) => s.source === 'asterisk')).toMatchObject({ accepted: 1, rejectedLines: 1 });
    expect(dq.floor.outOfOrder).toBeGreaterThanOrEqual(1);
    expect(dq.unknownRule).toEqual({ agents: 'never_logged_in', queues: 'never_offered' });
    const reasons = dq.recentRejections.map((x) => `${x.source}/${x.reason}`);
    expect(reasons).toEqual(expect.arrayContaining(['pbx-1/validation_failed', 'unauthenticated/unauthorized', 'asterisk/malformed_line']));
    expect(dq.recentRejections.find((x) => x.reason === 'validation_failed')!.detail).toContain('[0].state');
    expect(JSON.stringify(dq)).not.toContain('13800138000');

    // Team leads and displays do not see it.
    expect((await api(t.url, 'GET', '/api/v1/data-quality', { token: TEST_SECRETS.displayToken })).status).toBe(403);
  });

  it('judges agents against the roster when the day has one', async () => {
    t = await startTestApp({ now: T0 });
    const admin = await login(t.url);
    expect((await api(t.url, 'PUT', '/api/v1/roster', { token: admin, body: { date: '2026-11-23', entries: [{ agentId: 'a1', teamId: 't1', shiftStart: '08:00', shiftEnd: '16:00' }] } })).status).toBe(200);
    await ingest(t, [
      { id: 'r1', ts: T0, type: 'agent.login', agentId: 'a1', teamId: 't1' },
      { id: 'r2', ts: T0, type: 'agent.login', agentId: 'temp-7', teamId: 't1' },
    ]);
    const dq = (await api(t.url, 'GET', '/api/v1/data-quality', { token: admin })).body as DataQuality;
    expect(dq.unknownRule.agents).toBe('roster');
    expect(dq.sources[0]).toMatchObject({ source: 'bootstrap ingest key (INGEST_KEY)', unknownAgent: 1, unknownAgentIds: ['temp-7'] });
  });
});

describe('operations endpoints', () => {
  it('/metrics exposes the named series', async () => {
    t = await startTestApp({ now: T0 });
    await ingest(t, [{ id: 'm1', ts: T0 - 2000, type: 'agent.login', agentId: 'a1', teamId: 't1' }], { 'x-floorboard-source': 'simulator' });
    await ingest(t, [{ id: 'm2', ts: T0, type: 'nope' }]);
    const screen = connectClient(t.url);
    await until(() => screen.snapshots.length > 0);
    await ingest(t, [{ id: 'm3', ts: T0 - 1000, type: 'agent.state', agentId: 'a1', state: 'break' }]);
    await until(() => screen.deltas.length > 0);
    const r = await api(t.url, 'GET', '/metrics');
    screen.socket.close();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    for (const series of [
      'floorboard_ingest_events_total{source="simulator"} 1',
      'floorboard_ingest_rejected_total{source="bootstrap ingest key (INGEST_KEY)",reason="validation_failed"} 1',
      'floorboard_event_lag_seconds_bucket{le="2.5",source="simulator"} 1',
      'floorboard_fold_seconds_count',
      'floorboard_folded_events_total 2',
      'floorboard_delta_bytes_count',
      'floorboard_sockets_connected{role="display"} 1',
      'floorboard_store_healthy 1',
      'floorboard_engine_out_of_order_events 0',
      'floorboard_http_requests_total{method="POST",status="2xx"}',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
    ]) expect(r.text, series).toContain(series);
  });

  it('METRICS_TOKEN protects /metrics', async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
    expect((await api(t.url, 'GET', '/metrics')).status).toBe(401);
    expect((await api(t.url, 'GET', '/metrics', { token: 'wrong-token-0123456789' })).status).toBe(401);
    expect((await api(t.url, 'GET', '/metrics', { token: 'metrics-token-0123456789' })).status).toBe(200);
    expect((await api(t.url, 'GET', '/metrics', { token: await login(t.url) })).status).toBe(200);
  });

  it('echoes a well-formed X-Request-Id, makes one otherwise, and logs requests without bodies or caller numbers', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } });
    const app = await createApp({ config: loadConfig({ SIMULATOR: 'off' }), secrets: TEST_SECRETS, clock: () => T0, log: new MemoryLog(), logger: pino({ level: 'debug' }, sink) });
    const port = await app.listen(0, '127.0.0.1');
    t = { app, url: `http://127.0.0.1:${port}`, clock: { now: T0 }, close: () => app.close() };
    const mine = await api(t.url, 'GET', '/api/v1/snapshot?token=secret-in-query', { token: TEST_SECRETS.displayToken, headers: { 'x-request-id': 'trace-abc.123' } });
    expect(mine.headers.get('x-request-id')).toBe('trace-abc.123');
    const made = await api(t.url, 'GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await ingest(t, [{ id: 'p1', ts: T0, type: 'call.queued', callId: 'c1', queueId: 'q1', caller: '+8613800138000' }]);
    await ingest(t, [{ id: 'p2', ts: T0, type: 'call.queued', callId: 'c2', queueId: 'q1', caller: '+8613800138001', extra: 1 }]);
    await until(() => lines.filter((l) => l.msg === 'request').length >= 4);
    const snap = lines.find((l) => l.reqId === 'trace-abc.123')!;
    expect(snap).toMatchObject({ method: 'GET', path: '/api/v1/snapshot', status: 200, role: 'display' });
    expect(lines.some((l) => l.path === '/api/v1/events' && l.status === 400)).toBe(true);
    const all = JSON.stringify(lines);
    expect(all).not.toContain('1380013800');
    expect(all).not.toContain('secret-in-query');
    expect(all).not.toContain(TEST_SECRETS.ingestKey);
  });
});

describe('graceful shutdown', () => {
  it('tells screens to reconnect, stops accepting, and finishes requests in flight', async () => {
    t = await startTestApp({ now: T0 });
    const screen = connectClient(t.url);
    const byes: { retryMs: number }[] = [];
    screen.socket.on('server:bye', (b) => byes.push(b));
    await until(() => screen.snapshots.length > 0);
    screen.socket.io.opts.reconnection = false;
    // An ingest request whose body is still arriving when the shutdown begins.
    const body = JSON.stringify([{ id: 'late-1', ts: T0, type: 'agent.login', agentId: 'a9', teamId: 't1' }]);
    const { hostname, port } = new URL(t.url);
    const answer = new Promise<number>((resolve, reject) => {
      const req = request({ hostname, port, path: '/api/v1/events', method: 'POST', headers: { authorization: `Bearer ${TEST_SECRETS.ingestKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const closing = t.app.close();
    t = null;
    expect(await answer).toBe(202);
    await closing;
    expect(byes).toEqual([{ retryMs: 1000 }]);
    await expect(fetch(`http://${hostname}:${port}/healthz`)).rejects.toThrow();
    screen.socket.close();
  });
});
