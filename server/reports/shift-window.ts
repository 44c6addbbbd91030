import { DateTime } from 'luxon';
import type { ShiftName } from '../../shared/report.ts';
import { localInstant } from '../schedule/roster.ts';

/** Local shift times (`HH:mm`; end `24:00` allowed). SPEC §2 defaults; `SHIFT_TIMES` overrides. */
export type ShiftTimes = Record<Exclude<ShiftName, 'day'>, { from: string; to: string }>;

export const DEFAULT_SHIFT_TIMES: ShiftTimes = {
  early: { from: '08:00', to: '16:00' },
  late: { from: '16:00', to: '24:00' },
  night: { from: '00:00', to: '08:00' },
};

const HHMM = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/**
 * Parses `early=08:00-16:00,late=16:00-24:00,night=00:00-08:00` (any subset; the rest keep their
 * defaults). A shift lies inside one calendar day (the night shift is 00:00–08:00 of its own day).
 * Throws with a message naming the bad part.
 */
export function parseShiftTimes(value: string | undefined): ShiftTimes {
  const out: ShiftTimes = structuredClone(DEFAULT_SHIFT_TIMES);
  if (value === undefined || value.trim() === '') return out;
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(early|late|night)=(\d\d:\d\d)-(\d\d:\d\d)$/.exec(part);
    if (!m) throw new Error(`"${part}" is not name=HH:mm-HH:mm with name early, late or night`);
    const [, name, from, to] = m as unknown as [string, keyof ShiftTimes, string, string];
    if (!HHMM.test(from) || !HHMM.test(to) || from === '24:00') throw new Error(`"${part}": times must be 00:00–24:00`);
    if (to <= from) throw new Error(`"${part}": the end must be after the start (a shift does not cross midnight)`);
    out[name] = { from, to };
  }
  return out;
}

export interface ReportWindow {
  date: string;
  shift: ShiftName;
  from: string;
  to: string;
  start: number;
  end: number;
}

/** The window of `shift` on `date` in `tz` (`day` = the whole calendar day). */
export function shiftWindow(tz: string, date: string, shift: ShiftName, times: ShiftTimes = DEFAULT_SHIFT_TIMES): ReportWindow {
  const { from, to } = shift === 'day' ? { from: '00:00', to: '24:00' } : times[shift];
  return { date, shift, from, to, start: localInstant(tz, date, from), end: localInstant(tz, date, to) };
}

/** Today's date in `tz`. */
export function localDate(tz: string, ms: number): string {
  return DateTime.fromMillis(ms, { zone: tz }).toISODate()!;
}

export function addDays(tz: string, date: string, days: number): string {
  return DateTime.fromISO(date, { zone: tz }).plus({ days }).toISODate()!;
}
