import type { Alert } from '../../shared/snapshot.ts';
import { changeIndexAt, stateAt, type Change, type TimelineView } from './adherence.ts';
import { MIN_MS, NO_BREAK_AFTER_START_MS, type Segment } from './roster.ts';

/** A scheduled break counts as taken when a break or `away` overlaps it widened by this much each side. */
export const BREAK_WINDOW_SLACK_MS = 10 * MIN_MS;

export interface BreakRuleInput {
  agentId: string;
  teamId: string;
  timeline: TimelineView;
  /** The state in force at `now` when known without the timeline (it began at `at`); null: read the timeline. */
  current?: { at: number; state: Change['state'] } | null;
  /** Start of the current sign-in session (null while signed out). */
  loginSince: number | null;
  /** Today's schedule segments (roster with the break plan applied); empty when not scheduled. */
  segments: readonly Segment[];
  now: number;
  graceMs: number;
}

const NO_RULE_ALERTS: { alerts: Alert[]; nextBoundary: null } = Object.freeze({ alerts: Object.freeze([]) as unknown as Alert[], nextBoundary: null });

const isBreakActivity = (a: Segment['activity']) => a === 'short_break' || a === 'meal';
const resting = (s: Change['state']) => s === 'break' || s === 'away';

/**
 * Break rules of SPEC §2 that need the roster or the sign-in time (the overrun rules live in
 * engine/alerts.ts):
 * - `early_break`: a break or `away` that began within 30 minutes after signing in;
 * - `break_during_work`: on `break` while the roster says `work`, for longer than the grace;
 * - `break_not_taken`: a scheduled break's window (the slot ± 10 min) has passed without any
 *   break or `away` in it; it clears when the agent takes a break, signs out, or the shift ends.
 * Returns the alerts raised at `now` and the next instant at which the answer can change
 * without a new event.
 */
export function breakRuleAlerts(input: BreakRuleInput): { alerts: Alert[]; nextBoundary: number | null } {
  const { agentId, teamId, timeline, loginSince, segments, now, graceMs } = input;
  const cur = input.current ?? stateAt(timeline, now);
  const early = resting(cur.state) && loginSince !== null && cur.at < loginSince + NO_BREAK_AFTER_START_MS;
  // Without a schedule only the early-break rule applies: most evaluations allocate nothing.
  if (segments.length === 0) return early ? { alerts: [earlyBreak(agentId, teamId, cur.at)], nextBoundary: null } : NO_RULE_ALERTS;
  const alerts: Alert[] = early ? [earlyBreak(agentId, teamId, cur.at)] : [];
  const base = { agentId, teamId } as const;
  const boundaries: number[] = [];

  const seg = segments.find((s) => now >= s.start && now < s.end);
  if (cur.state === 'break' && seg?.activity === 'work') {
    // The mismatch began when the break began or when the work segment began, whichever is later.
    const since = Math.max(cur.at, seg.start);
    if (now - since >= graceMs) alerts.push({ id: `break_during_work:${agentId}`, rule: 'break_during_work', severity: 'amber', since, ...base });
    else boundaries.push(since + graceMs);
  }

  const shiftEnd = segments.length > 0 ? segments[segments.length - 1]!.end : null;
  let missed: Segment | null = null;
  for (const s of segments) {
    if (!isBreakActivity(s.activity)) continue;
    const windowEnd = s.end + BREAK_WINDOW_SLACK_MS;
    if (windowEnd > now) { boundaries.push(windowEnd); continue; }
    missed = notTaken(timeline, s.start - BREAK_WINDOW_SLACK_MS, windowEnd) ? s : null;
  }
  if (missed && shiftEnd !== null && now < shiftEnd && cur.state !== 'offline') {
    const since = missed.end + BREAK_WINDOW_SLACK_MS;
    let tookLater = false;
    for (let i = changeIndexAt(timeline, since) + 1; i < timeline.length && !tookLater; i++) tookLater = timeline.atOf(i) <= now && resting(timeline.stateOf(i));
    if (!tookLater) alerts.push({ id: `break_not_taken:${agentId}`, rule: 'break_not_taken', severity: 'amber', since, ...base });
  }
  if (shiftEnd !== null && shiftEnd > now) boundaries.push(shiftEnd);
  return { alerts, nextBoundary: boundaries.length > 0 ? Math.min(...boundaries) : null };
}

function earlyBreak(agentId: string, teamId: string, since: number): Alert {
  return { id: `early_break:${agentId}`, rule: 'early_break', severity: 'amber', since, agentId, teamId };
}

/** No break or `away` at any moment of [from, to), and signed in at some moment of it. */
function notTaken(timeline: TimelineView, from: number, to: number): boolean {
  let i = changeIndexAt(timeline, from);
  let signedIn = false;
  if (i !== -1 && resting(timeline.stateOf(i))) return false;
  if (i !== -1 && timeline.stateOf(i) !== 'offline') signedIn = true;
  for (i = i + 1; i < timeline.length && timeline.atOf(i) < to; i++) {
    const state = timeline.stateOf(i);
    if (resting(state)) return false;
    if (state !== 'offline') signedIn = true;
  }
  return signedIn;
}
