/**
 * Inbound demand over the day: a typical contact-center intraday curve (quiet at night, a
 * morning peak around 10:00, a lunch dip, an afternoon peak around 15:00, a long evening tail),
 * scaled by day of week. Local time of the center.
 */

/** Relative volume per local hour 0..23 (value of hour h sits at h:30; linearly interpolated). */
export const HOURLY_WEIGHTS: readonly number[] = [
  0.8, 0.5, 0.4, 0.3, 0.3, 0.4, 0.8, 1.8, // 00–07
  4.5, 7.5, 8.5, 7.8, 5.5, 6.5, 8.0, 8.2, // 08–15
  7.8, 7.4, 7.0, 7.2, 6.8, 5.6, 3.8, 2.0, // 16–23
];

const TOTAL_WEIGHT = HOURLY_WEIGHTS.reduce((s, w) => s + w, 0);

/** Luxon weekday 1 (Monday) .. 7 (Sunday) → volume factor. */
const WEEKDAY_FACTOR: readonly number[] = [1.08, 1.0, 1.0, 0.98, 1.02, 0.8, 0.7];

export function weekdayFactor(weekday: number): number {
  return WEEKDAY_FACTOR[weekday - 1] ?? 1;
}

/**
 * Fraction of the day's volume arriving per hour at local time `hourOfDay` (0 ≤ h < 24, fractional).
 * The cyclic piecewise-linear curve integrates to exactly 1 over the day.
 */
export function dayFractionPerHour(hourOfDay: number): number {
  const x = (((hourOfDay - 0.5) % 24) + 24) % 24;
  const i = Math.floor(x);
  const f = x - i;
  const a = HOURLY_WEIGHTS[i] ?? 0;
  const b = HOURLY_WEIGHTS[(i + 1) % 24] ?? 0;
  return (a + (b - a) * f) / TOTAL_WEIGHT;
}

/** The largest value `dayFractionPerHour` takes (for thinning). */
export const MAX_DAY_FRACTION_PER_HOUR = Math.max(...HOURLY_WEIGHTS) / TOTAL_WEIGHT;
export const MAX_WEEKDAY_FACTOR = Math.max(...WEEKDAY_FACTOR);
