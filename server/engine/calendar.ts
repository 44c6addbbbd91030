import { DateTime } from 'luxon';

/** A calendar day of the center: its key, its bounds, and `idx`, days since 1970-01-01 (compact per-agent day slots). */
export interface DayRange { key: string; idx: number; start: number; end: number }

/** Base granularity of the intraday series; 30/60-minute series are sums of these. */
export const BUCKET_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/**
 * Calendar days of the center's time zone (luxon does the zone maths). Day boundaries are
 * cached because every event asks; a day is found by its start instant.
 */
export class DayCalendar {
  private cache: DayRange[] = [];

  constructor(readonly tz: string) {
    if (!DateTime.now().setZone(tz).isValid) throw new Error(`unknown time zone: ${tz}`);
  }

  dayOf(ms: number): DayRange {
    const last = this.last;
    if (last !== null && ms >= last.start && ms < last.end) return last;
    for (const d of this.cache) if (ms >= d.start && ms < d.end) return (this.last = d);
    const local = DateTime.fromMillis(ms, { zone: this.tz }).startOf('day');
    const range = { key: local.toISODate()!, idx: Math.round(Date.UTC(local.year, local.month - 1, local.day) / DAY_MS), start: local.toMillis(), end: local.plus({ days: 1 }).toMillis() };
    this.cache.push(range);
    if (this.cache.length > 8) this.cache.shift();
    return (this.last = range);
  }

  /** The day of the last lookup: events mostly fall on the same day, so it is checked first. */
  private last: DayRange | null = null;

  dayKey(ms: number): string { return this.dayOf(ms).key; }

  /** Start of the 15-minute bucket holding `ms`, counted from local midnight. */
  bucketOf(ms: number): number {
    const d = this.dayOf(ms);
    return d.start + Math.floor((ms - d.start) / BUCKET_MS) * BUCKET_MS;
  }

  /** Instant of a local wall-clock time ("HH:mm", "24:00" allowed) on a day ("YYYY-MM-DD"). */
  at(day: string, hhmm: string): number {
    const [h, m] = hhmm.split(':').map(Number) as [number, number];
    const base = DateTime.fromISO(day, { zone: this.tz }).startOf('day');
    return base.plus({ hours: h, minutes: m }).toMillis();
  }

  /** Start of the day `key` ("YYYY-MM-DD"). Cached: projections ask for every row. */
  startOfDay(key: string): number {
    return memo(this.starts, key, () => DateTime.fromISO(key, { zone: this.tz }).startOf('day').toMillis());
  }

  /** Key of the day before `key`. Cached: every team row asks. */
  previousDay(key: string): string {
    return memo(this.previous, key, () => DateTime.fromISO(key, { zone: this.tz }).minus({ days: 1 }).toISODate()!);
  }

  private readonly starts = new Map<string, number>();
  private readonly previous = new Map<string, string>();
}

/** A small bounded cache (luxon parsing costs microseconds; the same few days are asked all day). */
function memo<V>(cache: Map<string, V>, key: string, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    v = make();
    if (cache.size >= 64) cache.clear();
    cache.set(key, v);
  }
  return v;
}
