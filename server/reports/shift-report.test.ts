import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShiftReport } from '../../shared/report.ts';
import type { Snapshot } from '../../shared/snapshot.ts';
import { demoRoster } from '../simulator/demo-roster.ts';
import { FloorModel } from '../simulator/floor-model.ts';
import { api, createUser, login } from '../test-support/http-client.ts';
import { startTestApp, TEST_SECRETS, type TestApp } from '../test-support/test-app.ts';
import { reportCsv } from './report-format.ts';

const TZ = 'Asia/Shanghai';
const DATE = '2026-11-23';
const DAY_START = DateTime.fromISO(DATE, { zone: TZ }).toMillis();
const NOW = DAY_START + 18.5 * 3_600_000; // 18:30 local: early shift over, late shift going on

const QUEUE_FIELDS = ['offered', 'answered', 'abandoned', 'shortAbandoned', 'timedOut', 'answeredWithinSl', 'serviceLevel', 'abandonRate', 'answerRate', 'asaSec', 'ahtSec', 'handled', 'transferred', 'transferRate'] as const;
const AGENT_FIELDS = ['name', 'teamId', 'loggedInSec', 'handled', 'success', 'failure', 'cph', 'successRate', 'grade', 'breakSec', 'adherence', 'conformance', 'attendance'] as const;

describe('shift and day reports', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ now: NOW, env: { CENTER_TZ: TZ } });
    admin = await login(t.url);
    // The day's roster, then a simulated day up to now (the simulator's floor follows that roster).
    const roster = await api(t.url, 'PUT', '/api/v1/roster', { token: admin, body: demoRoster(DATE, TZ, 1) });
    expect(roster.status).toBe(200);
    const events = new FloorModel({ startMs: DAY_START, seed: 1, tz: TZ }).advanceTo(NOW);
    for (let i = 0; i < events.length; i += 5000) await t.app.ingest.ingest(events.slice(i, i + 5000));
    expect(await t.app.floor.caughtUp()).toBe(true);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  const report = async (query: string, token = admin) => {
    const r = await api(t.url, 'GET', `/api/v1/reports/shift?${query}`, { token });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    return r.body as ShiftReport;
  };

  it("the day report right after a day of events equals the live snapshot's figures", async () => {
    const snap = (await api(t.url, 'GET', '/api/v1/snapshot', { token: admin })).body as Snapshot;
    const day = await report(`date=${DATE}&shift=day`);
    expect(day.complete).toBe(false);
    expect(day.asOf).toBe(new Date(NOW).toISOString());
    expect(snap.totals.offered).toBeGreaterThan(1000);
    for (const f of QUEUE_FIELDS) expect(day.totals[f], `totals.${f}`).toEqual(snap.totals[f]);
    const snapQueues = snap.queues.filter((q) => q.offered > 0);
    expect(day.queues.map((q) => q.id)).toEqual(snapQueues.map((q) => q.id));
    for (const q of day.queues) {
      const s = snap.queues.find((x) => x.id === q.id)!;
      for (const f of QUEUE_FIELDS) expect(q[f], `queue ${q.id}.${f}`).toEqual(s[f]);
    }
    expect(day.agents.length).toBeGreaterThan(20);
    for (const a of day.agents) {
      const s = snap.agents.find((x) => x.id === a.id);
      expect(s, `agent ${a.id} in the snapshot`).toBeDefined();
      for (const f of AGENT_FIELDS) expect(a[f], `agent ${a.id}.${f}`).toEqual(s![f]);
    }
    for (const team of day.teams) {
      const s = snap.teams.find((x) => x.id === team.id)!;
      expect(team.handled, `team ${team.id}.handled`).toBe(s.handled);
      expect(team.successRate, `team ${team.id}.successRate`).toBe(s.successRate);
      expect(team.cph, `team ${team.id}.cph`).toBe(s.cph);
    }
    // Team adherence is the time-weighted floor figure (all of today, like the live one).
    const withShift = day.teams.filter((x) => x.adherence !== null);
    expect(withShift.length).toBeGreaterThan(0);
    for (const team of withShift) expect(team.adherence).toBeCloseTo(snap.teams.find((x) => x.id === team.id)!.adherence!, 3);
  });

  it('shift windows split the day: early + late (so far) counters add up to the day', async () => {
    const [day, night, early, late] = await Promise.all([report('shift=day'), report('shift=night'), report('shift=early'), report('shift=late')]);
    expect(early.complete).toBe(true);
    expect(night.complete).toBe(true);
    expect(late.complete).toBe(false);
    expect(early.window).toMatchObject({ from: '08:00', to: '16:00' });
    for (const f of ['offered', 'answered', 'abandoned', 'shortAbandoned', 'timedOut', 'answeredWithinSl', 'handled', 'transferred'] as const) {
      expect(night.totals[f] + early.totals[f] + late.totals[f], f).toBe(day.totals[f]);
    }
    expect(early.totals.offered).toBeGreaterThan(0);
    // Per agent: handled calls and logged-in time split the same way (to the 0.1 s rounding).
    for (const a of day.agents) {
      const parts = [night, early, late].map((r) => r.agents.find((x) => x.id === a.id));
      expect(parts.reduce((s, p) => s + (p?.handled ?? 0), 0), `${a.id} handled`).toBe(a.handled);
      expect(Math.abs(parts.reduce((s, p) => s + (p?.loggedInSec ?? 0), 0) - a.loggedInSec)).toBeLessThan(0.35);
    }
    // The early shift's rostered agents are judged on their shift; break usage is reported.
    const rostered = early.agents.filter((a) => a.shift?.start === '08:00');
    expect(rostered.length).toBeGreaterThan(0);
    expect(rostered.some((a) => a.breaks > 0)).toBe(true);
    const teams = early.teams.filter((x) => x.scheduled > 0);
    expect(teams.length).toBeGreaterThan(0);
    for (const team of teams) expect(team.attendanceRate).not.toBeNull();
  });

  it('serves CSV and printable HTML, refuses displays and windows that have not begun, and limits a team lead to their team', async () => {
    const csv = await api(t.url, 'GET', '/api/v1/reports/shift?shift=early&format=csv', { token: admin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain(`floorboard-early-${DATE}.csv`);
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toContain('Shift report');
    expect(lines).toContain('Queues');
    expect(lines.some((l) => l.startsWith('Queue,Offered,Answered'))).toBe(true);
    const zh = await api(t.url, 'GET', '/api/v1/reports/shift?shift=early&format=csv&lang=zh-CN', { token: admin });
    expect(zh.text).toContain('接通率');

    const html = await api(t.url, 'GET', '/api/v1/reports/shift?shift=late&format=html', { token: admin });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toContain('@media print');
    expect(html.text).not.toContain('<script');
    expect(html.text).toContain('still going on');

    expect((await api(t.url, 'GET', '/api/v1/reports/shift?shift=day', { token: TEST_SECRETS.displayToken })).status).toBe(403);
    expect((await api(t.url, 'GET', '/api/v1/reports/shift?shift=day')).status).toBe(401);
    const future = await api(t.url, 'GET', '/api/v1/reports/shift?date=2026-11-24&shift=early', { token: admin });
    expect(future.status).toBe(400);
    expect(future.body.error.issues[0].path).toBe('query.date');
    expect((await api(t.url, 'GET', '/api/v1/reports/shift?shift=lunch', { token: admin })).status).toBe(400);

    const day = await report('shift=day');
    const team = day.teams[0]!.id;
    const lead = await createUser(t.url, admin, { username: 'rep-lead', role: 'teamlead', scope: { teams: [team] } });
    const mine = await report('shift=day', lead);
    expect(mine.teams.map((x) => x.id)).toEqual([team]);
    expect(mine.agents.every((a) => a.teamId === team)).toBe(true);
    expect(mine.totals).toEqual(day.totals); // queues are not limited for this lead
  });

  it('exports the intraday series as CSV, equal to the JSON series', async () => {
    const json = await api(t.url, 'GET', '/api/v1/intraday?interval=60', { token: admin });
    const csv = await api(t.url, 'GET', '/api/v1/reports/intraday.csv?interval=60', { token: admin });
    expect(csv.status).toBe(200);
    const rows = csv.text.trim().split('\r\n');
    expect(rows[0]).toBe('interval_start,offered,answered,abandoned,service_level,asa_sec,agents_logged_in,agents_on_break');
    expect(rows.length - 1).toBe(json.body.points.length);
    const p = json.body.points[10];
    expect(rows[11]).toBe([p.start, p.offered, p.answered, p.abandoned, p.serviceLevel ?? '', p.asaSec ?? '', p.agentsLoggedIn, p.agentsOnBreak].join(','));
  });

  it('CSV cells are defused against formula injection', () => {
    const r = { date: DATE, shift: 'day', tz: TZ, window: { from: '00:00', to: '24:00', start: '', end: '' }, asOf: '', complete: true, generatedAt: '', eventsFolded: 0, center: { slThresholdSec: 20, shortAbandonSec: 5 },
      totals: { offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, timedOut: 0, answeredWithinSl: 0, serviceLevel: null, abandonRate: null, answerRate: null, asaSec: null, ahtSec: null, handled: 0, transferred: 0, transferRate: null },
      queues: [], teams: [],
      agents: [{ id: 'a1', name: '=HYPERLINK("x")', teamId: 't1', shift: null, attendance: 'not_scheduled', adherence: null, conformance: null, loggedInSec: 0, handled: 0, success: 0, failure: 0, cph: null, successRate: null, grade: null, breakSec: 0, breaks: 0, breakOverruns: 0, overrunSec: 0 }],
    } satisfies ShiftReport;
    expect(reportCsv(r)).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
