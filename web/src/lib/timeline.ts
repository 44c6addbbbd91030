import type { AgentTimeline, TimelineActivity } from '../../../shared/agent-timeline.ts';
import type { AgentState } from '../../../shared/snapshot.ts';

/** Pure geometry of the agent drill-down's timeline (web/src/tiles/AgentTimeline.svelte). */

const HOUR_MS = 3600_000;

export interface Range { from: number; to: number }
export interface PlanStretch { type: TimelineActivity; start: number; end: number }
export interface ActualStretch { state: AgentState; reason: string | null; start: number; end: number }

/** The shift, or local midnight to now (at least an hour) when the agent is not scheduled today. */
export function timelineRange(tl: AgentTimeline, now: number): Range {
  if (tl.shiftStart !== null && tl.shiftEnd !== null && tl.shiftEnd > tl.shiftStart) return { from: tl.shiftStart, to: tl.shiftEnd };
  const from = tl.stateChanges[0]?.at ?? tl.asOf;
  return { from, to: Math.max(now, tl.asOf, from + HOUR_MS) };
}

/** Scheduled activities inside the range. */
export function planStretches(tl: AgentTimeline, r: Range): PlanStretch[] {
  return tl.scheduled
    .map((s) => ({ type: s.type, start: Math.max(s.start, r.from), end: Math.min(s.end, r.to) }))
    .filter((s) => s.end > s.start);
}

/** State stretches inside the range; the last one runs until `now`. */
export function actualStretches(tl: AgentTimeline, r: Range, now: number): ActualStretch[] {
  const until = Math.min(r.to, Math.max(now, tl.asOf));
  const out: ActualStretch[] = [];
  tl.stateChanges.forEach((c, i) => {
    const start = Math.max(c.at, r.from);
    const end = Math.min(tl.stateChanges[i + 1]?.at ?? until, until);
    if (end > start) out.push({ state: c.state, reason: c.reason, start, end });
  });
  return out;
}

/** Full hours (counted from local midnight `dayStart`) inside the range, at most about six labels. */
export function hourTicks(r: Range, dayStart: number): number[] {
  const span = (r.to - r.from) / HOUR_MS;
  const step = Math.max(1, Math.ceil(span / 6)) * HOUR_MS;
  const ticks: number[] = [];
  for (let t = dayStart + Math.ceil((r.from - dayStart) / step) * step; t <= r.to; t += step) ticks.push(t);
  return ticks;
}

/** Position of `t` in the range, in percent (clamped). */
export function percentOf(r: Range, t: number): number {
  if (r.to <= r.from) return 0;
  return Math.min(100, Math.max(0, ((t - r.from) / (r.to - r.from)) * 100));
}
