import { DateTime } from 'luxon';
import { SHIFTS, type AgentDef, type FloorDef, type ShiftName } from './floor-config.ts';
import { Rng } from './prng.ts';

/**
 * Calendar and roster of the demo floor: local days in the center's time zone, each agent's
 * shift on a date (weekly rotation) and the planned activities of that shift (the break
 * rotation). Everything here is a pure function of the floor, the date and the time zone, so
 * the simulator and the roster it publishes always agree.
 */

export interface LocalDay {
  /** `YYYY-MM-DD` in the center's time zone. */
  date: string;
  startMs: number;
  endMs: number;
  /** 1 = Monday .. 7 = Sunday. */
  weekday: number;
  weekNumber: number;
}

function dayFromDateTime(dt: DateTime): LocalDay {
  const start = dt.startOf('day');
  return {
    date: start.toISODate() as string,
    startMs: start.toMillis(),
    endMs: start.plus({ days: 1 }).toMillis(),
    weekday: start.weekday,
    weekNumber: start.weekNumber,
  };
}

export function localDayOf(ms: number, tz: string): LocalDay {
  const dt = DateTime.fromMillis(ms, { zone: tz });
  if (!dt.isValid) throw new Error(`invalid time zone: ${tz}`);
  return dayFromDateTime(dt);
}

export function localDayOfDate(date: string, tz: string): LocalDay {
  const dt = DateTime.fromISO(date, { zone: tz });
  if (!dt.isValid) throw new Error(`invalid date or time zone: ${date} ${tz}`);
  return dayFromDateTime(dt);
}

export function nextLocalDay(day: LocalDay, tz: string): LocalDay {
  return localDayOf(day.endMs, tz);
}

/** Epoch ms of a local `HH:MM` on the day (`24:00` = the next midnight). */
export function localTimeMs(day: LocalDay, hhmm: string, tz: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  if (h === 24 && m === 0) return day.endMs;
  return DateTime.fromMillis(day.startMs, { zone: tz }).set({ hour: h, minute: m, second: 0, millisecond: 0 }).toMillis();
}

/** Local hour of day as a fraction (e.g. 14.5 for 14:30). */
export function localHourOf(ms: number, tz: string): number {
  const dt = DateTime.fromMillis(ms, { zone: tz });
  return dt.hour + dt.minute / 60 + dt.second / 3600;
}

function formatLocal(ms: number, day: LocalDay, tz: string): string {
  if (ms >= day.endMs) return '24:00';
  return DateTime.fromMillis(ms, { zone: tz }).toFormat('HH:mm');
}

/** Groups A and B swap the early and late shifts every ISO week; group N works nights. */
export function shiftFor(agent: AgentDef, day: LocalDay): ShiftName {
  if (agent.rotation === 'N') return 'night';
  const evenWeek = day.weekNumber % 2 === 0;
  return (agent.rotation === 'A') === evenWeek ? 'early' : 'late';
}

export type ActivityType = 'short_break' | 'meal' | 'training' | 'meeting';

export interface PlannedActivity {
  type: ActivityType;
  startMs: number;
  endMs: number;
}

export interface AgentDayPlan {
  agent: AgentDef;
  day: LocalDay;
  shift: ShiftName;
  shiftStartMs: number;
  shiftEndMs: number;
  /** Sorted by start; short breaks never within the first 30 minutes after the shift start. */
  activities: PlannedActivity[];
}

const MIN = 60_000;

/**
 * The planned shift of an agent on a day: a 5-minute short break in every working hour
 * (staggered across the team, 5-minute slots, none in the first 30 minutes), one 30-minute meal
 * in one of six waves from 3 h into the shift, now and then a 30-minute training, and for the
 * telesales team a 15-minute team meeting late in the shift.
 */
export function planAgentDay(floor: FloorDef, agent: AgentDef, day: LocalDay, tz: string): AgentDayPlan {
  const shift = shiftFor(agent, day);
  const shiftStartMs = localTimeMs(day, SHIFTS[shift].start, tz);
  const shiftEndMs = localTimeMs(day, SHIFTS[shift].end, tz);
  const dayIndex = Math.floor(day.startMs / 86_400_000);
  const fixed: PlannedActivity[] = [];

  const mealStart = shiftStartMs + 180 * MIN + (agent.member % 6) * 30 * MIN;
  fixed.push({ type: 'meal', startMs: mealStart, endMs: mealStart + 30 * MIN });

  const rng = Rng.derive(floor.seed, `plan|${day.date}|${agent.id}`);
  if (agent.kind === 'inbound' && rng.chance(0.06)) {
    const start = shiftStartMs + 90 * MIN + rng.int(0, 2) * 30 * MIN;
    fixed.push({ type: 'training', startMs: start, endMs: start + 30 * MIN });
  }
  if (agent.kind === 'outbound') {
    const start = shiftStartMs + 390 * MIN;
    fixed.push({ type: 'meeting', startMs: start, endMs: start + 15 * MIN });
  }

  const slot = (agent.member * 5 + dayIndex) % 12;
  const breaks: PlannedActivity[] = [];
  const hours = Math.round((shiftEndMs - shiftStartMs) / (60 * MIN));
  for (let k = 0; k < hours; k += 1) {
    const minute = k === 0 ? 30 + (slot % 6) * 5 : slot * 5;
    const startMs = shiftStartMs + k * 60 * MIN + minute * MIN;
    const b = { type: 'short_break' as const, startMs, endMs: startMs + 5 * MIN };
    if (b.endMs > shiftEndMs - 10 * MIN) continue;
    if (fixed.some((a) => b.startMs < a.endMs + 15 * MIN && a.startMs < b.endMs + 15 * MIN)) continue;
    breaks.push(b);
  }
  const activities = [...fixed, ...breaks].sort((a, b) => a.startMs - b.startMs);
  return { agent, day, shift, shiftStartMs, shiftEndMs, activities };
}

/** One agent's roster entry in the shape of `PUT /api/v1/roster` (SPEC §4). */
export interface RosterEntry {
  agentId: string;
  teamId: string;
  shiftStart: string;
  shiftEnd: string;
  activities: { type: ActivityType; start: string; end: string }[];
}

/** The demo roster of a date, ready for `PUT /api/v1/roster`. */
export function rosterForDate(floor: FloorDef, date: string, tz: string): { date: string; entries: RosterEntry[] } {
  const day = localDayOfDate(date, tz);
  const entries = floor.agents.map((agent) => {
    const plan = planAgentDay(floor, agent, day, tz);
    return {
      agentId: agent.id,
      teamId: agent.teamId,
      shiftStart: SHIFTS[plan.shift].start,
      shiftEnd: SHIFTS[plan.shift].end,
      activities: plan.activities.map((a) => ({ type: a.type, start: formatLocal(a.startMs, day, tz), end: formatLocal(a.endMs, day, tz) })),
    };
  });
  return { date: day.date, entries };
}
