import type { AgentState, Alert, Attendance } from '../../shared/snapshot.ts';
import type { DayCalendar } from '../engine/calendar.ts';
import type { TimelineView } from '../engine/timeline.ts';
import { TimerQueue } from '../engine/timers.ts';
import { adherenceOf, type AdherenceFigures } from './adherence.ts';
import { attendanceOf, SIGN_IN_GRACE_MS } from './attendance.ts';
import { breakRuleAlerts } from './break-rules.ts';
import { MIN_MS, segmentsOf, type ResolvedShift, type Segment } from './roster.ts';

export interface AgentScheduleFigures {
  adherence: number | null;
  conformance: number | null;
  attendance: Attendance;
}

export interface TeamScheduleFigures { scheduledNow: number; attendanceRate: number | null; adherence: number | null }

/** What the schedule book reads of an agent (its current state began at `stateSince`: the timeline's last change). */
export interface ScheduleAgent { agentId: string; teamId: string; state: AgentState; stateSince: number | null; loginSince: number | null; timeline: TimelineView }
/** What the planned length of a break depends on. */
export interface BreakAgent { agentId: string; state: AgentState; reason: string | null; stateSince: number | null }

/** What one agent adds to its team's (and the floor's) sums: value at the day's offset `rel` = a + b·rel. */
interface Contribution {
  team: string;
  day: string;
  inA: number; inB: number;
  schedA: number; schedB: number;
  counted: number; present: number; inShift: number;
}

interface Sums { inA: number; inB: number; schedA: number; schedB: number; counted: number; present: number; inShift: number }
const emptySums = (): Sums => ({ inA: 0, inB: 0, schedA: 0, schedB: 0, counted: 0, present: 0, inShift: 0 });

interface DayBook {
  shifts: Map<string, ResolvedShift>;
  byTeam: Map<string, string[]>;
}

const NO_ALERTS: Alert[] = [];
const NO_SEGMENTS: Segment[] = [];
const UNSCHEDULED: AdherenceFigures = {
  scheduledMs: 0, inMs: 0, workScheduledMs: 0, workedMs: 0, adherence: null, conformance: null,
  slope: { scheduled: 0, in: 0, workScheduled: 0, worked: 0 }, nextBoundary: null,
};
const r4 = (v: number | null) => (v === null ? null : Math.round(v * 10_000) / 10_000);
/** Agent figures to 0.1 %: what screens show, and fewer changes to send. */
const r3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

/** The earlier of `a` and `b` among those after `now` (null: neither is). */
function earliestAfter(now: number, a: number | null, b: number | null): number | null {
  const okA = a !== null && a > now;
  const okB = b !== null && b > now;
  if (okA && okB) return Math.min(a, b);
  return okA ? a : okB ? b : null;
}

/**
 * Schedule state the engine needs, as data: each day's effective shifts (roster with the break
 * plans applied), per-agent adherence/attendance/break-rule results, and team and floor sums kept
 * up to date incrementally. An agent is re-evaluated only when it changes (the projector asks for
 * dirty agents) or when one of its own schedule boundaries passes (`popDue`), and the team sums
 * are linear in time between those moments, so nothing loops over the floor per event or tick.
 */
export class ScheduleBook {
  private days = new Map<string, DayBook>();
  private contributions = new Map<string, Contribution>();
  private sums = new Map<string, Sums>();
  private alerts = new Map<string, Alert[]>();
  private timers = new TimerQueue();
  private pending = new Map<string, number>();
  /** Agents not expected to work the rest of their shift (absent, left, or not signed in past the grace). */
  private missing = new Map<string, Set<string>>();
  private staffingCache = new Map<string, Float64Array>();
  /** teamId → queueId → calls answered: which queues a team serves, learned from the calls. */
  private teamQueues = new Map<string, Map<string, number>>();
  /** Bumped on every schedule change (cache key for forecasts). */
  version = 0;
  private lastDay = '';

  constructor(private readonly cal: DayCalendar, readonly graceMs = SIGN_IN_GRACE_MS) {}

  /** Replaces the effective shifts of `date`. Returns the agents whose schedule may have changed. */
  setDay(date: string, shifts: readonly ResolvedShift[]): Set<string> {
    const before = this.days.get(date);
    const book: DayBook = { shifts: new Map(), byTeam: new Map() };
    for (const s of shifts) {
      book.shifts.set(s.agentId, s);
      const list = book.byTeam.get(s.teamId) ?? [];
      list.push(s.agentId);
      book.byTeam.set(s.teamId, list);
    }
    this.days.set(date, book);
    for (const key of [...this.staffingCache.keys()]) if (key.startsWith(`${date}|`)) this.staffingCache.delete(key);
    this.version++;
    const affected = new Set<string>(shifts.map((s) => s.agentId));
    for (const id of before?.shifts.keys() ?? []) affected.add(id);
    // Keep only a few days around (yesterday, today, tomorrow and what the service preloads).
    const keys = [...this.days.keys()].sort();
    while (keys.length > 4) { const old = keys.shift()!; this.days.delete(old); this.missing.delete(old); }
    return affected;
  }

  hasDay(date: string): boolean { return this.days.has(date); }
  shiftOf(agentId: string, date: string): ResolvedShift | undefined { return this.days.get(date)?.shifts.get(agentId); }
  /** The schedule segments of an agent's shift (derived when asked: a floor's rosters stay small). */
  segmentsOf(agentId: string, date: string): readonly Segment[] {
    const shift = this.days.get(date)?.shifts.get(agentId);
    return shift ? segmentsOf(shift) : [];
  }
  teamShifts(teamId: string, date: string): ResolvedShift[] {
    const d = this.days.get(date);
    return (d?.byTeam.get(teamId) ?? []).map((id) => d!.shifts.get(id)!);
  }
  /** Teams with a shift on `date`. */
  teamsOn(date: string): string[] { return [...(this.days.get(date)?.byTeam.keys() ?? [])]; }

  /**
   * Re-evaluates one agent at `now`: adherence, conformance, attendance and the break-rule
   * alerts; updates the team and floor sums and schedules the agent's next boundary.
   */
  evaluate(a: ScheduleAgent, now: number): AgentScheduleFigures {
    const day = this.cal.dayOf(now);
    if (day.key !== this.lastDay) {
      // A new day: sums older than yesterday are no longer read.
      const yesterday = this.cal.previousDay(day.key);
      for (const key of [...this.sums.keys()]) if (key.slice(0, key.indexOf('|')) < yesterday) this.sums.delete(key);
      this.lastDay = day.key;
    }
    const shift = this.days.get(day.key)?.shifts.get(a.agentId) ?? null;
    const segments = shift ? segmentsOf(shift) : NO_SEGMENTS;
    // Without a shift there is no adherence to work out (nor a timeline to read for it).
    const adh = shift ? adherenceOf(segments, a.timeline, day.start, now, this.graceMs) : UNSCHEDULED;
    const att = attendanceOf(shift, a.timeline, now);
    const current = a.stateSince !== null && now >= a.stateSince ? { at: a.stateSince, state: a.state } : null;
    const rules = breakRuleAlerts({ agentId: a.agentId, teamId: a.teamId, timeline: a.timeline, current, loginSince: a.loginSince, segments, now, graceMs: this.graceMs });
    // Most agents have no break-rule alert: keep entries only for those that do.
    if (rules.alerts.length > 0) this.alerts.set(a.agentId, rules.alerts); else this.alerts.delete(a.agentId);

    const rel = now - day.start;
    this.setContribution(a.agentId, shift === null ? null : {
      team: a.teamId, day: day.key,
      inA: adh.inMs - adh.slope.in * rel, inB: adh.slope.in,
      schedA: adh.scheduledMs - adh.slope.scheduled * rel, schedB: adh.slope.scheduled,
      counted: att.counted ? 1 : 0, present: att.present ? 1 : 0, inShift: att.inShift ? 1 : 0,
    });

    const gone = shift !== null && att.inShift && ((att.arrivedAt === null && att.status !== 'upcoming') || (att.leftAt !== null && a.state === 'offline'));
    this.setMissing(day.key, a.agentId, shift?.teamId ?? a.teamId, gone);

    const next = earliestAfter(now, earliestAfter(now, adh.nextBoundary, att.nextBoundary), rules.nextBoundary);
    if (next !== null) this.wake(a.agentId, next);
    return { adherence: r3(adh.adherence), conformance: r3(adh.conformance), attendance: att.status };
  }

  /** Break-rule alerts of the agent's last evaluation. */
  alertsOf(agentId: string): Alert[] { return this.alerts.get(agentId) ?? NO_ALERTS; }

  /** Agents whose schedule boundary has passed (re-project them). */
  popDue(now: number): string[] {
    const due: string[] = [];
    for (const key of this.timers.popDue(now)) {
      const [id, at] = [key.slice(0, key.lastIndexOf('@')), Number(key.slice(key.lastIndexOf('@') + 1))];
      if (this.pending.get(id) === at) { this.pending.delete(id); due.push(id); }
    }
    return due;
  }

  team(teamId: string, now: number): TeamScheduleFigures {
    const day = this.cal.dayOf(now);
    const s = this.sums.get(`${day.key}|${teamId}`);
    if (!s) return { scheduledNow: 0, attendanceRate: null, adherence: null };
    return { scheduledNow: s.inShift, attendanceRate: r4(s.counted > 0 ? s.present / s.counted : null), adherence: adherenceOfSums(s, now - day.start) };
  }

  floorAdherence(now: number): number | null {
    const day = this.cal.dayOf(now);
    const s = this.sums.get(`${day.key}|*`);
    return s ? adherenceOfSums(s, now - day.start) : null;
  }

  /**
   * Planned length (s) of the break the agent is on: the scheduled activity of the matching type
   * (short_break for no reason) that the break began in or within 15 minutes of. Null = no plan.
   */
  plannedBreakSec(a: BreakAgent): number | null {
    if (a.state !== 'break' || a.stateSince === null) return null;
    const day = this.cal.dayKey(a.stateSince);
    const shift = this.days.get(day)?.shifts.get(a.agentId);
    if (!shift) return null;
    const type = a.reason ?? 'short_break';
    let best: { d: number; sec: number } | null = null;
    for (const act of shift.activities) {
      if (act.type !== type) continue;
      const d = a.stateSince < act.start ? act.start - a.stateSince : a.stateSince > act.end ? a.stateSince - act.end : 0;
      if (d <= 15 * MIN_MS && (best === null || d < best.d)) best = { d, sec: (act.end - act.start) / 1000 };
    }
    return best?.sec ?? null;
  }

  /** What was learned from the calls (folded from the log, so it belongs in a checkpoint). */
  exportLearned(): [string, [string, number][]][] {
    return [...this.teamQueues].map(([t, m]) => [t, [...m]]);
  }

  /** Restores `exportLearned()` output (checkpoint restore). */
  restoreLearned(teamQueues: readonly [string, [string, number][]][]): void {
    this.teamQueues = new Map(teamQueues.map(([t, m]) => [t, new Map(m)]));
  }

  noteAnswer(teamId: string, queueId: string): void {
    let m = this.teamQueues.get(teamId);
    if (!m) { m = new Map(); this.teamQueues.set(teamId, m); }
    m.set(queueId, (m.get(queueId) ?? 0) + 1);
  }

  /** Queues a team serves, with the share of its answered calls each takes. */
  queuesOf(teamId: string): { queueId: string; share: number }[] {
    const m = this.teamQueues.get(teamId);
    if (!m) return [];
    const total = [...m.values()].reduce((s, v) => s + v, 0);
    return [...m].map(([queueId, n]) => ({ queueId, share: n / total }));
  }

  /** Teams serving a queue, with the share of each team's staffing the queue gets. */
  teamsOf(queueId: string): { teamId: string; share: number }[] {
    const out: { teamId: string; share: number }[] = [];
    for (const teamId of this.teamQueues.keys()) {
      const q = this.queuesOf(teamId).find((x) => x.queueId === queueId);
      if (q) out.push({ teamId, share: q.share });
    }
    return out;
  }

  /**
   * Average number of the team's agents scheduled to `work` over [from, to) (roster and break
   * plan; the range may cross midnight), without the agents known not to be coming back.
   * `override` replaces the team's shifts of `override.date` (a proposed break plan).
   */
  staffing(teamId: string, from: number, to: number, override?: { date: string; shifts: readonly ResolvedShift[] }): number {
    if (to <= from) return 0;
    let sum = 0;
    for (let t = from; t < to;) {
      const day = this.cal.dayOf(t);
      const end = Math.min(to, day.end);
      const curve = override && override.date === day.key ? workingCurve(override.shifts, this.missing.get(day.key), day.start) : this.cachedCurve(teamId, day.key, day.start);
      sum += averageOver(curve, day.start, t, end) * (end - t);
      t = end;
    }
    return sum / (to - from);
  }

  private cachedCurve(teamId: string, date: string, dayStart: number): Float64Array {
    const key = `${date}|${teamId}`;
    let c = this.staffingCache.get(key);
    if (!c) { c = workingCurve(this.teamShifts(teamId, date), this.missing.get(date), dayStart); this.staffingCache.set(key, c); }
    return c;
  }

  private setMissing(date: string, agentId: string, teamId: string, gone: boolean): void {
    let set = this.missing.get(date);
    if (!set && !gone) return;
    if (!set) { set = new Set(); this.missing.set(date, set); }
    if (gone === set.has(agentId)) return;
    if (gone) set.add(agentId); else set.delete(agentId);
    this.staffingCache.delete(`${date}|${teamId}`);
    this.version++;
  }

  private setContribution(agentId: string, next: Contribution | null): void {
    const prev = this.contributions.get(agentId);
    if (prev) { this.addSums(prev, -1); this.contributions.delete(agentId); }
    if (next) { this.addSums(next, 1); this.contributions.set(agentId, next); }
  }

  private addSums(c: Contribution, sign: 1 | -1): void {
    for (const key of [`${c.day}|${c.team}`, `${c.day}|*`]) {
      let s = this.sums.get(key);
      if (!s) { s = emptySums(); this.sums.set(key, s); }
      s.inA += sign * c.inA; s.inB += sign * c.inB;
      s.schedA += sign * c.schedA; s.schedB += sign * c.schedB;
      s.counted += sign * c.counted; s.present += sign * c.present; s.inShift += sign * c.inShift;
    }
  }

  private wake(agentId: string, at: number): void {
    const cur = this.pending.get(agentId);
    if (cur !== undefined && cur <= at) return;
    this.pending.set(agentId, at);
    this.timers.schedule(at, `${agentId}@${at}`);
  }
}

function adherenceOfSums(s: Sums, rel: number): number | null {
  const sched = s.schedA + s.schedB * rel;
  if (sched < 1000) return null;
  return r4(Math.min(1, Math.max(0, (s.inA + s.inB * rel) / sched)));
}

/** Agents scheduled to work in each minute of the day. */
function workingCurve(shifts: readonly ResolvedShift[], missing: ReadonlySet<string> | undefined, dayStart: number): Float64Array {
  const minutes = new Float64Array(25 * 60);
  for (const shift of shifts) {
    if (missing?.has(shift.agentId)) continue;
    for (const seg of segmentsOf(shift)) {
      if (seg.activity !== 'work') continue;
      const from = Math.max(0, Math.floor((seg.start - dayStart) / MIN_MS));
      const to = Math.min(minutes.length, Math.ceil((seg.end - dayStart) / MIN_MS));
      for (let m = from; m < to; m++) minutes[m]! += 1;
    }
  }
  return minutes;
}

function averageOver(curve: Float64Array, dayStart: number, from: number, to: number): number {
  const a = Math.max(0, Math.floor((from - dayStart) / MIN_MS));
  const b = Math.min(curve.length, Math.ceil((to - dayStart) / MIN_MS));
  if (b <= a) return 0;
  let sum = 0;
  for (let m = a; m < b; m++) sum += curve[m]!;
  return sum / (b - a);
}
