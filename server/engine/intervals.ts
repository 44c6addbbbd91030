import { BUCKET_MS, type DayCalendar, type DayRange } from './calendar.ts';

/** Calls `fn` with the part of [from, to) that falls in each calendar day. */
export function splitByDay(cal: DayCalendar, from: number, to: number, fn: (day: DayRange, ms: number) => void): void {
  let t = from;
  while (t < to) {
    const d = cal.dayOf(t);
    const end = Math.min(to, d.end);
    fn(d, end - t);
    t = end;
  }
}

/** Calls `fn` with the part of [from, to) that falls in each 15-minute bucket. */
export function splitByBucket(cal: DayCalendar, from: number, to: number, fn: (bucket: number, ms: number) => void): void {
  let t = from;
  while (t < to) {
    const b = cal.bucketOf(t);
    const end = Math.min(to, b + BUCKET_MS, cal.dayOf(t).end);
    fn(b, end - t);
    t = end;
  }
}
