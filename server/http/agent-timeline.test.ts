import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentTimelineSchema } from '../../shared/agent-timeline.ts';
import { ErrorBodySchema } from '../../shared/errors.ts';
import { api, createUser, login } from '../test-support/http-client.ts';
import { postEvents, startTestApp, TEST_SECRETS, type TestApp } from '../test-support/test-app.ts';

const DAY = '2026-03-10';
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`);
const MIDNIGHT = Date.parse(`${DAY}T00:00:00+08:00`);

let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await startTestApp({ now: at('10:30') });
  admin = await login(t.url);
});
afterEach(async () => { await t.close(); });

const timeline = (agentId: string, token?: string) => api(t.url, 'GET', `/api/v1/agents/${agentId}/timeline`, token ? { token } : {});

describe('GET /api/v1/agents/:agentId/timeline', () => {
  it("answers today's state changes from the state in force at midnight", async () => {
    const posted = await postEvents(t.url, [
      { id: 'e1', ts: Date.parse('2026-03-09T22:00:00+08:00'), type: 'agent.login', agentId: 'a1', teamId: 't1' },
      { id: 'e2', ts: Date.parse('2026-03-09T22:00:01+08:00'), type: 'agent.state', agentId: 'a1', state: 'available' },
      { id: 'e3', ts: at('08:00'), type: 'agent.state', agentId: 'a1', state: 'break', reason: 'short_break' },
      { id: 'e4', ts: at('08:07'), type: 'agent.state', agentId: 'a1', state: 'available' },
    ]);
    expect(posted.status).toBe(202);
    await new Promise((r) => setTimeout(r, 100));
    const r = await timeline('a1', admin);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = AgentTimelineSchema.parse(r.body);
    expect(body).toMatchObject({ agentId: 'a1', day: DAY, asOf: at('10:30'), scheduled: [], shiftStart: null, shiftEnd: null });
    expect(body.stateChanges).toEqual([
      { at: MIDNIGHT, state: 'available', reason: null },
      { at: at('08:00'), state: 'break', reason: 'short_break' },
      { at: at('08:07'), state: 'available', reason: null },
    ]);
  });

  it('answers the scheduled activities of the roster of today', async () => {
    const put = await api(t.url, 'PUT', '/api/v1/roster', {
      token: admin,
      body: { date: DAY, entries: [{ agentId: 'a2', teamId: 't1', shiftStart: '08:00', shiftEnd: '16:00', activities: [{ type: 'short_break', start: '10:00', end: '10:10' }, { type: 'training', start: '13:00', end: '14:00' }] }] },
    });
    expect(put.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    const r = await timeline('a2', admin);
    expect(r.status).toBe(200);
    const body = AgentTimelineSchema.parse(r.body);
    expect(body.shiftStart).toBe(at('08:00'));
    expect(body.shiftEnd).toBe(at('16:00'));
    expect(body.scheduled).toEqual([
      { type: 'work', start: at('08:00'), end: at('10:00') },
      { type: 'short_break', start: at('10:00'), end: at('10:10') },
      { type: 'work', start: at('10:10'), end: at('13:00') },
      { type: 'training', start: at('13:00'), end: at('14:00') },
      { type: 'work', start: at('14:00'), end: at('16:00') },
    ]);
    // Rostered but not seen yet: offline since midnight.
    expect(body.stateChanges).toEqual([{ at: MIDNIGHT, state: 'offline', reason: null }]);
  });

  it('404 for an unknown agent, 403 outside the scope, display tokens and anonymous callers denied', async () => {
    await postEvents(t.url, [{ id: 'e1', ts: at('09:00'), type: 'agent.login', agentId: 'a1', teamId: 't1' }]);
    await new Promise((r) => setTimeout(r, 100));
    const unknown = await timeline('nobody', admin);
    expect(unknown.status).toBe(404);
    expect(ErrorBodySchema.parse(unknown.body).error.code).toBe('not_found');

    const leadT2 = await createUser(t.url, admin, { username: 'lead-t2', role: 'teamlead', scope: { teams: ['t2'] } });
    const denied = await timeline('a1', leadT2);
    expect(denied.status).toBe(403);
    expect(ErrorBodySchema.parse(denied.body).error.code).toBe('forbidden');

    const leadT1 = await createUser(t.url, admin, { username: 'lead-t1', role: 'teamlead', scope: { teams: ['t1'] } });
    expect((await timeline('a1', leadT1)).status).toBe(200);
    const supervisor = await createUser(t.url, admin, { username: 'sup', role: 'supervisor' });
    expect((await timeline('a1', supervisor)).status).toBe(200);

    expect((await timeline('a1', TEST_SECRETS.displayToken)).status).toBe(403);
    expect((await timeline('a1')).status).toBe(401);
  });
});
