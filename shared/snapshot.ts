import { z } from 'zod';
import { AgentStateSchema } from './events.ts';

const Rate = z.number().min(0).max(1).nullable();
const Iso = z.string();
/** Instants inside rows are epoch milliseconds: compact on the wire (SPEC §8 delta budget). */
const EpochMs = z.number().int();
export const SeveritySchema = z.enum(['ok', 'amber', 'red']);
/** An amber/red threshold pair (the metric fixes which side is bad). */
export const LimitsSchema = z.object({ amber: z.number(), red: z.number() });

/** Queue fields of SPEC §3 (today, in CENTER_TZ). */
export const QueueStatsSchema = z.object({
  waiting: z.number().int(),
  longestWaitSec: z.number(),
  /** When the longest-waiting call entered the queue, so screens can tick the wait locally. */
  oldestQueuedAt: EpochMs.nullable(),
  offered: z.number().int(),
  answered: z.number().int(),
  abandoned: z.number().int(),
  shortAbandoned: z.number().int(),
  timedOut: z.number().int(),
  answeredWithinSl: z.number().int(),
  serviceLevel: Rate,
  abandonRate: Rate,
  answerRate: Rate,
  asaSec: z.number().nullable(),
  ahtSec: z.number().nullable(),
  handled: z.number().int(),
  transferred: z.number().int(),
  transferRate: Rate,
});
export type QueueStats = z.infer<typeof QueueStatsSchema>;

/**
 * Projected service level (Erlang C from the live arrival rate, AHT and the agents the roster
 * and break plans put on the phones): over the next 15 minutes and the 15 after; null without data.
 */
export const SlForecastSchema = z.object({ in15: Rate, in30: Rate, target: z.number() });
export type SlForecast = z.infer<typeof SlForecastSchema>;

export const QueueRowSchema = QueueStatsSchema.extend({
  id: z.string(),
  severity: z.object({ serviceLevel: SeveritySchema, abandonRate: SeveritySchema, longestWaitSec: SeveritySchema }),
  /** Optional for compatibility with older servers; this server always sends it. */
  slForecast: SlForecastSchema.optional(),
  /** Display name from the center configuration (absent: screens derive one from the id). */
  name: z.string().optional(),
  /** This queue's service-level settings and thresholds (center configuration, else SPEC §3 defaults). */
  slThresholdSec: z.number().optional(),
  slTarget: z.number().optional(),
  thresholds: z.object({ serviceLevel: LimitsSchema, abandonRate: LimitsSchema, longestWaitSec: LimitsSchema }).optional(),
});
export type QueueRow = z.infer<typeof QueueRowSchema>;

export const AgentStateOrOfflineSchema = z.union([AgentStateSchema, z.literal('offline')]);
export type AgentState = z.infer<typeof AgentStateOrOfflineSchema>;

export const AttendanceSchema = z.enum(['not_scheduled', 'upcoming', 'on_time', 'late', 'half_day_absent', 'absent', 'early_leave']);
export type Attendance = z.infer<typeof AttendanceSchema>;

export const GradeSchema = z.enum(['A', 'B', 'C', 'trainee', 'below']).nullable();

/**
 * Agent fields of SPEC §3. `loggedInSec`, `breakSec`, `cph`, `grade` and `breakOverrun` are
 * true at `figuresAt`; screens advance them to their own "now" with `advanceAgent()`.
 */
export const AgentRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  teamId: z.string(),
  state: AgentStateOrOfflineSchema,
  reason: z.string().nullable(),
  stateSince: EpochMs,
  figuresAt: EpochMs,
  loggedInSec: z.number(),
  handled: z.number().int(),
  success: z.number().int(),
  failure: z.number().int(),
  cph: z.number().nullable(),
  successRate: Rate,
  grade: GradeSchema,
  breakSec: z.number(),
  breakOverrun: z.boolean(),
  /** When the current break or off-seat stretch turns into an overrun (null if it cannot). */
  overrunAt: EpochMs.nullable(),
  currentCallQueueId: z.string().nullable(),
  adherence: Rate,
  conformance: z.number().min(0).nullable(),
  attendance: AttendanceSchema,
});
export type AgentRow = z.infer<typeof AgentRowSchema>;

export const TeamRowSchema = z.object({
  id: z.string(),
  agents: z.number().int(),
  scheduledNow: z.number().int(),
  loggedIn: z.number().int(),
  available: z.number().int(),
  ringing: z.number().int(),
  onCall: z.number().int(),
  wrapUp: z.number().int(),
  onBreak: z.number().int(),
  away: z.number().int(),
  handled: z.number().int(),
  cph: z.number().nullable(),
  successRate: Rate,
  breakOverruns: z.number().int(),
  attendanceRate: Rate,
  adherence: Rate,
  /** Display name from the center configuration (absent: screens derive one from the id). */
  name: z.string().optional(),
  /** Colour states of the team's adherence and attendance against its thresholds. */
  severity: z.object({ adherence: SeveritySchema, attendanceRate: SeveritySchema }).optional(),
  thresholds: z.object({ adherence: LimitsSchema, attendanceRate: LimitsSchema }).optional(),
});
export type TeamRow = z.infer<typeof TeamRowSchema>;

export const FloorSchema = z.object({
  cphLastHour: z.number().int(),
  agentsLoggedIn: z.number().int(),
  agentsAvailable: z.number().int(),
  agentsOnCall: z.number().int(),
  agentsOnBreak: z.number().int(),
  adherence: Rate,
});
export type Floor = z.infer<typeof FloorSchema>;

export const AlertSchema = z.object({
  id: z.string(),
  rule: z.enum(['long_wait', 'service_level', 'abandon_rate', 'break_overrun', 'away_overrun', 'early_break', 'break_not_taken', 'break_during_work', 'attendance', 'sl_at_risk']),
  severity: z.enum(['amber', 'red']),
  since: EpochMs,
  queueId: z.string().optional(),
  agentId: z.string().optional(),
  teamId: z.string().optional(),
  /** Measured value that raised the alert (seconds or a rate), for the message. */
  value: z.number().nullable().optional(),
  /** `sl_at_risk`: minutes ahead the projected SL falls below target (15 or 30). */
  inMin: z.number().int().optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const CenterInfoSchema = z.object({
  tz: z.string(),
  today: z.string(),
  slThresholdSec: z.number(),
  shortAbandonSec: z.number(),
  slTarget: z.number(),
  /** Center-wide thresholds (for totals); queue and team rows carry their own. */
  thresholds: z.object({
    serviceLevel: LimitsSchema, abandonRate: LimitsSchema, longestWaitSec: LimitsSchema, adherence: LimitsSchema, attendanceRate: LimitsSchema,
  }).optional(),
});

/** `GET /api/v1/snapshot` and the socket's `floor:snapshot`. */
export const SnapshotSchema = z.object({
  asOf: Iso,
  seq: z.number().int(),
  center: CenterInfoSchema,
  totals: QueueStatsSchema,
  queues: z.array(QueueRowSchema),
  agents: z.array(AgentRowSchema),
  teams: z.array(TeamRowSchema),
  floor: FloorSchema,
  alerts: z.array(AlertSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const IntervalPointSchema = z.object({
  start: Iso,
  offered: z.number().int(),
  answered: z.number().int(),
  abandoned: z.number().int(),
  serviceLevel: Rate,
  asaSec: z.number().nullable(),
  agentsLoggedIn: z.number(),
  agentsOnBreak: z.number(),
});
export type IntervalPoint = z.infer<typeof IntervalPointSchema>;

export const IntradaySchema = z.object({
  asOf: Iso,
  day: z.string(),
  intervalMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]),
  queueId: z.string().nullable(),
  points: z.array(IntervalPointSchema),
});
export type Intraday = z.infer<typeof IntradaySchema>;
