import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { MemoryConfigStore } from '../store/memory-config-store.ts';
import { RedisConfigStore } from '../store/redis-config-store.ts';
import { api, createUser, isErrorBody, login } from '../test-support/http-client.ts';
import { postEvents, startTestApp, TEST_SECRETS, until, type FloorClient, type TestApp } from '../test-support/test-app.ts';

/** A live socket with `token`, resolved once it has its first snapshot; records revocation and disconnect. */
async function liveSocket(url: string, token: string) {
  const socket: FloorClient = connect(url, { auth: { token }, transports: ['websocket'], reconnectionDelay: 50 });
  const seen = { snapshot: false, revoked: false, disconnectReason: '' };
  socket.on('floor:snapshot', () => { seen.snapshot = true; });
  socket.on('auth:revoked', () => { seen.revoked = true; });
  socket.on('disconnect', (reason) => { seen.disconnectReason = reason; });
  await until(() => seen.snapshot, 5000, 'snapshot');
  return { socket, seen };
}

describe('sign in, sessions and passwords', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t.close(); });

  it('answers a token and sets an httpOnly SameSite=Strict cookie that works like the bearer', async () => {
    const r = await api(t.url, 'POST', '/api/v1/login', { body: { username: 'admin', password: TEST_SECRETS.adminPassword } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token: expect.any(String), role: 'admin' });
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^fb_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const me = await api(t.url, 'GET', '/api/v1/me', { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.body).toEqual({ username: 'admin', role: 'admin', scope: { teams: null, queues: null } });
  });

  it('logout ends the session for bearer and cookie alike', async () => {
    const token = await login(t.url);
    expect((await api(t.url, 'POST', '/api/v1/logout', { token })).status).toBe(204);
    expect((await api(t.url, 'GET', '/api/v1/me', { token })).status).toBe(401);
    expect((await api(t.url, 'GET', '/api/v1/me', { headers: { cookie: `fb_session=${token}` } })).status).toBe(401);
  });

  it('sessions expire after SESSION_TTL_HOURS (by the injected clock)', async () => {
    const t2 = await startTestApp({ env: { SESSION_TTL_HOURS: '1' } });
    try {
      const token = await login(t2.url);
      t2.clock.now += 59 * 60_000;
      expect((await api(t2.url, 'GET', '/api/v1/me', { token })).status).toBe(200);
      t2.clock.now += 2 * 60_000;
      expect((await api(t2.url, 'GET', '/api/v1/me', { token })).status).toBe(401);
      expect(await t2.app.auth.sweepSessions()).toBeGreaterThanOrEqual(0);
    } finally { await t2.close(); }
  });

  it('wrong credentials: 401 without saying which part; then 429 per account, and per address', async () => {
    const t2 = await startTestApp();
    try {
      const wrongUser = await api(t2.url, 'POST', '/api/v1/login', { body: { username: 'nobody', password: 'whatever-123' } });
      const wrongPass = await api(t2.url, 'POST', '/api/v1/login', { body: { username: 'admin', password: 'whatever-123' } });
      expect(wrongUser.status).toBe(401);
      expect(wrongPass.status).toBe(401);
      expect(wrongUser.body).toEqual(wrongPass.body);
      // Five failures for one account lock it for the window, even with the right password.
      for (let i = 0; i < 4; i++) expect((await api(t2.url, 'POST', '/api/v1/login', { body: { username: 'admin', password: `bad-${i}-xxxxx` } })).status).toBe(401);
      const locked = await api(t2.url, 'POST', '/api/v1/login', { body: { username: 'admin', password: TEST_SECRETS.adminPassword } });
      expect(locked.status).toBe(429);
      expect(isErrorBody(locked.body)).toBe(true);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      // After the window it works again.
      t2.clock.now += 16 * 60_000;
      expect((await api(t2.url, 'POST', '/api/v1/login', { body: { username: 'admin', password: TEST_SECRETS.adminPassword } })).status).toBe(200);
      // Twenty failures from one address lock every account from there.
      for (let i = 0; i < 20; i++) await api(t2.url, 'POST', '/api/v1/login', { body: { username: `u${i}`, password: 'whatever-123' } });
      expect((await api(t2.url, 'POST', '/api/v1/login', { body: { username: 'someone-else', password: 'whatever-123' } })).status).toBe(429);
    } finally { await t2.close(); }
  });

  it('X-Forwarded-For is ignored unless TRUST_PROXY is set', async () => {
    const plain = await startTestApp();
    const proxied = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
    try {
      for (const app of [plain, proxied]) {
        for (let i = 0; i < 20; i++) await api(app.url, 'POST', '/api/v1/login', { body: { username: `u${i}`, password: 'whatever-123' }, headers: { 'x-forwarded-for': `10.0.0.${i}` } });
      }
      // Without TRUST_PROXY all twenty came from 127.0.0.1: that address is throttled.
      expect((await api(plain.url, 'POST', '/api/v1/login', { body: { username: 'x', password: 'whatever-123' }, headers: { 'x-forwarded-for': '10.0.0.99' } })).status).toBe(429);
      // Behind a trusted proxy each forwarded address counts on its own.
      expect((await api(proxied.url, 'POST', '/api/v1/login', { body: { username: 'x', password: 'whatever-123' }, headers: { 'x-forwarded-for': '10.0.0.99' } })).status).toBe(401);
    } finally { await plain.close(); await proxied.close(); }
  });

  it('changing the password needs the current one and ends the other sessions (and their sockets)', async () => {
    const adminToken = await login(t.url);
    const a = await createUser(t.url, adminToken, { username: 'pwuser', role: 'supervisor', password: 'first-password-1' });
    const b = await login(t.url, 'pwuser', 'first-password-1');
    const other = await liveSocket(t.url, b);
    const wrong = await api(t.url, 'POST', '/api/v1/me/password', { token: a, body: { currentPassword: 'nope-nope-nope', newPassword: 'second-password-2' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.issues).toEqual([{ path: 'currentPassword', message: 'does not match the current password' }]);
    const short = await api(t.url, 'POST', '/api/v1/me/password', { token: a, body: { currentPassword: 'first-password-1', newPassword: 'short' } });
    expect(short.body.error.issues[0].path).toBe('newPassword');
    expect((await api(t.url, 'POST', '/api/v1/me/password', { token: a, body: { currentPassword: 'first-password-1', newPassword: 'second-password-2' } })).status).toBe(204);
    expect((await api(t.url, 'GET', '/api/v1/me', { token: a })).status).toBe(200);
    expect((await api(t.url, 'GET', '/api/v1/me', { token: b })).status).toBe(401);
    await until(() => other.seen.revoked && other.seen.disconnectReason !== '', 3000, 'other session socket dropped');
    expect((await api(t.url, 'POST', '/api/v1/login', { body: { username: 'pwuser', password: 'first-password-1' } })).status).toBe(401);
    await login(t.url, 'pwuser', 'second-password-2');
    other.socket.close();
  });
});

describe('revocation drops live sockets', () => {
  const opened: TestApp[] = [];
  afterEach(async () => { for (const a of opened.splice(0).reverse()) await a.close(); });

  it('revoking a display token disconnects its open screen at once, with auth:revoked, and refuses it afterwards', async () => {
    const t = await startTestApp();
    opened.push(t);
    const adminToken = await login(t.url);
    const created = await api(t.url, 'POST', '/api/v1/admin/display-tokens', { token: adminToken, body: { name: 'Lobby TV' } });
    expect(created.status).toBe(201);
    expect(created.body.tvPath).toBe(`/tv?token=${created.body.token}`);
    const keep = await liveSocket(t.url, TEST_SECRETS.displayToken);
    const tv = await liveSocket(t.url, created.body.token);
    // Listed without the secret.
    const list = await api(t.url, 'GET', '/api/v1/admin/display-tokens', { token: adminToken });
    expect(list.text).not.toContain(created.body.token);
    expect(list.body.displayTokens.map((x: { name: string }) => x.name)).toContain('Lobby TV');

    expect((await api(t.url, 'DELETE', `/api/v1/admin/display-tokens/${created.body.id}`, { token: adminToken })).status).toBe(204);
    await until(() => tv.seen.revoked && tv.seen.disconnectReason === 'io server disconnect', 3000, 'revoked socket dropped');
    expect(keep.socket.connected).toBe(true);
    expect((await api(t.url, 'GET', '/api/v1/snapshot', { token: created.body.token })).status).toBe(401);
    const again: FloorClient = connect(t.url, { auth: { token: created.body.token }, transports: ['websocket'], reconnection: false });
    expect(await new Promise((r) => { again.on('connect_error', (e) => r(e.message)); again.on('connect', () => r('connected')); })).toBe('unauthorized');
    again.close(); keep.socket.close(); tv.socket.close();
  });

  it('across instances: a token revoked on one instance drops its socket on another (shared ConfigStore watch)', async () => {
    const store = new MemoryConfigStore();
    const a = await startTestApp({ configStore: store });
    const b = await startTestApp({ configStore: store });
    opened.push(a, b);
    const adminOnA = await login(a.url);
    const created = await api(a.url, 'POST', '/api/v1/admin/display-tokens', { token: adminOnA, body: { name: 'Floor 2 TV', scope: { teams: ['t1'], queues: null } } });
    // A session opened on A works on B at once (B looks it up in the store).
    expect((await api(b.url, 'GET', '/api/v1/me', { token: adminOnA })).status).toBe(200);
    const tvOnB = await liveSocket(b.url, created.body.token);
    expect((await api(a.url, 'DELETE', `/api/v1/admin/display-tokens/${created.body.id}`, { token: adminOnA })).status).toBe(204);
    await until(() => tvOnB.seen.revoked && tvOnB.seen.disconnectReason === 'io server disconnect', 3000, 'socket on B dropped');
    tvOnB.socket.close();
  });

  it('across instances through Redis: two servers with their own RedisConfigStore connections', async () => {
    const keyPrefix = `test:auth:${randomUUID()}:`;
    const url = inject('redisUrl');
    const a = await startTestApp({ configStore: new RedisConfigStore({ url, keyPrefix, onError: () => {} }) });
    const b = await startTestApp({ configStore: new RedisConfigStore({ url, keyPrefix, onError: () => {} }) });
    opened.push(a, b);
    expect(b.app.adminCreated).toBe(false); // A created it; B found it in Redis
    const adminOnA = await login(a.url);
    const created = await api(a.url, 'POST', '/api/v1/admin/display-tokens', { token: adminOnA, body: { name: 'Redis TV' } });
    await until(() => b.app.auth.resolve(created.body.token) !== null, 10_000, 'token known on B');
    const tvOnB = await liveSocket(b.url, created.body.token);
    expect((await api(a.url, 'DELETE', `/api/v1/admin/display-tokens/${created.body.id}`, { token: adminOnA })).status).toBe(204);
    await until(() => tvOnB.seen.revoked && tvOnB.seen.disconnectReason === 'io server disconnect', 10_000, 'socket on B dropped');
    // Logout on B ends the session on A too.
    expect((await api(b.url, 'POST', '/api/v1/logout', { token: adminOnA })).status).toBe(204);
    await until(() => a.app.auth.resolve(adminOnA) === null, 10_000, 'session gone on A');
    expect((await api(a.url, 'GET', '/api/v1/me', { token: adminOnA })).status).toBe(401);
    tvOnB.socket.close();
  });

  it('deleting a user, or changing their role or scope, drops their sockets; revoking an ingest key stops its ingest', async () => {
    const t = await startTestApp();
    opened.push(t);
    const adminToken = await login(t.url);
    const lead = await createUser(t.url, adminToken, { username: 'lead', role: 'teamlead', scope: { teams: ['t1'] } });
    const sup = await createUser(t.url, adminToken, { username: 'sup', role: 'supervisor' });
    const leadSocket = await liveSocket(t.url, lead);
    const supSocket = await liveSocket(t.url, sup);
    expect((await api(t.url, 'PATCH', '/api/v1/admin/users/lead', { token: adminToken, body: { scope: { teams: ['t2'] } } })).status).toBe(200);
    await until(() => leadSocket.seen.revoked, 3000, 'lead socket dropped after scope change');
    expect((await api(t.url, 'GET', '/api/v1/me', { token: lead })).body.scope.teams).toEqual(['t2']);
    expect((await api(t.url, 'DELETE', '/api/v1/admin/users/sup', { token: adminToken })).status).toBe(204);
    await until(() => supSocket.seen.revoked, 3000, 'deleted user socket dropped');
    expect((await api(t.url, 'GET', '/api/v1/me', { token: sup })).status).toBe(401);

    const key = await api(t.url, 'POST', '/api/v1/admin/ingest-keys', { token: adminToken, body: { name: 'PBX 2' } });
    expect(key.status).toBe(201);
    expect(key.body.key).toMatch(/^fbk_/);
    const ev = { id: 'rk-1', ts: Date.now(), type: 'agent.login', agentId: 'z1', teamId: 't9' };
    expect((await postEvents(t.url, ev, { key: key.body.key })).status).toBe(202);
    expect((await api(t.url, 'DELETE', `/api/v1/admin/ingest-keys/${key.body.id}`, { token: adminToken })).status).toBe(204);
    expect((await postEvents(t.url, { ...ev, id: 'rk-2' }, { key: key.body.key })).status).toBe(401);
    leadSocket.socket.close(); supSocket.socket.close();
  });

  it('guards against locking everyone out: the last admin stays, nobody deletes themselves', async () => {
    const t = await startTestApp();
    opened.push(t);
    const adminToken = await login(t.url);
    expect((await api(t.url, 'PATCH', '/api/v1/admin/users/admin', { token: adminToken, body: { role: 'supervisor' } })).status).toBe(409);
    expect((await api(t.url, 'DELETE', '/api/v1/admin/users/admin', { token: adminToken })).status).toBe(409);
    const dup = await api(t.url, 'POST', '/api/v1/admin/users', { token: adminToken, body: { username: 'admin', password: 'another-password', role: 'admin' } });
    expect(dup.status).toBe(409);
    const lead = await api(t.url, 'POST', '/api/v1/admin/users', { token: adminToken, body: { username: 'lead2', password: 'another-password', role: 'teamlead' } });
    expect(lead.status).toBe(400);
    expect(lead.body.error.issues).toEqual([{ path: 'scope.teams', message: 'a team lead needs at least one team' }]);
    const users = await api(t.url, 'GET', '/api/v1/admin/users', { token: adminToken });
    expect(users.text).not.toMatch(/passwordHash|scrypt\$/);
  });
});
