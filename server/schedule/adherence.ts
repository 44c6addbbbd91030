import type { ScheduledActivity } from '../../shared/roster.ts';
import type { AgentState } from '../../shared/snapshot.ts';
import { changeAt, type Change, type TimelineView } from '../engine/timeline.ts';
import type { Segment } from './roster.ts';

export type { Change, TimelineView };

export const WORK_STATES: ReadonlySet<AgentState> = new Set(['available', 'ringing', 'on_call', 'wrap_up']);

/** Index of the change in force at `t` (the last with `at <= t`), or -1 (offline before any). */
export function changeIndexAt(timeline: TimelineView, t: number): number {
  let hi = timeline.length - 1;
  // Most questions are about now, which is at or after the newest change.
  if (hi >= 0 && timeline.atOf(hi) <= t) return hi;
  let lo = 0;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (timeline.atOf(mid) <= t) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

export function stateAt(timeline: TimelineView, t: number): Change {
  const i = changeIndexAt(timeline, t);
  return i === -1 ? { at: Number.NEGATIVE_INFINITY, state: 'offline', reason: null } : changeAt(timeline, i);
}

/**
 * SPEC §3 activity ↔ state: `work` ↔ logged in and available/ringing/on_call/wrap_up; a short
 * break or meal ↔ `break` (any reason) or `away`; training/meeting ↔ `break`/`away` with that
 * reason. `off` is never matched (it is not counted at all).
 */
export function inAdherence(activity: ScheduledActivity, state: AgentState, reason: string | null): boolean {
  switch (activity) {
    case 'work': return WORK_STATES.has(state);
    case 'short_break':
    case 'meal': return state === 'break' || state === 'away';
    case 'training':
    case 'meeting': return (state === 'break' || state === 'away') && reason === activity;
    case 'off': return false;
  }
}

export interface AdherenceFigures {
  /** Scheduled (non-`off`) time of the shift elapsed by `now`. */
  scheduledMs: number;
  /** Of it, time in adherence (short stretches out of adherence count as in). */
  inMs: number;
  /** Scheduled `work` time elapsed by `now`. */
  workScheduledMs: number;
  /** Time in a working state today up to `now` (inside or outside the shift). */
  workedMs: number;
  adherence: number | null;
  conformance: number | null;
  /** How each figure grows per ms right after `now` (0 or 1) until `nextBoundary`. */
  slope: { scheduled: number; in: number; workScheduled: number; worked: number };
  /** The next instant at which a slope changes without a new event (null: none today). */
  nextBoundary: number | null;
}

/**
 * Adherence and conformance of one agent for one day, from the state timeline and the day's
 * schedule segments (SPEC §3). A maximal stretch out of adherence shorter than `graceMs` counts
 * as in adherence; a stretch still going on at `now` is judged by its length so far.
 */
export function adherenceOf(segments: readonly Segment[], timeline: TimelineView, dayStart: number, now: number, graceMs: number): AdherenceFigures {
  let scheduledMs = 0;
  let workScheduledMs = 0;
  let outCounted = 0;
  let outStart: number | null = null;
  let lastEnd: number | null = null;
  const closeStretch = (end: number) => {
    if (outStart !== null && end - outStart >= graceMs) outCounted += end - outStart;
    outStart = null;
  };
  for (const seg of segments) {
    if (seg.start >= now) break;
    const segEnd = Math.min(seg.end, now);
    if (lastEnd !== null && seg.start !== lastEnd) closeStretch(lastEnd);
    lastEnd = segEnd;
    if (seg.activity === 'off') { closeStretch(seg.start); continue; }
    scheduledMs += segEnd - seg.start;
    if (seg.activity === 'work') workScheduledMs += segEnd - seg.start;
    // Walk the state changes inside the segment.
    let i = changeIndexAt(timeline, seg.start);
    let t = seg.start;
    while (t < segEnd) {
      const nextAt = i + 1 < timeline.length ? Math.min(timeline.atOf(i + 1), segEnd) : segEnd;
      const ok = i === -1 ? inAdherence(seg.activity, 'offline', null) : inAdherence(seg.activity, timeline.stateOf(i), timeline.reasonOf(i));
      if (ok) closeStretch(t);
      else outStart ??= t;
      t = nextAt;
      i++;
    }
  }
  const elapsedEnd = lastEnd ?? now;
  const runningOut: number | null = outStart;
  closeStretch(elapsedEnd);

  // Worked time today, up to now.
  let workedMs = 0;
  let i = changeIndexAt(timeline, dayStart);
  let t = dayStart;
  while (t < now) {
    const nextAt = i + 1 < timeline.length ? Math.min(timeline.atOf(i + 1), now) : now;
    if (i !== -1 && WORK_STATES.has(timeline.stateOf(i))) workedMs += Math.max(0, nextAt - t);
    t = Math.max(t, nextAt);
    i++;
  }

  const inMs = scheduledMs - outCounted;
  const current = segments.find((s) => now >= s.start && now < s.end);
  const st = stateAt(timeline, now);
  const scheduledNow = current !== undefined && current.activity !== 'off';
  const okNow = scheduledNow && inAdherence(current.activity, st.state, st.reason);
  const stillGrace = scheduledNow && !okNow && runningOut !== null && lastEnd === now && now - runningOut < graceMs;
  const candidates: number[] = [];
  for (const s of segments) { if (s.start > now) candidates.push(s.start); if (s.end > now) candidates.push(s.end); }
  if (stillGrace) candidates.push(runningOut + graceMs);
  return {
    scheduledMs, inMs, workScheduledMs, workedMs,
    adherence: scheduledMs > 0 ? inMs / scheduledMs : null,
    conformance: workScheduledMs > 0 ? workedMs / workScheduledMs : null,
    slope: {
      scheduled: scheduledNow ? 1 : 0,
      in: okNow || stillGrace ? 1 : 0,
      workScheduled: current?.activity === 'work' ? 1 : 0,
      worked: WORK_STATES.has(st.state) ? 1 : 0,
    },
    nextBoundary: candidates.length > 0 ? Math.min(...candidates) : null,
  };
}
