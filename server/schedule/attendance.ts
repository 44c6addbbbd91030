import type { Attendance } from '../../shared/snapshot.ts';
import { changeIndexAt, stateAt, type TimelineView } from './adherence.ts';
import { MIN_MS } from './roster.ts';

/** SPEC §2/§3: sign in within 3 minutes of the shift start. */
export const SIGN_IN_GRACE_MS = 180_000;
export const HALF_DAY_MS = 15 * MIN_MS;
export const FULL_DAY_MS = 30 * MIN_MS;
export const EARLY_LEAVE_MS = 5 * MIN_MS;

export interface AttendanceFigures {
  status: Attendance;
  /** When the agent was there for this shift (signed in at the start, or the first sign-in after it). */
  arrivedAt: number | null;
  /** When the agent signed out before the shift end and has not come back (null otherwise). */
  leftAt: number | null;
  /** The shift is going on now. */
  inShift: boolean;
  /** Counted in the team's attendance rate now (in the shift, and no longer `upcoming`). */
  counted: boolean;
  /** Present for the team's attendance rate: counted, signed in for this shift, and not `absent`. */
  present: boolean;
  nextBoundary: number | null;
}

const RANK: Record<Attendance, number> = { not_scheduled: -1, upcoming: 0, on_time: 0, late: 1, early_leave: 1, half_day_absent: 2, absent: 3 };

/** Lateness ladder: ≤ 180 s on time, ≤ 15 min late, ≤ 30 min half-day absence, beyond that absent. */
export function lateness(ms: number): Attendance {
  if (ms <= SIGN_IN_GRACE_MS) return 'on_time';
  if (ms <= HALF_DAY_MS) return 'late';
  if (ms <= FULL_DAY_MS) return 'half_day_absent';
  return 'absent';
}

/** Early-leave ladder: < 5 min nothing, 5–15 min early leave, 15–30 min half-day absence, > 30 min absent. */
export function earliness(ms: number): Attendance | null {
  if (ms < EARLY_LEAVE_MS) return null;
  if (ms <= HALF_DAY_MS) return 'early_leave';
  if (ms <= FULL_DAY_MS) return 'half_day_absent';
  return 'absent';
}

const NOT_THERE = { arrivedAt: null, leftAt: null, inShift: false, counted: false, present: false } as const;
/** Most agents on most floors have no shift: one shared answer (never mutated). */
const NOT_SCHEDULED: AttendanceFigures = Object.freeze({ status: 'not_scheduled', ...NOT_THERE, nextBoundary: null });

/**
 * Attendance on the agent's shift of today (SPEC §3), judged live at `now` from the state
 * timeline. Someone still signed in from before the shift start counts as signed in at the start
 * (the night shift's agent who signed in at 23:58). Leaving early is judged from the last sign-out
 * before the shift end while the agent stays signed out; signing in again before the end clears
 * it. The worse of lateness and early leave wins (early leave wins a tie with late).
 */
export function attendanceOf(shift: { start: number; end: number } | null, timeline: TimelineView, now: number): AttendanceFigures {
  if (!shift) return NOT_SCHEDULED;
  if (now < shift.start) return { status: 'upcoming', ...NOT_THERE, nextBoundary: shift.start };
  const inShift = now < shift.end;
  let arrivedAt: number | null = null;
  if (stateAt(timeline, shift.start).state !== 'offline') arrivedAt = shift.start;
  else {
    for (let i = changeIndexAt(timeline, shift.start) + 1; i < timeline.length; i++) {
      const at = timeline.atOf(i);
      if (at > now || at >= shift.end) break;
      if (timeline.stateOf(i) !== 'offline') { arrivedAt = at; break; }
    }
  }
  const boundaries: number[] = [];
  if (inShift) boundaries.push(shift.end);
  let status: Attendance;
  let leftAt: number | null = null;
  if (arrivedAt === null) {
    const waited = now - shift.start;
    status = waited <= SIGN_IN_GRACE_MS ? 'upcoming' : lateness(waited);
    for (const edge of [SIGN_IN_GRACE_MS, HALF_DAY_MS, FULL_DAY_MS]) if (shift.start + edge + 1 > now && shift.start + edge + 1 < shift.end) boundaries.push(shift.start + edge + 1);
  } else {
    status = lateness(arrivedAt - shift.start);
    const judgedAt = Math.min(now, shift.end);
    const at = stateAt(timeline, judgedAt);
    if (at.state === 'offline' && at.at > arrivedAt && at.at < shift.end) {
      leftAt = at.at;
      const early = earliness(shift.end - at.at);
      if (early !== null && RANK[early] >= RANK[status]) status = early;
    }
  }
  const counted = inShift && (status !== 'upcoming' || arrivedAt !== null);
  return {
    status, arrivedAt, leftAt, inShift, counted,
    present: counted && arrivedAt !== null && status !== 'absent',
    nextBoundary: boundaries.length > 0 ? Math.min(...boundaries) : null,
  };
}
