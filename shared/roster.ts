import { z } from 'zod';
import { IdSchema } from './ids.ts';

/**
 * Rosters (排班) and break plans (小休 rotation) of SPEC §2/§4. Times are local wall-clock
 * `HH:mm` in CENTER_TZ; `24:00` is allowed as an end (the next midnight). Shape checks live
 * here; rules that relate fields (order, overlap, inside the shift) are checked by
 * `server/schedule/roster.ts`, which reports every problem with its field path.
 */

/** `HH:mm`, 00:00–23:59, or `24:00`. */
export const HhmmSchema = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'time must be HH:mm (00:00–24:00)');

/** A calendar date `YYYY-MM-DD` that exists (2026-02-30 does not). */
export const DateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const dt = new Date(Date.UTC(y, m - 1, d));
    return y >= 2000 && y < 2100 && dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
  }, 'not a valid calendar date (2000–2099)');

/** Scheduled activities inside a shift; time of the shift not covered by one is `work`. */
export const ACTIVITY_TYPES = ['short_break', 'meal', 'training', 'meeting'] as const;
export const ActivityTypeSchema = z.enum(ACTIVITY_TYPES);
export type ActivityType = z.infer<typeof ActivityTypeSchema>;
/** What the roster says at a moment: an activity, `work` (rest of the shift) or `off`. */
export type ScheduledActivity = ActivityType | 'work' | 'off';

export const ActivitySchema = z.strictObject({ type: ActivityTypeSchema, start: HhmmSchema, end: HhmmSchema });
export type Activity = z.infer<typeof ActivitySchema>;

export const RosterEntrySchema = z.strictObject({
  agentId: IdSchema,
  teamId: IdSchema,
  shiftStart: HhmmSchema,
  shiftEnd: HhmmSchema,
  activities: z.array(ActivitySchema).max(64, 'at most 64 activities per shift').default([]),
});
export type RosterEntry = z.infer<typeof RosterEntrySchema>;

/** `PUT /api/v1/roster`: one day's roster (replaces that day's roster as a whole). */
export const RosterPutSchema = z.strictObject({
  date: DateSchema,
  entries: z.array(RosterEntrySchema).max(50_000, 'at most 50,000 entries'),
});
export type RosterPut = z.infer<typeof RosterPutSchema>;

/** A stored roster: the day's entries plus who changed it when. */
export const RosterDocSchema = RosterPutSchema.extend({ updatedAt: z.string(), updatedBy: z.string() });
export type RosterDoc = z.infer<typeof RosterDocSchema>;

/** Break types a team lead arranges (小休 and meals); training and meetings stay in the roster. */
export const BREAK_TYPES = ['short_break', 'meal'] as const;
export const BreakTypeSchema = z.enum(BREAK_TYPES);
export type BreakType = z.infer<typeof BreakTypeSchema>;

export const BreakSlotSchema = z.strictObject({ agentId: IdSchema, type: BreakTypeSchema, start: HhmmSchema, end: HhmmSchema });
export type BreakSlot = z.infer<typeof BreakSlotSchema>;

/** `PUT /api/v1/teams/:teamId/break-plan` (and the preview): the team's breaks of one day. */
export const BreakPlanPutSchema = z.strictObject({
  date: DateSchema.optional(),
  slots: z.array(BreakSlotSchema).max(5_000, 'at most 5,000 slots'),
});
export type BreakPlanPut = z.infer<typeof BreakPlanPutSchema>;

/** `GET /api/v1/teams/:teamId/break-plan`. `source` says whether it was saved or derived from the roster. */
export interface BreakPlanDoc {
  teamId: string;
  date: string;
  slots: BreakSlot[];
  source: 'saved' | 'roster';
  updatedAt: string | null;
  updatedBy: string | null;
  /** The team's roster entries of the day (shift bounds and non-break activities), for the timeline. */
  shifts: { agentId: string; shiftStart: string; shiftEnd: string; activities: Activity[] }[];
}

/** One 15-minute interval of a projection, for one queue. */
export interface ProjectionInterval {
  start: string;
  end: string;
  queueId: string;
  staffedBefore: number;
  staffedAfter: number;
  slBefore: number | null;
  slAfter: number | null;
  asaBefore: number | null;
  asaAfter: number | null;
  /** Projected SL with the change is below the target. */
  warn: boolean;
}

/** `POST /api/v1/teams/:teamId/break-plan/preview`. */
export interface BreakPlanPreview {
  teamId: string;
  date: string;
  slTarget: number;
  slThresholdSec: number;
  /** Per queue: the arrival rate (calls per hour) and AHT the projection used. */
  inputs: { queueId: string; callsPerHour: number | null; ahtSec: number | null }[];
  intervals: ProjectionInterval[];
  warn: boolean;
}
