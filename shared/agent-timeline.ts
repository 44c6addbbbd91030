import { z } from 'zod';
import { AgentStateOrOfflineSchema } from './snapshot.ts';

/** Activities the roster and break plan schedule inside a shift (`work` wherever nothing else is planned). */
export const TIMELINE_ACTIVITIES = ['work', 'short_break', 'meal', 'training', 'meeting'] as const;
export const TimelineActivitySchema = z.enum(TIMELINE_ACTIVITIES);
export type TimelineActivity = z.infer<typeof TimelineActivitySchema>;

const EpochMs = z.number().int();

export const TimelineStateChangeSchema = z.object({ at: EpochMs, state: AgentStateOrOfflineSchema, reason: z.string().nullable() });
export type TimelineStateChange = z.infer<typeof TimelineStateChangeSchema>;

export const ScheduledStretchSchema = z.object({ type: TimelineActivitySchema, start: EpochMs, end: EpochMs });
export type ScheduledStretch = z.infer<typeof ScheduledStretchSchema>;

/**
 * GET /api/v1/agents/:agentId/timeline — one agent's day (SPEC §1 drill-down): the state changes
 * of today (the first is the state in force at local midnight) against the roster and break plan.
 */
export const AgentTimelineSchema = z.object({
  agentId: z.string(),
  /** Local day of the center (YYYY-MM-DD). */
  day: z.string(),
  /** Instant the answer was computed (epoch ms). */
  asOf: EpochMs,
  stateChanges: z.array(TimelineStateChangeSchema),
  /** Today's scheduled activities in time order; empty when the agent is not rostered today. */
  scheduled: z.array(ScheduledStretchSchema),
  shiftStart: EpochMs.nullable(),
  shiftEnd: EpochMs.nullable(),
});
export type AgentTimeline = z.infer<typeof AgentTimelineSchema>;
