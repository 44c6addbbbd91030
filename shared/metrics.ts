/**
 * Metric constants and the small pure formulas both the engine and the screens use,
 * so a tile's "how is this computed" text and the number come from one definition (SPEC §3).
 */
export const METRIC_DEFAULTS = {
  shortAbandonSec: 5,
  slThresholdSec: 20,
  slTarget: 0.8,
  /** An agent's CPH is null until they have been logged in this long today. */
  cphMinLoggedInSec: 600,
  shortBreakPlanSec: 300,
  awayLimitSec: 600,
  floorCphWindowSec: 3600,
  intervalMinutes: 15,
} as const;

export type Severity = 'ok' | 'amber' | 'red';

/** Threshold pair: `amber` and `red` limits; `direction` says which side is bad. */
export interface Threshold { amber: number; red: number; direction: 'below' | 'above' }

export const DEFAULT_THRESHOLDS = {
  serviceLevel: { amber: 0.8, red: 0.7, direction: 'below' },
  abandonRate: { amber: 0.05, red: 0.1, direction: 'above' },
  longestWaitSec: { amber: 60, red: 120, direction: 'above' },
  adherence: { amber: 0.9, red: 0.8, direction: 'below' },
  attendanceRate: { amber: 0.95, red: 0.95, direction: 'below' },
} as const satisfies Record<string, Threshold>;
export type ThresholdName = keyof typeof DEFAULT_THRESHOLDS;

/** Colour state of a value against its threshold; `null` (no data) is never alarming. */
export function severityOf(value: number | null, t: Threshold): Severity {
  if (value === null) return 'ok';
  if (t.direction === 'below') return value < t.red ? 'red' : value < t.amber ? 'amber' : 'ok';
  return value > t.red ? 'red' : value > t.amber ? 'amber' : 'ok';
}

/** A rate whose denominator is 0 is null, never 0 or NaN. */
export function rate(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** TSR grade table of SPEC §2, best first. */
export const GRADE_TABLE = [
  { grade: 'A', minCph: 17, minSuccessRate: 0.65 },
  { grade: 'B', minCph: 15, minSuccessRate: 0.6 },
  { grade: 'C', minCph: 13, minSuccessRate: 0.58 },
  { grade: 'trainee', minCph: 11, minSuccessRate: 0.52 },
] as const;
export type Grade = (typeof GRADE_TABLE)[number]['grade'] | 'below' | null;

/** Grade from today's CPH and success rate; null while either is unknown. */
export function gradeOf(cph: number | null, successRate: number | null): Grade {
  if (cph === null || successRate === null) return null;
  for (const row of GRADE_TABLE) if (cph >= row.minCph && successRate >= row.minSuccessRate) return row.grade;
  return 'below';
}

/** Calls per logged-in hour; null while logged in less than `cphMinLoggedInSec`. */
export function cphOf(handled: number, loggedInSec: number): number | null {
  return loggedInSec < METRIC_DEFAULTS.cphMinLoggedInSec ? null : handled / (loggedInSec / 3600);
}
