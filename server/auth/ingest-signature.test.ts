import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, isErrorBody, login } from '../test-support/http-client.ts';
import { getSnapshot, startTestApp, type TestApp } from '../test-support/test-app.ts';
import { signBody } from './ingest-signature.ts';

const T0 = Date.parse('2026-11-23T10:00:00+08:00');

describe('HMAC-signed ingest', () => {
  let t: TestApp;
  let key: string;
  let secret: string;
  beforeAll(async () => {
    t = await startTestApp({ now: T0 });
    const admin = await login(t.url);
    const created = await api(t.url, 'POST', '/api/v1/admin/ingest-keys', { token: admin, body: { name: 'signed PBX', requireSignature: true } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ requireSignature: true, key: expect.stringMatching(/^fbk_/), signingSecret: expect.stringMatching(/^fbs_/) });
    key = created.body.key;
    secret = created.body.signingSecret;
    const listed = await api(t.url, 'GET', '/api/v1/admin/ingest-keys', { token: admin });
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain(key);
  });
  afterAll(async () => { await t.close(); });

  /** Posts `body` signed at `tsSec` (the documented format, computed independently of the server's helper). */
  const send = (body: string, opts: { tsSec?: number; signature?: string; contentType?: string; omit?: 'ts' | 'sig' } = {}) => {
    const tsSec = opts.tsSec ?? Math.floor(t.clock.now / 1000);
    const signature = opts.signature ?? `v1=${createHmac('sha256', secret).update(`${tsSec}.${body}`).digest('hex')}`;
    const headers: Record<string, string> = {};
    if (opts.omit !== 'ts') headers['x-floorboard-timestamp'] = String(tsSec);
    if (opts.omit !== 'sig') headers['x-floorboard-signature'] = signature;
    return api(t.url, 'POST', '/api/v1/events', { token: key, body, contentType: opts.contentType ?? 'application/json', headers });
  };
  const event = (id: string) => JSON.stringify({ id, ts: T0 - 1000, type: 'agent.login', agentId: `sig-${id}`, teamId: 't1' });

  it('accepts a correctly signed body (JSON and NDJSON) within the window; the server helper computes the same signature', async () => {
    const body = event('h-1');
    expect(signBody(secret, 1, body)).toBe(`v1=${createHmac('sha256', secret).update(`1.${body}`).digest('hex')}`);
    expect((await send(body)).body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await send(`${event('h-2')}\n${event('h-3')}\n`, { contentType: 'application/x-ndjson' })).body).toEqual({ accepted: 2, duplicates: 0 });
    expect((await send(event('h-4'), { tsSec: Math.floor(t.clock.now / 1000) - 299 })).status).toBe(202);
    expect((await send(event('h-5'), { tsSec: Math.floor(t.clock.now / 1000) + 299 })).status).toBe(202);
  });

  const rejected = async (r: Awaited<ReturnType<typeof send>>, header: string) => {
    expect(r.status).toBe(401);
    expect(isErrorBody(r.body)).toBe(true);
    expect(r.body.error.issues[0].path).toBe(`headers.${header}`);
  };

  it('rejects a bad signature, a body changed after signing, a missing header, a stale or future timestamp', async () => {
    const body = event('bad-1');
    await rejected(await send(body, { signature: `v1=${'0'.repeat(64)}` }), 'x-floorboard-signature');
    await rejected(await send(body, { signature: 'v1=short' }), 'x-floorboard-signature');
    const good = signBody(secret, Math.floor(t.clock.now / 1000), body);
    await rejected(await send(body.replace('t1', 't2'), { signature: good }), 'x-floorboard-signature');
    await rejected(await send(body, { signature: signBody('fbs_wrong-secret', Math.floor(t.clock.now / 1000), body) }), 'x-floorboard-signature');
    await rejected(await send(body, { omit: 'sig' }), 'x-floorboard-signature');
    await rejected(await send(body, { omit: 'ts' }), 'x-floorboard-timestamp');
    await rejected(await send(body, { tsSec: Math.floor(t.clock.now / 1000) - 301 }), 'x-floorboard-timestamp');
    await rejected(await send(body, { tsSec: Math.floor(t.clock.now / 1000) + 301 }), 'x-floorboard-timestamp');
    // A signature for one timestamp does not fit another.
    const tsSec = Math.floor(t.clock.now / 1000);
    await rejected(await send(body, { tsSec: tsSec - 1, signature: signBody(secret, tsSec, body) }), 'x-floorboard-signature');
    // Nothing of the rejected requests was applied.
    expect((await getSnapshot(t.url)).agents.some((a) => a.id === 'sig-bad-1')).toBe(false);
  });

  it('a replay of an accepted request (same signature, inside the window) counts its events once, as duplicates', async () => {
    const body = JSON.stringify([JSON.parse(event('r-1')), JSON.parse(event('r-2'))]);
    const tsSec = Math.floor(t.clock.now / 1000);
    expect((await send(body, { tsSec })).body).toEqual({ accepted: 2, duplicates: 0 });
    t.clock.now += 60_000;
    expect((await send(body, { tsSec })).body).toEqual({ accepted: 0, duplicates: 2 });
    // Re-signed later with a fresh timestamp: still the same events, still counted once.
    expect((await send(body)).body).toEqual({ accepted: 0, duplicates: 2 });
    const agents = (await getSnapshot(t.url)).agents.filter((a) => a.id === 'sig-r-1' || a.id === 'sig-r-2');
    expect(agents).toHaveLength(2);
    // Outside the window the replay is refused outright.
    t.clock.now += 300_000;
    await rejected(await send(body, { tsSec }), 'x-floorboard-timestamp');
  });

  it('the Asterisk queue_log endpoint checks the same signature', async () => {
    const lines = `${Math.floor(T0 / 1000) - 5}|NONE|support|PJSIP/1001|ADDMEMBER|\n`;
    const tsSec = Math.floor(t.clock.now / 1000);
    const post = (headers: Record<string, string>) => api(t.url, 'POST', '/api/v1/ingest/asterisk-queue-log', { token: key, body: lines, contentType: 'text/plain', headers });
    const unsigned = await post({});
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.issues[0].path).toBe('headers.x-floorboard-timestamp');
    expect((await post({ 'x-floorboard-timestamp': String(tsSec), 'x-floorboard-signature': signBody(secret, tsSec, 'other') })).status).toBe(401);
    const signed = await post({ 'x-floorboard-timestamp': String(tsSec), 'x-floorboard-signature': signBody(secret, tsSec, lines) });
    expect(signed.status, signed.text).toBe(202);
  });

  it('an unsigned key ignores the headers; a signing key refuses an unsigned request', async () => {
    const unsigned = await api(t.url, 'POST', '/api/v1/events', { token: 'ingest-key-0123456789', body: event('u-1') });
    expect(unsigned.status).toBe(202);
    const noHeaders = await api(t.url, 'POST', '/api/v1/events', { token: key, body: event('u-2') });
    expect(noHeaders.status).toBe(401);
    const empty = await api(t.url, 'POST', '/api/v1/events', { token: key, contentType: 'application/json' });
    expect(empty.status).toBe(401);
  });
});
