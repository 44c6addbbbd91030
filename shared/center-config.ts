import { z } from 'zod';
import { IdSchema } from './ids.ts';
import { DEFAULT_THRESHOLDS, METRIC_DEFAULTS, type Threshold } from './metrics.ts';

/**
 * Center configuration (SPEC §4 "Configure"): display names of teams and queues and the
 * thresholds of SPEC §3, configurable per queue and per team, with center-wide defaults.
 * Stored in the ConfigStore and handed to the engine as data (`engine.setCenterConfig`).
 */

const NameSchema = z.string().trim().min(1, 'must not be empty').max(80, 'at most 80 characters');

/**
 * An amber/red pair. For "below" metrics (service level, adherence, attendance) red must not be
 * above amber; for "above" metrics (abandon rate, longest wait) red must not be below amber.
 */
function limits(direction: 'below' | 'above', value: z.ZodNumber) {
  return z.strictObject({ amber: value, red: value }).superRefine((t, ctx) => {
    if (direction === 'below' && t.red > t.amber) ctx.addIssue({ code: 'custom', path: ['red'], message: 'red must be at or below amber (lower is worse)' });
    if (direction === 'above' && t.red < t.amber) ctx.addIssue({ code: 'custom', path: ['red'], message: 'red must be at or above amber (higher is worse)' });
  });
}
const Fraction = () => z.number().min(0, 'at least 0').max(1, 'at most 1 (100 %)');
const Seconds = () => z.number().int('whole seconds').min(1, 'at least 1 s').max(86_400, 'at most 86400 s');

export const QueueThresholdsSchema = z.strictObject({
  serviceLevel: limits('below', Fraction()).optional(),
  abandonRate: limits('above', Fraction()).optional(),
  longestWaitSec: limits('above', Seconds()).optional(),
});
export const TeamThresholdsSchema = z.strictObject({
  adherence: limits('below', Fraction()).optional(),
  attendanceRate: limits('below', Fraction()).optional(),
});
export const CenterThresholdsSchema = z.strictObject({ ...QueueThresholdsSchema.shape, ...TeamThresholdsSchema.shape });

export const SlThresholdSecSchema = z.number().int('whole seconds').min(1, 'at least 1 s').max(3600, 'at most 3600 s');
export const SlTargetSchema = z.number().gt(0, 'above 0').max(1, 'at most 1 (100 %)');

export const QueueConfigSchema = z.strictObject({
  id: IdSchema,
  name: NameSchema,
  /** Answered within this many seconds counts toward the service level (SPEC §3 `slThresholdSec`). */
  slThresholdSec: SlThresholdSecSchema.optional(),
  /** Service-level target shown beside the SL and used by the forecast. */
  slTarget: SlTargetSchema.optional(),
  thresholds: QueueThresholdsSchema.optional(),
});
export type QueueConfig = z.infer<typeof QueueConfigSchema>;

export const TeamConfigSchema = z.strictObject({
  id: IdSchema,
  name: NameSchema,
  thresholds: TeamThresholdsSchema.optional(),
});
export type TeamConfig = z.infer<typeof TeamConfigSchema>;

export const CenterDefaultsSchema = z.strictObject({
  slThresholdSec: SlThresholdSecSchema.optional(),
  slTarget: SlTargetSchema.optional(),
  thresholds: CenterThresholdsSchema.optional(),
});
export type CenterDefaults = z.infer<typeof CenterDefaultsSchema>;

function uniqueIds(rows: readonly { id: string }[], ctx: z.RefinementCtx, key: string): void {
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate id ${r.id}` });
    seen.add(r.id);
  });
}

/** `PUT /api/v1/config/center`: the whole center configuration. */
export const CenterConfigSchema = z
  .strictObject({
    defaults: CenterDefaultsSchema.default({}),
    queues: z.array(QueueConfigSchema).max(500, 'at most 500 queues').default([]),
    teams: z.array(TeamConfigSchema).max(500, 'at most 500 teams').default([]),
  })
  .superRefine((c, ctx) => { uniqueIds(c.queues, ctx, 'queues'); uniqueIds(c.teams, ctx, 'teams'); });
export type CenterConfig = z.infer<typeof CenterConfigSchema>;

/** One queue or team in `PUT /api/v1/config/queues/:id` / `teams/:id` (the id comes from the path). */
export const QueueConfigPutSchema = QueueConfigSchema.omit({ id: true });
export const TeamConfigPutSchema = TeamConfigSchema.omit({ id: true });

/** The stored document: the configuration plus who changed it last. */
export interface CenterConfigDoc extends CenterConfig { updatedAt: string | null; updatedBy: string | null }

export const EMPTY_CENTER_CONFIG: CenterConfig = { defaults: {}, queues: [], teams: [] };

/** A resolved amber/red pair (no direction: the metric fixes it). */
export interface Limits { amber: number; red: number }
export type QueueLimits = { serviceLevel: Limits; abandonRate: Limits; longestWaitSec: Limits };
export type TeamLimits = { adherence: Limits; attendanceRate: Limits };
export type CenterLimits = QueueLimits & TeamLimits;

const pair = (t: Threshold): Limits => ({ amber: t.amber, red: t.red });

/** Center-wide thresholds: the configured defaults over SPEC §3's. */
export function centerLimits(cfg: CenterConfig | null | undefined): CenterLimits {
  const d = cfg?.defaults.thresholds ?? {};
  return {
    serviceLevel: d.serviceLevel ?? pair(DEFAULT_THRESHOLDS.serviceLevel),
    abandonRate: d.abandonRate ?? pair(DEFAULT_THRESHOLDS.abandonRate),
    longestWaitSec: d.longestWaitSec ?? pair(DEFAULT_THRESHOLDS.longestWaitSec),
    adherence: d.adherence ?? pair(DEFAULT_THRESHOLDS.adherence),
    attendanceRate: d.attendanceRate ?? pair(DEFAULT_THRESHOLDS.attendanceRate),
  };
}

/** A queue's thresholds: its own, else the center's, else SPEC §3's. */
export function queueLimits(cfg: CenterConfig | null | undefined, queueId: string): QueueLimits {
  const c = centerLimits(cfg);
  const q = cfg?.queues.find((x) => x.id === queueId)?.thresholds ?? {};
  return { serviceLevel: q.serviceLevel ?? c.serviceLevel, abandonRate: q.abandonRate ?? c.abandonRate, longestWaitSec: q.longestWaitSec ?? c.longestWaitSec };
}

/** A team's thresholds: its own, else the center's, else SPEC §3's. */
export function teamLimits(cfg: CenterConfig | null | undefined, teamId: string): TeamLimits {
  const c = centerLimits(cfg);
  const t = cfg?.teams.find((x) => x.id === teamId)?.thresholds ?? {};
  return { adherence: t.adherence ?? c.adherence, attendanceRate: t.attendanceRate ?? c.attendanceRate };
}

/** The threshold (with its direction) of a metric from resolved limits. */
export function withDirection(name: keyof CenterLimits, l: Limits): Threshold {
  return { ...l, direction: DEFAULT_THRESHOLDS[name].direction };
}

export type QueueSl = { slThresholdSec: number; slTarget: number };

/** Service-level settings of a queue: its own, else the center's configured ones, else `base` (environment). */
export function queueSl(cfg: CenterConfig | null | undefined, queueId: string, base: QueueSl = METRIC_DEFAULTS): QueueSl {
  const q = cfg?.queues.find((x) => x.id === queueId);
  return {
    slThresholdSec: q?.slThresholdSec ?? cfg?.defaults.slThresholdSec ?? base.slThresholdSec,
    slTarget: q?.slTarget ?? cfg?.defaults.slTarget ?? base.slTarget,
  };
}
