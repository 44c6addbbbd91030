import { describe, expect, it } from 'vitest';
import type { RosterEntry } from '../../shared/roster.ts';
import { FloorProjector } from '../engine/projector.ts';
import { at, DAY, eventFactory, MIN, newEngine, SEC, TZ } from '../engine/test-events.ts';
import { changesView } from '../engine/timeline.ts';
import { adherenceOf, type Change, type TimelineView } from './adherence.ts';
import { attendanceOf } from './attendance.ts';
import { breakRuleAlerts } from './break-rules.ts';
import { localInstant, planIssues, resolveEntry, rosterIssues, segmentsOf } from './roster.ts';

const GRACE = 180 * SEC;
const entry = (over: Partial<RosterEntry> = {}): RosterEntry => ({ agentId: 'a1', teamId: 't1', shiftStart: '08:00', shiftEnd: '16:00', activities: [], ...over });
const segs = (e: RosterEntry, day = DAY) => segmentsOf(resolveEntry(TZ, day, e));
const tl = (...changes: [string, Change['state'], string?][]) => changesView(changes.map(([t, state, reason]) => ({ at: at(t), state, reason: reason ?? null })));
const dayStart = at('00:00');

describe('roster validation', () => {
  it('accepts the three default shifts, 24:00 and the night shift', () => {
    const r = { date: DAY, entries: [entry(), entry({ agentId: 'a2', shiftStart: '16:00', shiftEnd: '24:00' }), entry({ agentId: 'a3', shiftStart: '00:00', shiftEnd: '08:00', activities: [{ type: 'short_break', start: '07:00', end: '07:05' }] })] };
    expect(rosterIssues(r)).toEqual([]);
    expect(localInstant(TZ, DAY, '24:00')).toBe(at('00:00', '2026-03-11'));
  });

  it('reports every problem with its path', () => {
    const r = {
      date: DAY,
      entries: [
        entry({ activities: [{ type: 'short_break', start: '09:00', end: '09:10' }, { type: 'meal', start: '09:05', end: '09:35' }, { type: 'meeting', start: '15:50', end: '16:30' }, { type: 'training', start: '11:00', end: '10:00' }] }),
        entry({ shiftStart: '16:00', shiftEnd: '08:00' }),
      ],
    };
    expect(rosterIssues(r).map((i) => i.path)).toEqual(['entries[0].activities[1]', 'entries[0].activities[2]', 'entries[0].activities[3].end', 'entries[1].agentId', 'entries[1].shiftEnd']);
  });

  it('checks a break plan: inside the shift, not in its first 30 minutes, no overlaps', () => {
    const entries = new Map([['a1', entry({ activities: [{ type: 'training', start: '10:00', end: '10:30' }] })]]);
    const issues = planIssues([
      { agentId: 'a1', type: 'short_break', start: '08:20', end: '08:25' },
      { agentId: 'a1', type: 'short_break', start: '10:20', end: '10:25' },
      { agentId: 'a1', type: 'meal', start: '12:00', end: '12:30' },
      { agentId: 'a1', type: 'short_break', start: '12:25', end: '12:30' },
      { agentId: 'a1', type: 'short_break', start: '15:58', end: '16:03' },
      { agentId: 'zz', type: 'short_break', start: '09:00', end: '09:05' },
    ], entries);
    expect(issues.map((i) => i.path)).toEqual(['slots[0].start', 'slots[1]', 'slots[3]', 'slots[4]', 'slots[5].agentId']);
  });
});

describe('adherence', () => {
  const e = entry({ activities: [{ type: 'short_break', start: '09:00', end: '09:05' }] });

  it('is null before the shift starts and counts nothing outside it', () => {
    const r = adherenceOf(segs(e), tl(['07:50', 'available']), dayStart, at('07:59'), GRACE);
    expect(r.adherence).toBeNull();
    expect(r.nextBoundary).toBe(at('08:00'));
  });

  it('forgives a stretch shorter than the grace, counts a longer one whole', () => {
    // Signed in 2:59 late: in adherence; 3:00 late: the whole 3 minutes are out.
    const short = adherenceOf(segs(e), tl(['08:02:59', 'available']), dayStart, at('08:30'), GRACE);
    expect(short.adherence).toBe(1);
    const long = adherenceOf(segs(e), tl(['08:03', 'available']), dayStart, at('08:30'), GRACE);
    expect(long.inMs).toBe(27 * MIN);
    expect(long.adherence).toBeCloseTo(27 / 30, 10);
  });

  it('judges a stretch still going on by its length so far', () => {
    const timeline = tl(['07:55', 'available'], ['08:10', 'away']);
    const during = adherenceOf(segs(e), timeline, dayStart, at('08:12'), GRACE);
    expect(during.adherence).toBe(1);
    expect(during.slope.in).toBe(1);
    expect(during.nextBoundary).toBe(at('08:13')); // the grace runs out
    const after = adherenceOf(segs(e), timeline, dayStart, at('08:14'), GRACE);
    expect(after.inMs).toBe(10 * MIN);
    expect(after.slope.in).toBe(0);
  });

  it('matches breaks to break or away and work to the working states', () => {
    const timeline = tl(['07:58', 'available'], ['09:00', 'break', 'short_break'], ['09:05', 'on_call'], ['09:10', 'wrap_up'], ['09:12', 'available']);
    const r = adherenceOf(segs(e), timeline, dayStart, at('10:00'), GRACE);
    expect(r.adherence).toBe(1);
    expect(r.workScheduledMs).toBe(115 * MIN);
    expect(r.workedMs).toBe(122 * MIN - 5 * MIN); // from 07:58, less the break
    expect(r.conformance).toBeCloseTo(117 / 115, 10);
  });

  it('training needs break/away with the reason training', () => {
    const t = entry({ activities: [{ type: 'training', start: '10:00', end: '10:30' }] });
    const wrongReason = adherenceOf(segs(t), tl(['07:58', 'available'], ['10:00', 'break', 'short_break'], ['10:30', 'available']), dayStart, at('11:00'), GRACE);
    expect(wrongReason.inMs).toBe(150 * MIN);
    const right = adherenceOf(segs(t), tl(['07:58', 'available'], ['10:00', 'break', 'training'], ['10:30', 'available']), dayStart, at('11:00'), GRACE);
    expect(right.adherence).toBe(1);
  });

  it('works for the night shift 00:00–08:00 (signed in before midnight)', () => {
    const night = entry({ shiftStart: '00:00', shiftEnd: '08:00', activities: [{ type: 'meal', start: '03:00', end: '03:30' }] });
    const timeline = changesView([{ at: at('23:57', '2026-03-09'), state: 'available', reason: null }, { at: at('03:00'), state: 'break', reason: 'meal' }, { at: at('03:40'), state: 'available', reason: null }]);
    const r = adherenceOf(segs(night), timeline, dayStart, at('08:30'), GRACE);
    expect(r.scheduledMs).toBe(8 * 60 * MIN);
    expect(r.inMs).toBe(8 * 60 * MIN - 10 * MIN); // 03:30–03:40 over the meal
    expect(r.slope.scheduled).toBe(0);
  });

  it('an agent who never signs in has adherence 0 once the grace has passed', () => {
    expect(adherenceOf(segs(e), tl(), dayStart, at('08:02'), GRACE).adherence).toBe(1);
    expect(adherenceOf(segs(e), tl(), dayStart, at('09:00'), GRACE).adherence).toBe(0);
  });

  it('an agent who leaves early is out of adherence for the rest of the shift', () => {
    const r = adherenceOf(segs(e), tl(['07:58', 'available'], ['09:00', 'break'], ['09:05', 'available'], ['15:00', 'offline']), dayStart, at('17:00'), GRACE);
    expect(r.scheduledMs).toBe(8 * 60 * MIN);
    expect(r.inMs).toBe(7 * 60 * MIN);
    expect(r.adherence).toBeCloseTo(7 / 8, 10);
  });
});

describe('attendance ladder', () => {
  const shift = { start: at('08:00'), end: at('16:00') };
  const loginAt = (t: string) => tl([t, 'available']);

  it.each([
    ['07:55', 'on_time'], ['08:03:00', 'on_time'], ['08:03:00.001', 'late'],
    ['08:15:00', 'late'], ['08:15:00.001', 'half_day_absent'],
    ['08:30:00', 'half_day_absent'], ['08:30:00.001', 'absent'],
  ] as const)('first sign-in at %s → %s', (t, status) => {
    expect(attendanceOf(shift, loginAt(t), at('12:00')).status).toBe(status);
  });

  it.each([
    ['07:59', 'upcoming'], ['08:03:00', 'upcoming'], ['08:03:00.001', 'late'], ['08:15:00', 'late'],
    ['08:15:00.001', 'half_day_absent'], ['08:30:00', 'half_day_absent'], ['08:30:00.001', 'absent'], ['17:00', 'absent'],
  ] as const)('no sign-in yet at %s → %s', (now, status) => {
    expect(attendanceOf(shift, tl(), at(now)).status).toBe(status);
  });

  it.each([
    ['15:56', 'on_time'], ['15:55', 'early_leave'], ['15:45', 'early_leave'], ['15:44:59.999', 'half_day_absent'],
    ['15:30', 'half_day_absent'], ['15:29:59.999', 'absent'],
  ] as const)('signed out for good at %s → %s', (t, status) => {
    const timeline = tl(['07:58', 'available'], [t, 'offline']);
    expect(attendanceOf(shift, timeline, at('18:00')).status).toBe(status);
  });

  it('the worse status wins; coming back before the end clears early leave', () => {
    expect(attendanceOf(shift, tl(['08:20', 'available'], ['15:50', 'offline']), at('18:00')).status).toBe('half_day_absent');
    expect(attendanceOf(shift, tl(['08:10', 'available'], ['15:50', 'offline']), at('18:00')).status).toBe('early_leave');
    expect(attendanceOf(shift, tl(['07:58', 'available'], ['15:40', 'offline'], ['15:45', 'available']), at('18:00')).status).toBe('on_time');
  });

  it('counts an agent still signed in at the start of a night shift as on time', () => {
    const night = { start: at('00:00'), end: at('08:00') };
    expect(attendanceOf(night, changesView([{ at: at('23:58', '2026-03-09'), state: 'available', reason: null }]), at('01:00')).status).toBe('on_time');
  });

  it('not scheduled without a shift; upcoming before it; boundaries for the timers', () => {
    expect(attendanceOf(null, tl(), at('09:00')).status).toBe('not_scheduled');
    expect(attendanceOf(shift, tl(), at('07:00'))).toMatchObject({ status: 'upcoming', nextBoundary: at('08:00') });
    expect(attendanceOf(shift, tl(), at('08:01')).nextBoundary).toBe(at('08:03') + 1);
  });
});

describe('break rules', () => {
  const e = entry({ activities: [{ type: 'short_break', start: '09:00', end: '09:05' }, { type: 'meal', start: '12:00', end: '12:30' }] });
  const run = (timeline: TimelineView, now: string, loginSince: string | null = '07:58') =>
    breakRuleAlerts({ agentId: 'a1', teamId: 't1', timeline, loginSince: loginSince === null ? null : at(loginSince), segments: segs(e), now: at(now), graceMs: GRACE });

  it('early_break: a break or away within 30 minutes after sign-in', () => {
    const r = run(tl(['08:10', 'available'], ['08:30', 'away']), '08:31', '08:10');
    expect(r.alerts).toEqual([{ id: 'early_break:a1', rule: 'early_break', severity: 'amber', since: at('08:30'), agentId: 'a1', teamId: 't1' }]);
    expect(run(tl(['08:10', 'available'], ['08:40', 'away']), '08:41', '08:10').alerts).toEqual([]);
    expect(run(tl(['08:10', 'available'], ['08:30', 'away'], ['08:35', 'available']), '08:36', '08:10').alerts).toEqual([]); // cleared
  });

  it('break_during_work: on break while the roster says work, after the grace', () => {
    const timeline = tl(['07:58', 'available'], ['10:00', 'break', 'short_break']);
    expect(run(timeline, '10:02').alerts).toEqual([]);
    expect(run(timeline, '10:02').nextBoundary).toBe(at('10:03'));
    expect(run(timeline, '10:03').alerts.map((a) => [a.rule, a.since])).toEqual([['break_during_work', at('10:00')]]);
    // A scheduled break that runs on into work: the mismatch starts when work starts.
    const over = tl(['07:58', 'available'], ['09:00', 'break', 'short_break']);
    expect(run(over, '09:07').alerts).toEqual([]);
    expect(run(over, '09:08').alerts.map((a) => [a.rule, a.since])).toEqual([['break_during_work', at('09:05')]]);
  });

  it('break_not_taken: the window passed with no break; clears when the agent takes one', () => {
    const worked = tl(['07:58', 'available']);
    expect(run(worked, '09:14').alerts).toEqual([]);
    expect(run(worked, '09:14').nextBoundary).toBe(at('09:15'));
    expect(run(worked, '09:15').alerts.map((a) => [a.rule, a.since])).toEqual([['break_not_taken', at('09:15')]]);
    expect(run(tl(['07:58', 'available'], ['09:20', 'break']), '09:30').alerts.map((a) => a.rule)).not.toContain('break_not_taken');
    // Taken a little early (inside the ±10-minute window): fine.
    expect(run(tl(['07:58', 'available'], ['08:52', 'break'], ['08:57', 'available']), '09:30').alerts).toEqual([]);
    // Signed out: not raised (that is attendance's business).
    expect(run(tl(['07:58', 'available'], ['08:40', 'offline']), '09:30', null).alerts).toEqual([]);
  });
});

describe('engine with a roster', () => {
  it('projects adherence, attendance, team figures and break alerts, and wakes agents at their boundaries', () => {
    const engine = newEngine();
    const projector = new FloorProjector(engine);
    const ev = eventFactory();
    const roster = [
      entry({ agentId: 'a1', activities: [{ type: 'short_break', start: '09:00', end: '09:05' }] }),
      entry({ agentId: 'a2' }),
    ];
    engine.setSchedule(DAY, roster.map((r) => resolveEntry(TZ, DAY, r)));
    engine.apply(ev.login(at('07:58'), 'a1', 't1'));
    projector.delta(at('07:59'));
    let snap = projector.snapshot(at('08:10'));
    const a2 = snap.agents.find((a) => a.id === 'a2')!;
    expect(a2).toMatchObject({ state: 'offline', attendance: 'late', teamId: 't1' }); // a no-show has a row
    expect(snap.agents.find((a) => a.id === 'a1')).toMatchObject({ attendance: 'on_time', adherence: 1 });
    expect(snap.teams.find((t) => t.id === 't1')).toMatchObject({ scheduledNow: 2, attendanceRate: 0.5 });
    expect(snap.teams.find((t) => t.id === 't1')!.adherence).toBeCloseTo((10 + 3 * 0) / 20 + 0.5 * (10 - 10) / 20 + 0.0, 1);

    // Time passes without events: a2's attendance turns at 08:15 through a schedule timer.
    engine.tick(at('08:15:01'));
    expect(engine.dirty.agents.has('a2')).toBe(true);
    const d = projector.delta(at('08:15:01'))!;
    expect(d.agents?.upsert?.find((a) => a.id === 'a2')?.attendance).toBe('half_day_absent');

    // a1 skips the 09:00 break: break_not_taken at 09:15 (window end).
    engine.tick(at('09:15:00'));
    const d2 = projector.delta(at('09:15:00'))!;
    expect(d2.alerts?.upsert?.map((a) => a.rule)).toContain('break_not_taken');
    engine.apply(ev.state(at('09:20'), 'a1', 'break', 'short_break'));
    const d3 = projector.delta(at('09:20:01'))!;
    expect(d3.alerts?.remove).toContain('break_not_taken:a1');
    snap = projector.snapshot(at('09:24'));
    expect(snap.alerts.map((a) => a.rule)).toEqual(['break_during_work']);
  });

  it('a planned meal sets the overrun limit', () => {
    const engine = newEngine();
    const ev = eventFactory();
    engine.setSchedule(DAY, [resolveEntry(TZ, DAY, entry({ activities: [{ type: 'meal', start: '12:00', end: '12:30' }] }))]);
    engine.apply(ev.login(at('07:58'), 'a1', 't1'));
    engine.apply(ev.state(at('12:01'), 'a1', 'break', 'meal'));
    expect(engine.overruns.get('a1')).toBe(at('12:31'));
  });
});
