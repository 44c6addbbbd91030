import { DateTime } from 'luxon';
import type { FieldIssue } from '../../shared/errors.ts';
import type { ActivityType, BreakSlot, RosterEntry, RosterPut, ScheduledActivity } from '../../shared/roster.ts';

/**
 * Rosters as instants: validation of the rules that relate fields (SPEC §4), conversion of
 * local `HH:mm` to epoch ms with luxon, the break plan laid over the roster, and the
 * segments (activity by time) adherence and staffing are computed from. Pure: no I/O, no clock.
 */

export const MIN_MS = 60_000;
/** SPEC §2: no break within the first 30 minutes after sign-in (and, for plans, after shift start). */
export const NO_BREAK_AFTER_START_MS = 30 * MIN_MS;

/** Instant of a local wall-clock time on a day in `tz`; `24:00` is the next local midnight. */
export function localInstant(tz: string, date: string, hhmm: string): number {
  if (hhmm === '24:00') return DateTime.fromISO(date, { zone: tz }).plus({ days: 1 }).startOf('day').toMillis();
  return DateTime.fromISO(`${date}T${hhmm}`, { zone: tz }).toMillis();
}

/** Local `HH:mm` of an instant, relative to `date` (its next midnight is `24:00`). */
export function localHhmm(tz: string, date: string, ms: number): string {
  if (ms >= localInstant(tz, date, '24:00')) return '24:00';
  return DateTime.fromMillis(ms, { zone: tz }).toFormat('HH:mm');
}

export interface TimedActivity { type: ActivityType; start: number; end: number }

/** One agent's shift of one day, as instants; activities sorted and non-overlapping. */
export interface ResolvedShift {
  agentId: string;
  teamId: string;
  date: string;
  start: number;
  end: number;
  activities: TimedActivity[];
}

export interface Segment { start: number; end: number; activity: ScheduledActivity }

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/**
 * Rules a roster's shape cannot express: shift end after start (a shift never crosses midnight:
 * the night shift is 00:00–08:00 of its own day), activities after their start, inside the
 * shift and not overlapping, every agent at most once. Every problem is reported.
 */
export function rosterIssues(roster: RosterPut): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  roster.entries.forEach((e, i) => {
    const at = `entries[${i}]`;
    const first = seen.get(e.agentId);
    if (first !== undefined) issues.push({ path: `${at}.agentId`, message: `agent ${e.agentId} is already in entries[${first}]; one shift per agent per day` });
    else seen.set(e.agentId, i);
    if (e.shiftStart === '24:00') issues.push({ path: `${at}.shiftStart`, message: 'a shift cannot start at 24:00' });
    const s = minutes(e.shiftStart);
    const end = minutes(e.shiftEnd);
    if (end <= s) issues.push({ path: `${at}.shiftEnd`, message: `shift end ${e.shiftEnd} must be after its start ${e.shiftStart} (a shift crossing midnight is entered as two days)` });
    issues.push(...activityIssues(e.activities, s, end, at));
  });
  return issues;
}

function activityIssues(acts: readonly { start: string; end: string }[], shiftStart: number, shiftEnd: number, at: string, name = 'activities'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  acts.forEach((a, j) => {
    const p = `${at}.${name}[${j}]`;
    const s = minutes(a.start);
    const e = minutes(a.end);
    if (e <= s) { issues.push({ path: `${p}.end`, message: `end ${a.end} must be after start ${a.start}` }); return; }
    if (shiftEnd > shiftStart && (s < shiftStart || e > shiftEnd)) issues.push({ path: p, message: `${a.start}–${a.end} is outside the shift` });
    for (let k = 0; k < j; k++) {
      const b = acts[k]!;
      if (minutes(b.end) > minutes(b.start) && s < minutes(b.end) && minutes(b.start) < e) issues.push({ path: p, message: `${a.start}–${a.end} overlaps ${name}[${k}] (${b.start}–${b.end})` });
    }
  });
  return issues;
}

/** A valid roster entry as instants. */
export function resolveEntry(tz: string, date: string, e: RosterEntry): ResolvedShift {
  const at = (hhmm: string) => localInstant(tz, date, hhmm);
  return {
    agentId: e.agentId, teamId: e.teamId, date,
    start: at(e.shiftStart), end: at(e.shiftEnd),
    activities: e.activities.map((a) => ({ type: a.type, start: at(a.start), end: at(a.end) })).sort((a, b) => a.start - b.start),
  };
}

export const isBreakType = (t: ActivityType): t is 'short_break' | 'meal' => t === 'short_break' || t === 'meal';

/** The roster's breaks of some agents as plan slots (the default plan of a team). */
export function slotsFromRoster(entries: readonly RosterEntry[]): BreakSlot[] {
  return entries.flatMap((e) => e.activities.filter((a) => isBreakType(a.type)).map((a) => ({ agentId: e.agentId, type: a.type as BreakSlot['type'], start: a.start, end: a.end })));
}

/**
 * Rules of a team's break plan against the day's roster: each slot belongs to an agent of
 * this team's roster, ends after it starts, lies inside the agent's shift, not in its first
 * 30 minutes, and overlaps neither the agent's other slots nor their training or meetings.
 */
export function planIssues(slots: readonly BreakSlot[], teamEntries: ReadonlyMap<string, RosterEntry>, prefix = 'slots'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const byAgent = new Map<string, number[]>();
  slots.forEach((slot, i) => {
    const p = `${prefix}[${i}]`;
    const entry = teamEntries.get(slot.agentId);
    if (!entry) { issues.push({ path: `${p}.agentId`, message: `agent ${slot.agentId} has no shift in this team's roster of the day` }); return; }
    const s = minutes(slot.start);
    const e = minutes(slot.end);
    if (e <= s) { issues.push({ path: `${p}.end`, message: `end ${slot.end} must be after start ${slot.start}` }); return; }
    const ss = minutes(entry.shiftStart);
    const se = minutes(entry.shiftEnd);
    if (s < ss || e > se) issues.push({ path: p, message: `${slot.start}–${slot.end} is outside ${slot.agentId}'s shift ${entry.shiftStart}–${entry.shiftEnd}` });
    else if (s < ss + NO_BREAK_AFTER_START_MS / MIN_MS) issues.push({ path: `${p}.start`, message: `no break in the first 30 minutes of the shift (starts ${entry.shiftStart})` });
    for (const a of entry.activities) {
      if (isBreakType(a.type)) continue;
      if (s < minutes(a.end) && minutes(a.start) < e) issues.push({ path: p, message: `${slot.start}–${slot.end} overlaps ${slot.agentId}'s ${a.type} ${a.start}–${a.end}` });
    }
    for (const k of byAgent.get(slot.agentId) ?? []) {
      const o = slots[k]!;
      if (s < minutes(o.end) && minutes(o.start) < e) issues.push({ path: p, message: `${slot.start}–${slot.end} overlaps ${prefix}[${k}] (${o.start}–${o.end}) of the same agent` });
    }
    byAgent.set(slot.agentId, [...(byAgent.get(slot.agentId) ?? []), i]);
  });
  return issues;
}

/** The agent's shift with its breaks replaced by the plan's slots (when the team has a plan). */
export function withPlan(shift: ResolvedShift, planSlots: readonly TimedActivity[] | undefined): ResolvedShift {
  if (!planSlots) return shift;
  const kept = shift.activities.filter((a) => !isBreakType(a.type));
  return { ...shift, activities: [...kept, ...planSlots].sort((a, b) => a.start - b.start) };
}

/** The shift as contiguous segments: activities, and `work` wherever no activity is planned. */
export function segmentsOf(shift: ResolvedShift): Segment[] {
  const out: Segment[] = [];
  let t = shift.start;
  for (const a of shift.activities) {
    const s = Math.max(a.start, t);
    const e = Math.min(a.end, shift.end);
    if (e <= s) continue;
    if (s > t) out.push({ start: t, end: s, activity: 'work' });
    out.push({ start: s, end: e, activity: a.type });
    t = e;
  }
  if (t < shift.end) out.push({ start: t, end: shift.end, activity: 'work' });
  return out;
}

/** What the roster says at `t` (`off` outside the shift). */
export function activityAt(segments: readonly Segment[], t: number): ScheduledActivity {
  for (const s of segments) if (t >= s.start && t < s.end) return s.activity;
  return 'off';
}
