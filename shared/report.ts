import { z } from 'zod';
import { DateSchema } from './roster.ts';
import { AttendanceSchema, GradeSchema, QueueStatsSchema } from './snapshot.ts';

/**
 * End-of-shift report (the manual's 日报/交班报表 to the director): SPEC §3 figures for one shift
 * window or a whole day, per queue, team and agent, computed by the same engine as the live floor.
 */

const Rate = z.number().min(0).max(1).nullable();

/** SPEC §3 queue counters and rates over the report window (no live fields such as `waiting`). */
export const ReportQueueStatsSchema = QueueStatsSchema.omit({ waiting: true, longestWaitSec: true, oldestQueuedAt: true });
export type ReportQueueStats = z.infer<typeof ReportQueueStatsSchema>;

export const ReportQueueRowSchema = ReportQueueStatsSchema.extend({ id: z.string() });
export type ReportQueueRow = z.infer<typeof ReportQueueRowSchema>;

export const ReportAgentRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  teamId: z.string(),
  /** The agent's rostered shift that day (local HH:mm), null when not on the roster. */
  shift: z.object({ start: z.string(), end: z.string() }).nullable(),
  attendance: AttendanceSchema,
  adherence: Rate,
  conformance: z.number().min(0).nullable(),
  loggedInSec: z.number(),
  handled: z.number().int(),
  success: z.number().int(),
  failure: z.number().int(),
  cph: z.number().nullable(),
  successRate: Rate,
  grade: GradeSchema,
  breakSec: z.number(),
  /** Break stretches (`break` state) begun in the window. */
  breaks: z.number().int(),
  /** Breaks and off-seat stretches begun in the window that ran past their limit (SPEC §3 breakOverrun). */
  breakOverruns: z.number().int(),
  /** Seconds past the limit, summed over those overruns. */
  overrunSec: z.number(),
});
export type ReportAgentRow = z.infer<typeof ReportAgentRowSchema>;

export const ReportTeamRowSchema = z.object({
  id: z.string(),
  /** Agents of the team in the report (rostered in the window, or active in it). */
  agents: z.number().int(),
  /** Rostered agents whose shift had begun by the end of the window. */
  scheduled: z.number().int(),
  /** Of them, signed in for the shift and not `absent`. */
  present: z.number().int(),
  attendanceRate: Rate,
  adherence: Rate,
  loggedInSec: z.number(),
  handled: z.number().int(),
  cph: z.number().nullable(),
  successRate: Rate,
  breakSec: z.number(),
  breakOverruns: z.number().int(),
});
export type ReportTeamRow = z.infer<typeof ReportTeamRowSchema>;

export const SHIFT_NAMES = ['early', 'late', 'night', 'day'] as const;
export const ShiftNameSchema = z.enum(SHIFT_NAMES);
export type ShiftName = z.infer<typeof ShiftNameSchema>;

export const ShiftReportSchema = z.object({
  date: z.string(),
  shift: ShiftNameSchema,
  tz: z.string(),
  /** The window in local time (`HH:mm`, end `24:00` allowed) and as instants. */
  window: z.object({ from: z.string(), to: z.string(), start: z.string(), end: z.string() }),
  /** The figures are as of this instant: the window's end, or now for a window still going on. */
  asOf: z.string(),
  /** False while the window is still going on (figures so far). */
  complete: z.boolean(),
  generatedAt: z.string(),
  /** Log entries read and events folded to build the report. */
  eventsFolded: z.number().int(),
  center: z.object({ slThresholdSec: z.number(), shortAbandonSec: z.number() }),
  totals: ReportQueueStatsSchema,
  queues: z.array(ReportQueueRowSchema),
  teams: z.array(ReportTeamRowSchema),
  agents: z.array(ReportAgentRowSchema),
});
export type ShiftReport = z.infer<typeof ShiftReportSchema>;

export const ReportFormatSchema = z.enum(['json', 'csv', 'html']);

/** `GET /api/v1/reports/shift` query. */
export const ShiftReportQuerySchema = z.strictObject({
  date: DateSchema.optional(),
  shift: ShiftNameSchema.default('day'),
  format: ReportFormatSchema.default('json'),
  lang: z.enum(['en', 'zh-CN']).default('en'),
});

/** `GET /api/v1/reports/intraday.csv` query. */
export const IntradayCsvQuerySchema = z.strictObject({
  date: DateSchema.optional(),
  interval: z.enum(['15', '30', '60']).default('15'),
  queueId: z.string().min(1).max(128).optional(),
});
