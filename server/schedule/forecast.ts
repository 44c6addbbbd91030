import type { ProjectionInterval } from '../../shared/roster.ts';
import { BUCKET_MS } from '../engine/calendar.ts';
import type { FloorEngine } from '../engine/engine.ts';
import { QB } from '../engine/counters.ts';
import { erlangCFractional } from './erlang-c.ts';
import type { ResolvedShift } from './roster.ts';

/** The arrival rate is measured over the current 15-minute interval and the two before it (30–45 min). */
export const ARRIVAL_WINDOW_BUCKETS = 2;
/** Fewer calls than this in the window: too little to project from. */
export const MIN_FORECAST_OFFERED = 5;
export const FORECAST_STEP_MS = 15 * 60_000;

export interface QueueLoad { queueId: string; offered: number; windowSec: number; callsPerSec: number | null; ahtSec: number | null }

/** Live load of a queue: calls offered per second over the last 30–45 minutes, and today's AHT. */
export function queueLoad(engine: FloorEngine, queueId: string, ahtSec: number | null, now: number): QueueLoad {
  const current = engine.cal.bucketOf(now);
  const from = current - ARRIVAL_WINDOW_BUCKETS * BUCKET_MS;
  let offered = 0;
  for (let b = from; b <= current; b += BUCKET_MS) offered += engine.queueBucket(queueId, b, QB.offered);
  const windowSec = (now - from) / 1000;
  return { queueId, offered, windowSec, callsPerSec: offered >= MIN_FORECAST_OFFERED && windowSec > 0 ? offered / windowSec : null, ahtSec };
}

/** Agents available to a queue over [from, to): each serving team's scheduled staff × the queue's share of that team. */
export function queueStaffing(engine: FloorEngine, queueId: string, from: number, to: number, override?: { teamId: string; date: string; shifts: readonly ResolvedShift[] }): number | null {
  const teams = engine.schedule.teamsOf(queueId);
  if (teams.length === 0) return null;
  let staffed = 0;
  for (const { teamId, share } of teams) {
    const o = override && override.teamId === teamId ? { date: override.date, shifts: override.shifts } : undefined;
    staffed += share * engine.schedule.staffing(teamId, from, to, o);
  }
  return staffed;
}

/** Projected SL and ASA (Erlang C) for a load and a staffing; null without enough data. */
export function project(load: QueueLoad, staffed: number | null, slThresholdSec: number): { sl: number | null; asa: number | null } {
  if (load.callsPerSec === null || load.ahtSec === null || load.ahtSec <= 0 || staffed === null) return { sl: null, asa: null };
  const r = erlangCFractional(load.callsPerSec, load.ahtSec, staffed, slThresholdSec);
  return { sl: round4(r.serviceLevel), asa: r.asaSec === null ? null : Math.round(r.asaSec * 10) / 10 };
}

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

export interface SlForecast { in15: number | null; in30: number | null; target: number }

/**
 * SPEC "service level at risk": projected SL of a queue over the next 15 minutes (`in15`) and the
 * 15 after (`in30`), from the live arrival rate and AHT and the agents the roster and the break
 * plans put on the phones then. Null while there is no roster, no call sample or no AHT yet.
 */
export function slForecast(engine: FloorEngine, queueId: string, ahtSec: number | null, now: number): SlForecast {
  const { slTarget: target, slThresholdSec } = engine.queueSlOf(queueId);
  // Without today's roster there is no staffing to project from (and nothing to compute).
  if (!engine.schedule.hasDay(engine.cal.dayKey(now))) return { in15: null, in30: null, target };
  const load = queueLoad(engine, queueId, ahtSec, now);
  if (load.callsPerSec === null || ahtSec === null) return { in15: null, in30: null, target };
  const at = (from: number) => project(load, queueStaffing(engine, queueId, from, from + FORECAST_STEP_MS), slThresholdSec).sl;
  return { in15: at(now), in30: at(now + FORECAST_STEP_MS), target };
}

/**
 * Projection of a change of one team's shifts (a proposed break plan): for every 15-minute
 * interval from now to the end of `date` where the team's staffing changes, and every queue the
 * team serves, the SL and ASA with and without the change.
 */
export function projectChange(engine: FloorEngine, teamId: string, date: string, proposed: readonly ResolvedShift[], loads: ReadonlyMap<string, QueueLoad>, now: number): ProjectionInterval[] {
  const out: ProjectionInterval[] = [];
  const dayStart = engine.cal.startOfDay(date);
  const dayEnd = engine.cal.dayOf(dayStart).end;
  const queues = engine.schedule.queuesOf(teamId);
  for (let from = Math.max(dayStart, engine.cal.bucketOf(now)); from < dayEnd; from += BUCKET_MS) {
    const to = from + BUCKET_MS;
    const teamBefore = engine.schedule.staffing(teamId, from, to);
    const teamAfter = engine.schedule.staffing(teamId, from, to, { date, shifts: proposed });
    if (Math.abs(teamBefore - teamAfter) < 1e-9) continue;
    for (const { queueId } of queues) {
      const load = loads.get(queueId);
      if (!load) continue;
      const before = queueStaffing(engine, queueId, from, to);
      const after = queueStaffing(engine, queueId, from, to, { teamId, date, shifts: proposed });
      const { slThresholdSec: threshold, slTarget } = engine.queueSlOf(queueId);
      const pb = project(load, before, threshold);
      const pa = project(load, after, threshold);
      out.push({
        start: new Date(from).toISOString(), end: new Date(to).toISOString(), queueId,
        staffedBefore: Math.round((before ?? 0) * 100) / 100, staffedAfter: Math.round((after ?? 0) * 100) / 100,
        slBefore: pb.sl, slAfter: pa.sl, asaBefore: pb.asa, asaAfter: pa.asa,
        warn: pa.sl !== null && pa.sl < slTarget,
      });
    }
  }
  return out;
}
