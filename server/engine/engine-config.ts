import { METRIC_DEFAULTS } from '../../shared/metrics.ts';

export interface EngineConfig {
  tz: string;
  shortAbandonSec: number;
  slThresholdSec: number;
  slTarget: number;
  /** Waiting calls older than this are treated as lost (a missing end event), not as still waiting. */
  staleWaitSec: number;
  /** How long finished calls and past days are kept for late, out-of-order events. */
  retentionMs: number;
  /**
   * Reorder horizon, on the log's own event time: events older than the watermark (the latest
   * event time folded) minus this are compacted away; a later event that old is folded by the
   * too-late rule (docs/metrics.md, "Time and order").
   */
  reorderHorizonMs: number;
}

export const defaultEngineConfig = (tz = 'Asia/Shanghai'): EngineConfig => ({
  tz,
  shortAbandonSec: METRIC_DEFAULTS.shortAbandonSec,
  slThresholdSec: METRIC_DEFAULTS.slThresholdSec,
  slTarget: METRIC_DEFAULTS.slTarget,
  staleWaitSec: 4 * 3600,
  retentionMs: 36 * 3600_000,
  reorderHorizonMs: 5 * 60_000,
});
