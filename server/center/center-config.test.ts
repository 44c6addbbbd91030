import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createUser, login } from '../test-support/http-client.ts';
import { getSnapshot, postEvents, startTestApp, TEST_SECRETS, type TestApp } from '../test-support/test-app.ts';

const T0 = Date.parse('2026-03-10T10:00:00+08:00');
let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await startTestApp({ now: T0 });
  admin = await login(t.url);
});
afterEach(async () => { await t.close(); });

async function folded(count: number): Promise<void> {
  const start = Date.now();
  while (t.app.floor.engine.eventsApplied < count) {
    if (Date.now() - start > 5000) throw new Error('events not folded');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('center configuration API', () => {
  it('answers the configuration to dashboard roles and refuses changes from anyone but an admin', async () => {
    const display = await api(t.url, 'GET', '/api/v1/config/center', { token: TEST_SECRETS.displayToken });
    expect(display.status).toBe(200);
    expect(display.body).toMatchObject({ queues: [], teams: [], builtin: { slThresholdSec: 20, slTarget: 0.8, thresholds: { serviceLevel: { amber: 0.8, red: 0.7 } } } });
    const sup = await createUser(t.url, admin, { username: 'sup1', role: 'supervisor' });
    expect((await api(t.url, 'GET', '/api/v1/config/center', { token: sup })).status).toBe(200);
    expect((await api(t.url, 'PUT', '/api/v1/config/queues/sales', { token: sup, body: { name: 'Sales' } })).status).toBe(403);
    expect((await api(t.url, 'PUT', '/api/v1/config/queues/sales', { token: TEST_SECRETS.displayToken, body: { name: 'Sales' } })).status).toBe(403);
    expect((await api(t.url, 'PUT', '/api/v1/config/queues/sales', { body: { name: 'Sales' } })).status).toBe(401);
  });

  it('rejects a bad configuration with every field path and applies nothing', async () => {
    const bad = await api(t.url, 'PUT', '/api/v1/config/center', {
      token: admin,
      body: {
        queues: [
          { id: 'sales', name: '', thresholds: { serviceLevel: { amber: 0.7, red: 0.8 } } },
          { id: 'sales', name: 'Again', slTarget: 1.5 },
        ],
        teams: [{ id: 't1', name: 'North', thresholds: { adherence: { amber: 2, red: 0.5 } } }],
      },
    });
    expect(bad.status).toBe(400);
    const paths = (bad.body.error.issues as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual(['queues[0].name', 'queues[0].thresholds.serviceLevel.red', 'queues[1].id', 'queues[1].slTarget', 'teams[0].thresholds.adherence.amber'].sort());
    expect((await api(t.url, 'GET', '/api/v1/config/center', { token: admin })).body.queues).toEqual([]);
    const badQueue = await api(t.url, 'PUT', '/api/v1/config/queues/sales', { token: admin, body: { name: 'Sales', thresholds: { longestWaitSec: { amber: 0, red: 30 } } } });
    expect(badQueue.status).toBe(400);
    expect(badQueue.body.error.issues[0].path).toBe('thresholds.longestWaitSec.amber');
  });

  it('names queues and teams on the floor, uses per-queue thresholds and SL threshold, and audits each change', async () => {
    const ts = (sec: number) => T0 - 100_000 + sec * 1000;
    const r = await postEvents(t.url, [
      { id: 'l1', ts: ts(0), type: 'agent.login', agentId: 'a1', teamId: 't1' },
      { id: 'q1', ts: ts(1), type: 'call.queued', callId: 'c1', queueId: 'sales' },
      { id: 'n1', ts: ts(26), type: 'call.answered', callId: 'c1', queueId: 'sales', agentId: 'a1' },
      { id: 'q2', ts: T0 - 40_000, type: 'call.queued', callId: 'c2', queueId: 'sales' },
    ]);
    expect(r.status).toBe(202);
    await folded(4);
    let snap = await getSnapshot(t.url);
    let sales = snap.queues.find((q) => q.id === 'sales')!;
    expect(sales.name).toBeUndefined();
    expect(sales.answeredWithinSl).toBe(0); // 25 s wait, default threshold 20 s
    expect(sales.severity.longestWaitSec).toBe('ok'); // 40 s < 60 s
    expect(snap.alerts.some((a) => a.rule === 'long_wait')).toBe(false);

    const put = await api(t.url, 'PUT', '/api/v1/config/queues/sales', { token: admin, body: { name: 'Sales hotline', slThresholdSec: 30, slTarget: 0.9, thresholds: { longestWaitSec: { amber: 30, red: 90 } } } });
    expect(put.status).toBe(200);
    expect((await api(t.url, 'PUT', '/api/v1/config/teams/t1', { token: admin, body: { name: 'North', thresholds: { adherence: { amber: 0.95, red: 0.85 } } } })).status).toBe(200);

    snap = await getSnapshot(t.url);
    sales = snap.queues.find((q) => q.id === 'sales')!;
    expect(sales).toMatchObject({ name: 'Sales hotline', slThresholdSec: 30, slTarget: 0.9, answeredWithinSl: 1, thresholds: { longestWaitSec: { amber: 30, red: 90 } } });
    expect(sales.severity.longestWaitSec).toBe('amber');
    expect(snap.alerts.find((a) => a.rule === 'long_wait')).toMatchObject({ queueId: 'sales', severity: 'amber', since: T0 - 40_000 + 30_000 });
    expect(snap.teams.find((x) => x.id === 't1')).toMatchObject({ name: 'North', thresholds: { adherence: { amber: 0.95, red: 0.85 } } });

    const defaults = await api(t.url, 'PUT', '/api/v1/config/defaults', { token: admin, body: { slTarget: 0.85, thresholds: { abandonRate: { amber: 0.03, red: 0.06 } } } });
    expect(defaults.status).toBe(200);
    snap = await getSnapshot(t.url);
    expect(snap.center).toMatchObject({ slTarget: 0.85, thresholds: { abandonRate: { amber: 0.03, red: 0.06 } } });

    const audit = await api(t.url, 'GET', '/api/v1/admin/audit?action=center-config.queue.put', { token: admin });
    expect(audit.body.entries).toHaveLength(1);
    expect(audit.body.entries[0]).toMatchObject({ actor: { name: 'admin' }, target: 'config/queues/sales', after: { queues: [{ id: 'sales', name: 'Sales hotline' }] } });

    // Back to the default SL threshold: the answer at 25 s no longer counts within SL.
    expect((await api(t.url, 'DELETE', '/api/v1/config/queues/sales', { token: admin })).status).toBe(200);
    expect((await api(t.url, 'DELETE', '/api/v1/config/queues/sales', { token: admin })).status).toBe(404);
    sales = (await getSnapshot(t.url)).queues.find((q) => q.id === 'sales')!;
    expect(sales.name).toBeUndefined();
    expect(sales.answeredWithinSl).toBe(0);
  });

  it('a scoped supervisor reads only their own teams and queues; the demo seed never overwrites', async () => {
    await api(t.url, 'PUT', '/api/v1/config/center', { token: admin, body: { queues: [{ id: 'q1', name: 'One' }, { id: 'q2', name: 'Two' }], teams: [{ id: 't1', name: 'T one' }, { id: 't2', name: 'T two' }] } });
    const sup = await createUser(t.url, admin, { username: 'sup2', role: 'supervisor', scope: { teams: ['t2'], queues: ['q2'] } });
    const got = await api(t.url, 'GET', '/api/v1/config/center', { token: sup });
    expect(got.body.queues).toEqual([{ id: 'q2', name: 'Two' }]);
    expect(got.body.teams).toEqual([{ id: 't2', name: 'T two' }]);
    const seeded = await t.app.centerConfig.seed({ defaults: {}, queues: [{ id: 'q1', name: 'Demo' }], teams: [] }, { actor: { name: 'simulator', role: 'admin' }, ip: null });
    expect(seeded).toBe(false);
    expect((await api(t.url, 'GET', '/api/v1/config/center', { token: admin })).body.queues[0].name).toBe('One');
  });
});
