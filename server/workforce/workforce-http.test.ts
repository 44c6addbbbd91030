import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BreakPlanDoc, BreakPlanPreview } from '../../shared/roster.ts';
import { getSnapshot, postEvents, startTestApp, TEST_SECRETS, type TestApp } from '../test-support/test-app.ts';

const DAY = '2026-03-10';
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm.length === 5 ? `${hhmm}:00` : hhmm}+08:00`);

let t: TestApp;
let admin: string;

async function login(username: string, password: string): Promise<string> {
  const res = await fetch(`${t.url}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function call(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

const roster = () => ({
  date: DAY,
  entries: [
    { agentId: 'a1', teamId: 't1', shiftStart: '08:00', shiftEnd: '16:00', activities: [{ type: 'short_break', start: '10:30', end: '10:35' }, { type: 'meal', start: '12:00', end: '12:30' }] },
    { agentId: 'a2', teamId: 't1', shiftStart: '08:00', shiftEnd: '16:00', activities: [{ type: 'short_break', start: '11:00', end: '11:05' }, { type: 'training', start: '13:00', end: '13:30' }] },
    { agentId: 'a3', teamId: 't2', shiftStart: '00:00', shiftEnd: '08:00', activities: [] },
    { agentId: 'a4', teamId: 't2', shiftStart: '16:00', shiftEnd: '24:00', activities: [] },
  ],
});

beforeEach(async () => {
  t = await startTestApp({ now: at('10:00') });
  admin = await login('admin', TEST_SECRETS.adminPassword);
});
afterEach(async () => { await t.close(); });

describe('PUT/GET /api/v1/roster', () => {
  it('stores a day (24:00 and the night shift included), reads it back, and the floor uses it', async () => {
    const put = await call('PUT', '/api/v1/roster', admin, roster());
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ date: DAY, entries: 4, updatedBy: 'admin' });
    const got = await call('GET', `/api/v1/roster?date=${DAY}`, admin);
    expect(got.status).toBe(200);
    expect(got.body.entries).toEqual(roster().entries);

    await postEvents(t.url, [{ id: 'l1', ts: at('07:59'), type: 'agent.login', agentId: 'a1', teamId: 't1' }]);
    await new Promise((r) => setTimeout(r, 100));
    const snap = await getSnapshot(t.url);
    const byId = new Map(snap.agents.map((a) => [a.id, a]));
    expect(byId.get('a1')).toMatchObject({ attendance: 'on_time', adherence: 1 });
    expect(byId.get('a2')).toMatchObject({ attendance: 'absent', state: 'offline', adherence: 0 });
    expect(byId.get('a4')?.attendance).toBe('upcoming');
    expect(snap.teams.find((x) => x.id === 't1')).toMatchObject({ scheduledNow: 2, attendanceRate: 0.5 });
  });

  it('rejects invalid input with every field error and applies nothing', async () => {
    expect((await call('PUT', '/api/v1/roster', admin, roster())).status).toBe(200);
    const bad = {
      date: '2026-02-30',
      entries: [
        { agentId: 'a 1', teamId: 't1', shiftStart: '8:00', shiftEnd: '16:00', activities: [] },
        { agentId: 'a2', teamId: 't1', shiftStart: '16:00', shiftEnd: '08:00', activities: [] },
      ],
    };
    const r1 = await call('PUT', '/api/v1/roster', admin, bad);
    expect(r1.status).toBe(400);
    expect(r1.body.error.code).toBe('validation_failed');
    expect(r1.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['date', 'entries[0].agentId', 'entries[0].shiftStart']);

    const overlapping = roster();
    overlapping.date = DAY;
    overlapping.entries[0]!.activities.push({ type: 'meeting', start: '12:15', end: '12:45' }, { type: 'short_break', start: '15:58', end: '16:03' });
    overlapping.entries[1]!.activities.push({ type: 'short_break', start: '14:00', end: '13:55' });
    overlapping.entries.push({ ...overlapping.entries[3]!, shiftStart: '18:00', shiftEnd: '17:00' });
    const r2 = await call('PUT', '/api/v1/roster', admin, overlapping);
    expect(r2.status).toBe(400);
    expect(r2.body.error.issues).toEqual([
      { path: 'entries[0].activities[2]', message: '12:15–12:45 overlaps activities[1] (12:00–12:30)' },
      { path: 'entries[0].activities[3]', message: '15:58–16:03 is outside the shift' },
      { path: 'entries[1].activities[2].end', message: 'end 13:55 must be after start 14:00' },
      { path: 'entries[4].agentId', message: 'agent a4 is already in entries[3]; one shift per agent per day' },
      { path: 'entries[4].shiftEnd', message: 'shift end 17:00 must be after its start 18:00 (a shift crossing midnight is entered as two days)' },
    ]);
    expect((await call('GET', `/api/v1/roster?date=${DAY}`, admin)).body.entries).toEqual(roster().entries);
    expect((await call('PUT', '/api/v1/roster', admin, '{"date":')).status).toBe(400);
    expect((await call('GET', '/api/v1/roster?date=2026-13-01', admin)).status).toBe(400);
    expect((await call('GET', '/api/v1/roster?date=2026-03-11', admin)).status).toBe(404);
  });

  it('needs a supervisor or admin to write, a person to read', async () => {
    expect((await call('PUT', '/api/v1/roster', null, roster())).status).toBe(401);
    expect((await call('PUT', '/api/v1/roster', TEST_SECRETS.displayToken, roster())).status).toBe(403);
    expect((await call('GET', `/api/v1/roster?date=${DAY}`, TEST_SECRETS.displayToken)).status).toBe(403);
    expect((await call('POST', '/api/v1/admin/users', admin, { username: 'lead1', password: 'lead-password-1', role: 'teamlead', scope: { teams: ['t1'], queues: null } })).status).toBe(201);
    const lead = await login('lead1', 'lead-password-1');
    expect((await call('PUT', '/api/v1/roster', lead, roster())).status).toBe(403);
    expect((await call('PUT', '/api/v1/roster', admin, roster())).status).toBe(200);
    const mine = await call('GET', `/api/v1/roster?date=${DAY}`, lead);
    expect(mine.body.entries.map((e: { agentId: string }) => e.agentId)).toEqual(['a1', 'a2']);
  });
});

describe('break plans', () => {
  /** Calls on q1 answered by t1's agents, so the team's queue, arrival rate and AHT are known. */
  async function traffic(): Promise<void> {
    const events: unknown[] = [
      { id: 'l1', ts: at('07:59'), type: 'agent.login', agentId: 'a1', teamId: 't1' },
      { id: 'l2', ts: at('07:59'), type: 'agent.login', agentId: 'a2', teamId: 't1' },
    ];
    for (let i = 0; i < 40; i++) {
      const q = at('09:20') + i * 60_000;
      const agent = i % 2 === 0 ? 'a1' : 'a2';
      events.push(
        { id: `q${i}`, ts: q, type: 'call.queued', callId: `c${i}`, queueId: 'q1' },
        { id: `a${i}`, ts: q + 5_000, type: 'call.answered', callId: `c${i}`, queueId: 'q1', agentId: agent },
        { id: `e${i}`, ts: q + 50_000, type: 'call.ended', callId: `c${i}`, agentId: agent },
        { id: `s${i}`, ts: q + 55_000, type: 'agent.state', agentId: agent, state: 'available' },
      );
    }
    expect((await postEvents(t.url, events)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1200)); // a projector frame, so the queue's AHT is published
  }

  it('defaults to the roster\'s breaks, validates a PUT, stores it with an audit entry and feeds the floor', async () => {
    await call('PUT', '/api/v1/roster', admin, roster());
    const plan = await call('GET', '/api/v1/teams/t1/break-plan', admin);
    expect(plan.status).toBe(200);
    expect(plan.body as BreakPlanDoc).toMatchObject({ teamId: 't1', date: DAY, source: 'roster' });
    expect(plan.body.slots).toEqual([
      { agentId: 'a1', type: 'short_break', start: '10:30', end: '10:35' },
      { agentId: 'a1', type: 'meal', start: '12:00', end: '12:30' },
      { agentId: 'a2', type: 'short_break', start: '11:00', end: '11:05' },
    ]);
    expect(plan.body.shifts[1].activities).toEqual([{ type: 'training', start: '13:00', end: '13:30' }]);

    const bad = await call('PUT', '/api/v1/teams/t1/break-plan', admin, { slots: [
      { agentId: 'a1', type: 'short_break', start: '08:10', end: '08:15' },
      { agentId: 'a2', type: 'short_break', start: '13:10', end: '13:15' },
      { agentId: 'a3', type: 'short_break', start: '09:00', end: '09:05' },
      { agentId: 'a1', type: 'nap', start: '9:00', end: '09:05' },
    ] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['slots[3].type', 'slots[3].start']);
    const bad2 = await call('PUT', '/api/v1/teams/t1/break-plan', admin, { slots: [
      { agentId: 'a1', type: 'short_break', start: '08:10', end: '08:15' },
      { agentId: 'a2', type: 'short_break', start: '13:10', end: '13:15' },
      { agentId: 'a3', type: 'short_break', start: '09:00', end: '09:05' },
      { agentId: 'a1', type: 'short_break', start: '15:50', end: '16:05' },
    ] });
    expect(bad2.status).toBe(400);
    expect(bad2.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['slots[0].start', 'slots[1]', 'slots[2].agentId', 'slots[3]']);
    expect((await call('GET', '/api/v1/teams/t1/break-plan', admin)).body.source).toBe('roster');
    expect((await call('GET', '/api/v1/teams/bad%20id/break-plan', admin)).status).toBe(400);

    const moved = { slots: [{ agentId: 'a1', type: 'short_break', start: '10:05', end: '10:10' }, { agentId: 'a1', type: 'meal', start: '12:00', end: '12:30' }, { agentId: 'a2', type: 'short_break', start: '11:00', end: '11:05' }] };
    const ok = await call('PUT', '/api/v1/teams/t1/break-plan', admin, moved);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ source: 'saved', updatedBy: 'admin', slots: moved.slots });
    const audit = await call('GET', '/api/v1/admin/audit', admin);
    const entry = audit.body.entries.find((e: { action: string }) => e.action === 'break-plan.put');
    expect(entry).toMatchObject({ actor: { name: 'admin' }, target: `teams/t1/break-plan/${DAY}` });
    expect(entry.before.slots[0].start).toBe('10:30');
    expect(entry.after.slots[0].start).toBe('10:05');

    // The floor follows the plan: a1 working through 10:05–10:10 misses the (moved) break.
    await postEvents(t.url, [{ id: 'l1', ts: at('07:59'), type: 'agent.login', agentId: 'a1', teamId: 't1' }]);
    t.clock.now = at('10:20:01');
    await new Promise((r) => setTimeout(r, 1200));
    const snap = await getSnapshot(t.url);
    expect(snap.alerts.map((a) => `${a.rule}:${a.agentId}`)).toContain('break_not_taken:a1');
  });

  it('previews a change: SL and ASA per interval with and without it, warning below target', async () => {
    await call('PUT', '/api/v1/roster', admin, roster());
    await traffic();
    t.clock.now = at('10:00');
    const proposal = { slots: [{ agentId: 'a1', type: 'short_break', start: '10:45', end: '10:50' }, { agentId: 'a1', type: 'meal', start: '12:00', end: '12:30' }, { agentId: 'a2', type: 'short_break', start: '10:45', end: '10:50' }] };
    const res = await call('POST', '/api/v1/teams/t1/break-plan/preview', admin, proposal);
    expect(res.status).toBe(200);
    const p = res.body as BreakPlanPreview;
    expect(p.inputs).toEqual([{ queueId: 'q1', callsPerHour: 60, ahtSec: 45 }]); // 30 calls in 09:30–10:00; talk 45 s
    expect(p.inputs).toHaveLength(1);
    // 10:30 (a1's break leaves) and 10:45 (both away at once; a2's 11:00 break gone) change.
    expect(p.intervals.map((i) => i.start)).toEqual([new Date(at('10:30')).toISOString(), new Date(at('10:45')).toISOString(), new Date(at('11:00')).toISOString()]);
    const i1045 = p.intervals[1]!;
    expect(i1045.staffedAfter).toBeLessThan(i1045.staffedBefore);
    expect(i1045.slAfter!).toBeLessThan(i1045.slBefore!);
    for (const i of p.intervals) expect(i.warn).toBe(i.slAfter !== null && i.slAfter < p.slTarget);
    // Nothing was stored.
    expect((await call('GET', '/api/v1/teams/t1/break-plan', admin)).body.source).toBe('roster');
  });

  it('send next break now respects the projection; hold moves the coming breaks', async () => {
    await call('PUT', '/api/v1/roster', admin, roster());
    await traffic();
    t.clock.now = at('10:00');
    const sent = await call('POST', '/api/v1/teams/t1/break-plan/send-next', admin, {});
    expect(sent.status).toBe(200);
    // 1 call/min × 45 s = 0.75 Erlang: one agent alone answers only ~33 % within 20 s, so it is refused.
    expect(sent.body).toMatchObject({ applied: false, reason: 'sl_below_target', plan: null });
    expect((sent.body.preview as BreakPlanPreview).warn).toBe(true);
    expect(sent.body.moved[0]).toMatchObject({ agentId: 'a1', from: '10:30–10:35', to: '10:00–10:05' });
    const forced = await call('POST', '/api/v1/teams/t1/break-plan/send-next', admin, { force: true });
    expect(forced.body.applied).toBe(true);
    expect(forced.body.plan.slots[0]).toMatchObject({ agentId: 'a1', start: '10:00', end: '10:05' });

    t.clock.now = at('10:50');
    const held = await call('POST', '/api/v1/teams/t1/break-plan/hold', admin, { minutes: 15 });
    expect(held.status).toBe(200);
    expect(held.body.moved).toEqual([{ agentId: 'a2', from: '11:00–11:05', to: '11:05–11:10' }]);
    expect((await call('POST', '/api/v1/teams/t1/break-plan/hold', admin, { minutes: 500 })).status).toBe(400);
  });

  it('a team lead edits only their own team', async () => {
    await call('PUT', '/api/v1/roster', admin, roster());
    await call('POST', '/api/v1/admin/users', admin, { username: 'lead1', password: 'lead-password-1', role: 'teamlead', scope: { teams: ['t1'], queues: null } });
    const lead = await login('lead1', 'lead-password-1');
    expect((await call('GET', '/api/v1/teams/t1/break-plan', lead)).status).toBe(200);
    expect((await call('GET', '/api/v1/teams/t2/break-plan', lead)).status).toBe(403);
    const slots = (await call('GET', '/api/v1/teams/t1/break-plan', lead)).body.slots;
    expect((await call('PUT', '/api/v1/teams/t1/break-plan', lead, { slots })).status).toBe(200);
    expect((await call('PUT', '/api/v1/teams/t2/break-plan', lead, { slots: [] })).status).toBe(403);
    expect((await call('PUT', '/api/v1/teams/t1/break-plan', TEST_SECRETS.displayToken, { slots })).status).toBe(403);
  });
});
