import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FloorEvent } from '../../shared/events.ts';
import { signBody } from '../auth/ingest-signature.ts';
import { StoreUnavailableError, type AppendResult } from '../store/event-log.ts';
import { MemoryLog } from '../store/memory-log.ts';
import { api, login } from '../test-support/http-client.ts';
import { startTestApp, TEST_SECRETS, type TestApp } from '../test-support/test-app.ts';

/**
 * The lean `POST /api/v1/events` handler against the express route it stands in for: the same
 * requests, sent to the real server (lean first) and to a server running only the express app
 * of the same instance, must get the same status, body and headers.
 */

const T0 = Date.parse('2026-11-23T09:00:00+08:00');

/** A memory log that can be told the store is down. */
class FlakyLog extends MemoryLog {
  down = false;
  override append(events: readonly FloorEvent[]): Promise<AppendResult> {
    return this.down ? Promise.reject(new StoreUnavailableError()) : super.append(events);
  }
}

interface Answer { status: number; headers: IncomingHttpHeaders; body: unknown }

/** One raw HTTP request; `body` as chunks is sent chunked (no Content-Length). */
function send(url: string, opts: { path?: string; headers?: Record<string, string>; body?: string | Buffer | Buffer[] }): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const chunks = Array.isArray(opts.body) ? opts.body : null;
  const headers: Record<string, string> = { host: 'floorboard.test', ...opts.headers }; // one Host for both servers: it is in the CSP
  if (!chunks && opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body as string | Buffer));
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: opts.path ?? '/api/v1/events', method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let body: unknown = text;
        try { body = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    if (chunks) { for (const c of chunks) req.write(c); req.end(); } else req.end(opts.body);
  });
}

/** A POST without any body framing header (node's client always adds one); answers the status line and body. */
function bodyless(url: string, headers: Record<string, string>): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const lines = Object.entries({ host: `${hostname}:${port}`, ...headers, connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.end(`POST /api/v1/events HTTP/1.1\r\n${lines}\r\n`);
    });
    let text = '';
    socket.on('data', (c: Buffer) => { text += c.toString('utf8'); });
    socket.on('end', () => resolve(`${text.split('\r\n')[0]} ${text.slice(text.indexOf('\r\n\r\n') + 4)}`));
    socket.on('error', reject);
  });
}

/** Headers that differ between any two answers (time, id, connection bookkeeping). */
const VARYING = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);
const comparable = (a: Answer) => ({ status: a.status, body: a.body, headers: Object.fromEntries(Object.entries(a.headers).filter(([k]) => !VARYING.has(k))) });

describe('lean ingest handler', () => {
  let t: TestApp;
  let log: FlakyLog;
  let expressOnly: Server;
  let expressUrl: string;
  let viaExpress: string[] = [];
  let signedKey: string;
  let signingSecret: string;

  beforeAll(async () => {
    log = new FlakyLog();
    t = await startTestApp({ now: T0 + 3600_000, log, env: { ALLOWED_ORIGINS: 'https://wall.example.com' } });
    // Which requests reach the express app (of either server): the lean ones must not.
    const app = t.app.express as unknown as { handle: (req: { url?: string }, ...rest: unknown[]) => void };
    const handle = app.handle.bind(app);
    app.handle = (req, ...rest) => { viaExpress.push(req.url ?? ''); handle(req, ...rest); };
    expressOnly = createServer(t.app.express);
    await new Promise<void>((r) => expressOnly.listen(0, '127.0.0.1', () => r()));
    expressUrl = `http://127.0.0.1:${(expressOnly.address() as AddressInfo).port}`;
    const admin = await login(t.url);
    const created = await api(t.url, 'POST', '/api/v1/admin/ingest-keys', { token: admin, body: { name: 'signed PBX', requireSignature: true } });
    signedKey = created.body.key;
    signingSecret = created.body.signingSecret;
  });
  afterAll(async () => {
    await new Promise((r) => expressOnly.close(r));
    await t.close();
  });
  beforeEach(() => { viaExpress = []; log.down = false; });

  const auth = (key = TEST_SECRETS.ingestKey) => ({ authorization: `Bearer ${key}` });
  const json = { ...auth(), 'content-type': 'application/json' };
  const ndjson = { ...auth(), 'content-type': 'application/x-ndjson' };
  /** An event whose id is unique to `server` (both servers share one log, so ids must differ). */
  const ev = (server: string, id: string, rest: Record<string, unknown> = { type: 'agent.logout', agentId: 'a1' }) => ({ id: `${server}-${id}`, ts: T0, ...rest });

  /** Sends the same request (built per server) to both servers; answers [lean, express]. */
  async function both(build: (server: string) => Parameters<typeof send>[1]): Promise<[Answer, Answer]> {
    const lean = await send(t.url, build('lean'));
    const viaExpressBefore = viaExpress.length;
    const expressAnswer = await send(expressUrl, build('express'));
    expect(viaExpress.length, 'the express-only server goes through express').toBe(viaExpressBefore + 1);
    return [lean, expressAnswer];
  }

  async function sameAnswer(build: (server: string) => Parameters<typeof send>[1]): Promise<Answer> {
    const [lean, viaApp] = await both(build);
    expect(comparable(lean)).toEqual(comparable(viaApp));
    return lean;
  }

  it('accepts what the express route accepts, with the same answer and headers, without express', async () => {
    const accepted = [
      (s: string) => ({ headers: json, body: JSON.stringify(ev(s, 'one')) }),
      (s: string) => ({ headers: json, body: JSON.stringify([ev(s, 'a1'), ev(s, 'a2'), ev(s, 'a1')]) }),
      (s: string) => ({ headers: ndjson, body: `${JSON.stringify(ev(s, 'n1'))}\n\n${JSON.stringify(ev(s, 'n2'))}\n` }),
      (s: string) => ({ headers: { ...json, 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(ev(s, 'charset')) }),
      (s: string) => ({ headers: json, body: `\uFEFF${JSON.stringify(ev(s, 'bom'))}` }),
      (s: string) => ({ path: '/api/v1/events?source=x', headers: json, body: JSON.stringify(ev(s, 'query')) }),
      (s: string) => ({ headers: json, body: [Buffer.from(`[${JSON.stringify(ev(s, 'c1'))},`), Buffer.from(`${JSON.stringify(ev(s, 'c2'))}]`)] }),
    ];
    for (const build of accepted) {
      const answer = await sameAnswer(build);
      expect(answer.status).toBe(202);
      expect(answer.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'content-type': 'application/json; charset=utf-8' });
      expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await send(t.url, { headers: json, body: JSON.stringify([ev('lean', 'one')]) })).body).toEqual({ accepted: 0, duplicates: 1 });
    expect(viaExpress).toHaveLength(accepted.length); // only the express-only server's
  });

  it('refuses what the express route refuses, with the same error bodies', async () => {
    const refused: [number, (s: string) => Parameters<typeof send>[1]][] = [
      [400, (s) => ({ headers: json, body: JSON.stringify([ev(s, 'ok'), { ...ev(s, 'bad'), type: 'call.exploded' }, { id: '', ts: 'yesterday', type: 'agent.login' }]) })],
      [400, (s) => ({ headers: json, body: JSON.stringify(ev(s, 'extra', { type: 'agent.logout', agentId: 'a1', extra: 1 })) })],
      [400, () => ({ headers: json, body: '{"id": ' })],
      [400, () => ({ headers: json, body: '[]' })],
      [400, () => ({ headers: json, body: '"just a string"' })],
      [400, () => ({ headers: json, body: '' })],
      [400, (s) => ({ headers: ndjson, body: `${JSON.stringify(ev(s, 'l1'))}\n{not json\n` })],
      [400, () => ({ headers: ndjson, body: '\n  \n' })],
      [401, (s) => ({ headers: { ...json, authorization: 'Bearer wrong-key-0000000000' }, body: JSON.stringify(ev(s, 'k')) })],
      [401, (s) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(ev(s, 'k')) })],
      [403, (s) => ({ headers: { ...json, ...auth(TEST_SECRETS.displayToken) }, body: JSON.stringify(ev(s, 'k')) })],
      [403, (s) => ({ headers: { ...json, origin: 'https://evil.example' }, body: JSON.stringify(ev(s, 'o')) })],
      [401, (s) => ({ headers: { ...json, ...auth(signedKey) }, body: JSON.stringify(ev(s, 'unsigned')) })],
      [413, () => ({ headers: json, body: `[${'1,'.repeat(6 * 1024 * 1024)}1]` })],
      [413, () => ({ headers: json, body: Array.from({ length: 11 }, () => Buffer.alloc(1024 * 1024, 0x20)) })],
    ];
    for (const [status, build] of refused) {
      const answer = await sameAnswer(build);
      expect(answer.status, JSON.stringify(answer.body).slice(0, 200)).toBe(status);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(viaExpress).toHaveLength(refused.length);
  });

  it('names every failing field path, and lines of malformed NDJSON', async () => {
    const [bad] = await both((s) => ({ headers: json, body: JSON.stringify([ev(s, 'ok'), { ...ev(s, 'bad'), type: 'call.exploded' }, { id: '', ts: 'yesterday', type: 'agent.login', agentId: 'a1' }]) }));
    const paths = (bad.body as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['[1].type', '[2].id', '[2].ts', '[2].teamId']));
    const [lines] = await both((s) => ({ headers: ndjson, body: `${JSON.stringify(ev(s, 'l1'))}\n\n{not json` }));
    expect(lines.body).toMatchObject({ error: { code: 'validation_failed', issues: [{ path: '[1]', message: 'line 3: malformed JSON' }] } });
  });

  it('checks the signature of keys that require one', async () => {
    const ts = String(Math.floor(t.clock.now / 1000));
    const signed = (s: string) => {
      const body = JSON.stringify(ev(s, 'signed'));
      return { headers: { ...json, ...auth(signedKey), 'x-floorboard-timestamp': ts, 'x-floorboard-signature': signBody(signingSecret, ts, body) }, body };
    };
    expect((await sameAnswer(signed)).body).toEqual({ accepted: 1, duplicates: 0 });
    const tampered = await sameAnswer((s) => ({ ...signed(s), body: JSON.stringify(ev(s, 'other')) }));
    expect(tampered.body).toMatchObject({ error: { code: 'unauthorized', issues: [{ path: 'headers.x-floorboard-signature' }] } });
  });

  it('answers 503 with Retry-After while the store is down, and acknowledges nothing', async () => {
    log.down = true;
    const answer = await sameAnswer((s) => ({ headers: json, body: JSON.stringify(ev(s, 'down')) }));
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.body).toMatchObject({ error: { code: 'store_unavailable' } });
  });

  it('leaves compressed bodies, other media types and body-less requests to express', async () => {
    const gzipped = await sameAnswer((s) => ({ headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify(ev(s, 'gz'))) }));
    expect(gzipped.status).toBe(202);
    expect((await sameAnswer((s) => ({ headers: { ...auth(), 'content-type': 'text/plain' }, body: JSON.stringify(ev(s, 'txt')) }))).status).toBe(415);
    expect(viaExpress).toHaveLength(4);
    // No body at all (not even Content-Length: 0): express answers 415, as ever.
    const [lean, viaApp] = await Promise.all([t.url, expressUrl].map((url) => bodyless(url, json)));
    expect(lean).toEqual(viaApp);
    expect(lean).toMatch(/^HTTP\/1\.1 415 [^]*"unsupported_media_type"/);
    expect(viaExpress).toHaveLength(6);
  });

  it('counts refused requests in data quality by source and reason', async () => {
    const before = t.app.quality.report().sources.find((s) => s.source === 'lean-probe')?.rejected ?? {};
    const probe = { ...json, 'x-floorboard-source': 'lean-probe' };
    await send(t.url, { headers: probe, body: '{"id": ' });
    await send(t.url, { headers: { ...probe, ...auth(TEST_SECRETS.displayToken) }, body: '{}' });
    await send(t.url, { headers: { ...probe, origin: 'https://evil.example' }, body: '{}' }); // refused before ingest stats, as in express
    const after = t.app.quality.report().sources.find((s) => s.source === 'lean-probe')!.rejected;
    expect(after).toEqual({ ...before, validation_failed: (before.validation_failed ?? 0) + 1, forbidden: (before.forbidden ?? 0) + 1 });
  });
});
