import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { api, isErrorBody } from '../test-support/http-client.ts';
import { startTestApp, TEST_SECRETS, until, type FloorClient, type TestApp } from '../test-support/test-app.ts';
import { DEFAULT_BODY_LIMIT_BYTES, originAllowed, trustProxySetting } from './security.ts';

/** Answers 'connected' or the connect error of a socket opened with these headers. */
async function handshake(url: string, headers: Record<string, string>): Promise<string> {
  const socket: FloorClient = connect(url, { auth: { token: TEST_SECRETS.displayToken }, transports: ['websocket'], reconnection: false, extraHeaders: headers });
  try {
    return await new Promise<string>((resolve) => {
      socket.on('connect', () => resolve('connected'));
      socket.on('connect_error', (e) => resolve(`refused: ${e.message}`));
    });
  } finally { socket.close(); }
}

describe('hardening: headers, origins, body limits', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp({ env: { ALLOWED_ORIGINS: 'https://wall.example.com' } }); });
  afterAll(async () => { await t.close(); });

  it('sends a CSP allowing only this origin and its websocket, and the other security headers', async () => {
    for (const path of ['/', '/tv', '/api/v1/snapshot', '/healthz', '/api/v1/nope']) {
      const r = await api(t.url, 'GET', path);
      const csp = r.headers.get('content-security-policy') ?? '';
      const host = new URL(t.url).host;
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(r.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('a hostile Host header is not echoed into the CSP', async () => {
    const { request } = await import('node:http');
    const csp = await new Promise<string>((resolve, reject) => {
      const req = request(`${t.url}/healthz`, { headers: { host: "evil.example; script-src 'unsafe-inline'" } }, (res) => { res.resume(); resolve(String(res.headers['content-security-policy'])); });
      req.on('error', reject);
      req.end();
    });
    expect(csp).not.toContain('evil');
    expect(csp).toMatch(/connect-src 'self'\s*;/);
  });

  it('the built wallboard needs no inline script (script-src \'self\' suffices)', () => {
    const index = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
    if (!existsSync(index)) return; // not built in this checkout; e2e covers the served page
    const html = readFileSync(index, 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\/[^"]+"/);
      expect(body!.trim()).toBe('');
    }
  });

  it('checks the websocket Origin at the handshake: same origin and ALLOWED_ORIGINS pass, others are refused', async () => {
    expect(await handshake(t.url, {})).toBe('connected'); // no Origin: not a browser
    expect(await handshake(t.url, { origin: t.url })).toBe('connected');
    expect(await handshake(t.url, { origin: 'https://wall.example.com' })).toBe('connected');
    expect(await handshake(t.url, { origin: 'https://evil.example' })).toMatch(/^refused/);
    expect(await handshake(t.url, { origin: 'null' })).toMatch(/^refused/);
  });

  it('disconnects a socket that floods the server with messages', async () => {
    const socket: FloorClient = connect(t.url, { auth: { token: TEST_SECRETS.displayToken }, transports: ['websocket'], reconnection: false });
    let reason = '';
    socket.on('disconnect', (r) => { reason = r; });
    await new Promise<void>((resolve) => socket.on('floor:snapshot', () => resolve()));
    for (let i = 0; i < 40; i++) socket.emit('floor:resync');
    await until(() => reason !== '', 3000, 'flooding socket dropped');
    expect(reason).toBe('io server disconnect');
    socket.close();
  });

  it('refuses cross-site state changes (CSRF) before looking at credentials', async () => {
    const r = await api(t.url, 'POST', '/api/v1/login', { body: { username: 'admin', password: TEST_SECRETS.adminPassword }, headers: { origin: 'https://evil.example' } });
    expect(r.status).toBe(403);
    expect(isErrorBody(r.body)).toBe(true);
    expect((await api(t.url, 'POST', '/api/v1/login', { body: { username: 'admin', password: TEST_SECRETS.adminPassword }, headers: { origin: t.url } })).status).toBe(200);
    // Reads are not state changes.
    expect((await api(t.url, 'GET', '/api/v1/snapshot', { token: TEST_SECRETS.displayToken, headers: { origin: 'https://evil.example' } })).status).toBe(200);
  });

  it('answers 413 with the error body for bodies over the limit of each endpoint', async () => {
    const big = JSON.stringify({ username: 'admin', password: 'x'.repeat(20_000) });
    const login = await api(t.url, 'POST', '/api/v1/login', { body: big });
    expect(login.status).toBe(413);
    expect(login.body.error.code).toBe('payload_too_large');
    const huge = 'x'.repeat(2 * 1024 * 1024);
    for (const [method, path] of [['POST', '/api/v1/admin/users'], ['PUT', '/api/v1/teams/t1/break-plan'], ['POST', '/api/v1/logout'], ['GET', '/api/v1/snapshot']] as const) {
      const r = await api(t.url, method, path, { body: huge, contentType: 'application/json' }).catch(() => ({ status: 413, body: { error: { code: 'payload_too_large', message: 'connection closed' } } }));
      expect(r.status, path).toBe(413);
      expect(isErrorBody(r.body)).toBe(true);
    }
    const ingest = await api(t.url, 'POST', '/api/v1/events', { token: TEST_SECRETS.ingestKey, body: `[${'1,'.repeat(6 * 1024 * 1024)}1]` });
    expect(ingest.status).toBe(413);
    // Ingest keeps its own, larger limit: a 2 MB batch is fine.
    const batch = Array.from({ length: 15_000 }, (_, i) => ({ id: `big-${i}`, ts: Date.now(), type: 'agent.state', agentId: `big-a${i % 50}`, state: 'available', reason: 'x'.repeat(60) }));
    const bigBody = JSON.stringify(batch);
    expect(bigBody.length).toBeGreaterThan(DEFAULT_BODY_LIMIT_BYTES);
    expect((await api(t.url, 'POST', '/api/v1/events', { token: TEST_SECRETS.ingestKey, body: bigBody })).status).toBe(202);
  });

  it('never answers with a stack trace or an internal message', async () => {
    const r = await api(t.url, 'POST', '/api/v1/events', { token: TEST_SECRETS.ingestKey, body: '{"id": ', contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(r.text).not.toMatch(/at .*\.(ts|js):\d+|SyntaxError|node_modules/);
    const cookie = await api(t.url, 'GET', '/api/v1/me', { headers: { cookie: 'fb_session=%E0%A4%A' } });
    expect(cookie.status).toBe(401);
  });
});

describe('origin and proxy settings', () => {
  it('originAllowed', () => {
    expect(originAllowed(undefined, 'a:1', [])).toBe(true);
    expect(originAllowed('http://a:1', 'a:1', [])).toBe(true);
    expect(originAllowed('http://A:1', 'a:1', [])).toBe(true);
    expect(originAllowed('http://a:2', 'a:1', [])).toBe(false);
    expect(originAllowed('https://b', 'a:1', ['https://b'])).toBe(true);
    expect(originAllowed('file://x', 'x', [])).toBe(false);
    expect(originAllowed('not a url', 'a', [])).toBe(false);
  });
  it('trustProxySetting', () => {
    expect(trustProxySetting(undefined)).toBe(false);
    expect(trustProxySetting('false')).toBe(false);
    expect(trustProxySetting('2')).toBe(2);
    expect(trustProxySetting('loopback, 10.0.0.0/8')).toEqual(['loopback', '10.0.0.0/8']);
  });
});
