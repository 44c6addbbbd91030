import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryConfigStore } from '../store/memory-config-store.ts';
import { api, createUser, login } from '../test-support/http-client.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import { AUDIT, AuditLog, csvCell, redactSecrets, type AuditEntry } from './audit-log.ts';

const T0 = Date.parse('2026-11-23T10:00:00+08:00');

describe('audit log', () => {
  let t: TestApp;
  let store: MemoryConfigStore;
  let adminToken: string;
  const secrets: string[] = [];
  beforeAll(async () => {
    store = new MemoryConfigStore();
    t = await startTestApp({ now: T0, configStore: store });
    adminToken = await login(t.url);
  });
  afterAll(async () => { await t.close(); });

  const all = async (): Promise<AuditEntry[]> => {
    const out: AuditEntry[] = [];
    for await (const e of t.app.audit.all()) out.push(e);
    return out;
  };

  it('records every change of users, tokens, keys, rosters and break plans once: who, when, from where, before and after', async () => {
    await createUser(t.url, adminToken, { username: 'lead', role: 'teamlead', scope: { teams: ['t1'] }, password: 'lead-password-1' });
    secrets.push('lead-password-1');
    const lead = await login(t.url, 'lead', 'lead-password-1');
    t.clock.now += 1000;
    expect((await api(t.url, 'PATCH', '/api/v1/admin/users/lead', { token: adminToken, body: { scope: { teams: ['t1', 't2'] }, password: 'lead-password-2' } })).status).toBe(200);
    secrets.push('lead-password-2');
    const tv = await api(t.url, 'POST', '/api/v1/admin/display-tokens', { token: adminToken, body: { name: 'Hall TV' } });
    const key = await api(t.url, 'POST', '/api/v1/admin/ingest-keys', { token: adminToken, body: { name: 'PBX', requireSignature: true } });
    secrets.push(tv.body.token, key.body.key, key.body.signingSecret);
    expect((await api(t.url, 'DELETE', `/api/v1/admin/display-tokens/${tv.body.id}`, { token: adminToken })).status).toBe(204);
    expect((await api(t.url, 'DELETE', `/api/v1/admin/ingest-keys/${key.body.id}`, { token: adminToken })).status).toBe(204);
    const roster = await api(t.url, 'PUT', '/api/v1/roster', { token: adminToken, body: { date: '2026-11-23', entries: [{ agentId: 'a1', teamId: 't1', shiftStart: '08:00', shiftEnd: '16:00' }] } });
    expect(roster.status).toBe(200);
    const leadAgain = await login(t.url, 'lead', 'lead-password-2');
    expect((await api(t.url, 'GET', '/api/v1/me', { token: lead })).status).toBe(401); // the reset ended the old session
    const plan = await api(t.url, 'PUT', '/api/v1/teams/t1/break-plan', { token: leadAgain, body: { date: '2026-11-23', slots: [{ agentId: 'a1', type: 'short_break', start: '11:00', end: '11:05' }] } });
    expect(plan.status, plan.text).toBe(200);
    expect((await api(t.url, 'POST', '/api/v1/me/password', { token: leadAgain, body: { currentPassword: 'lead-password-2', newPassword: 'lead-password-3' } })).status).toBe(204);
    secrets.push('lead-password-3');

    const entries = await all();
    expect(entries.map((e) => `${e.actor.name} ${e.action} ${e.target}`)).toEqual([
      'admin user.create users/lead',
      'admin user.update+password-reset users/lead',
      `admin display-token.create display-tokens/${tv.body.id}`,
      `admin ingest-key.create ingest-keys/${key.body.id}`,
      `admin display-token.revoke display-tokens/${tv.body.id}`,
      `admin ingest-key.revoke ingest-keys/${key.body.id}`,
      'admin roster.put roster/2026-11-23',
      expect.stringMatching(/^lead break-plan\.\S+ teams\/t1\/break-plan/),
      'lead user.password-change users/lead',
    ]);
    const update = entries[1]!;
    expect(update).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/), actor: { name: 'admin', role: 'admin' }, at: new Date(T0 + 1000).toISOString() });
    expect((update.before as { scope: unknown }).scope).toEqual({ teams: ['t1'], queues: null });
    expect((update.after as { scope: unknown }).scope).toEqual({ teams: ['t1', 't2'], queues: null });
    expect(entries[0]!.before).toBeNull();
    expect(entries[4]!.after).toBeNull();
  });

  it('never stores a secret: not in the audit documents, nor anywhere in the store', async () => {
    const docs: string[] = [];
    for (const k of await store.keys('')) docs.push(JSON.stringify(await store.get(k)));
    const everything = docs.join('\n');
    for (const s of secrets.filter((x) => !x.startsWith('fbs_'))) expect(everything).not.toContain(s);
    // The signing secret has to stay with its key to verify signatures, but never reaches the audit log.
    const auditDocs: string[] = [];
    for (const k of await store.keys(AUDIT)) auditDocs.push(JSON.stringify(await store.get(k)));
    for (const s of secrets) expect(auditDocs.join('\n')).not.toContain(s);
    expect(redactSecrets({ name: 'x', password: 'p', nested: { signingSecret: 's', token: 't', list: [{ passwordHash: 'h' }] } }))
      .toEqual({ name: 'x', password: '[redacted]', nested: { signingSecret: '[redacted]', token: '[redacted]', list: [{ passwordHash: '[redacted]' }] } });
  });

  it('pages newest first with a cursor, filters, and exports CSV (admins only)', async () => {
    const first = await api(t.url, 'GET', '/api/v1/admin/audit?limit=4', { token: adminToken });
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(9);
    expect(first.body.entries).toHaveLength(4);
    expect(first.body.entries[0].action).toBe('user.password-change');
    const second = await api(t.url, 'GET', `/api/v1/admin/audit?limit=4&cursor=${first.body.nextCursor}`, { token: adminToken });
    const third = await api(t.url, 'GET', `/api/v1/admin/audit?limit=4&cursor=${second.body.nextCursor}`, { token: adminToken });
    expect(third.body.entries).toHaveLength(1);
    expect(third.body.nextCursor).toBeNull();
    const ids = [...first.body.entries, ...second.body.entries, ...third.body.entries].map((e: AuditEntry) => e.id);
    expect(new Set(ids).size).toBe(9);
    expect([...ids].sort().reverse()).toEqual(ids);
    const users = await api(t.url, 'GET', '/api/v1/admin/audit?action=user', { token: adminToken });
    expect(users.body.entries.map((e: AuditEntry) => e.action)).toEqual(['user.password-change', 'user.update+password-reset', 'user.create']);
    expect((await api(t.url, 'GET', '/api/v1/admin/audit?limit=0', { token: adminToken })).body.error.issues[0].path).toBe('query.limit');

    const csv = await api(t.url, 'GET', '/api/v1/admin/audit.csv', { token: adminToken });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,role,ip,action,target,before,after');
    expect(lines).toHaveLength(10);
    expect(lines[1]).toContain('"user.create"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('a stand-alone AuditLog keeps the newest entries when trimmed', async () => {
    const log = new AuditLog(new MemoryConfigStore(), () => T0, 3);
    for (let i = 0; i < 5; i++) await log.record({ actor: { name: 'x', role: 'admin' }, action: 'thing.change', target: `t/${i}`, after: { i } });
    expect(await log.trim()).toBe(2);
    const page = await log.page({ limit: 10 });
    expect(page.entries.map((e) => e.target)).toEqual(['t/4', 't/3', 't/2']);
  });
});
