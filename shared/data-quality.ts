import { z } from 'zod';

/**
 * `GET /api/v1/data-quality`: what came in, per source, and what was wrong with it — so a wrong
 * number on the wall can be traced back to its input. Sources: an ingest key's name (or the label
 * a producer sends in `X-Floorboard-Source`), `asterisk` (queue_log adapter), `simulator`.
 */

export const LagSchema = z.object({
  /** Samples in the window (arrival time − event time of accepted events). */
  samples: z.number().int(),
  p50Sec: z.number().nullable(),
  p95Sec: z.number().nullable(),
  maxSec: z.number().nullable(),
});

export const RejectionSchema = z.object({
  at: z.string(),
  source: z.string(),
  /** Error code of the answer (`validation_failed`, `unauthorized`, …) or `malformed_line`. */
  reason: z.string(),
  /** What was wrong (field paths and messages, never field values). */
  detail: z.string(),
});

export const SourceQualitySchema = z.object({
  source: z.string(),
  /** Requests answered 2xx. */
  requests: z.number().int(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  /** Events older than an event of the same call or agent accepted before (out of order). */
  outOfOrder: z.number().int(),
  unknownAgent: z.number().int(),
  unknownQueue: z.number().int(),
  /** A few of the unknown ids, newest first. */
  unknownAgentIds: z.array(z.string()),
  unknownQueueIds: z.array(z.string()),
  /** Rejected requests by error code. */
  rejected: z.record(z.string(), z.number().int()),
  /** queue_log lines rejected (the rest of their request was applied). */
  rejectedLines: z.number().int(),
  lag: LagSchema,
  lastEventAt: z.string().nullable(),
  lastRequestAt: z.string().nullable(),
});
export type SourceQuality = z.infer<typeof SourceQualitySchema>;

export const DataQualitySchema = z.object({
  asOf: z.string(),
  /** Ingest counters are this instance's since `since` (each instance counts what it received). */
  since: z.string(),
  lagWindowSec: z.number(),
  /** How unknown agents are judged now: against the roster of the event's day, or by sign-ins seen. */
  unknownRule: z.object({ agents: z.enum(['roster', 'never_logged_in']), queues: z.enum(['center_config', 'never_offered']) }),
  /**
   * The floor's own fold (every replica agrees): events folded, out-of-order events re-folded, and
   * events beyond the reorder horizon folded by the too-late rule (docs/metrics.md).
   */
  floor: z.object({ eventsApplied: z.number().int(), outOfOrder: z.number().int(), tooLate: z.number().int() }),
  sources: z.array(SourceQualitySchema),
  recentRejections: z.array(RejectionSchema),
});
export type DataQuality = z.infer<typeof DataQualitySchema>;
