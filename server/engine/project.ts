import { withDirection } from '../../shared/center-config.ts';
import { cphOf, gradeOf, rate, severityOf } from '../../shared/metrics.ts';
import type { AgentRow, Floor, QueueRow, QueueStats, TeamRow } from '../../shared/snapshot.ts';
import { overrunAt } from './agent-fold.ts';
import { QD, STATE_CODE, TD } from './counters.ts';
import type { FloorEngine } from './engine.ts';
import { slForecast } from '../schedule/forecast.ts';

/** Rates to 4 decimals and seconds to 0.1 s: exact enough for a wall, small on the wire. */
export const round4 = (v: number | null) => (v === null ? null : Math.round(v * 10_000) / 10_000);
export const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

interface WaitingView { waiting: number; oldest: number | null }

function waitingIn(engine: FloorEngine, queueIds: Iterable<string>, now: number): WaitingView {
  const staleBefore = now - engine.cfg.staleWaitSec * 1000;
  let waiting = 0;
  let oldest: number | null = null;
  for (const q of queueIds) {
    for (const at of engine.waitingIn(q)) {
      if (at < staleBefore) continue;
      waiting++;
      if (oldest === null || at < oldest) oldest = at;
    }
  }
  return { waiting, oldest };
}

/** SPEC §3 queue fields for today over `queueIds` (one queue, or all of them for totals). */
export function queueStats(engine: FloorEngine, queueIds: readonly string[], now: number): QueueStats {
  const day = engine.cal.dayKey(now);
  const sum = (f: keyof typeof QD) => queueIds.reduce((s, q) => s + engine.queueDay(q, day, QD[f]), 0);
  const offered = sum('offered');
  const answered = sum('answered');
  const abandoned = sum('abandoned');
  const shortAbandoned = sum('shortAbandoned');
  const timedOut = sum('timedOut');
  const answeredWithinSl = sum('withinSl');
  const handled = sum('handled');
  const transferred = sum('transferred');
  const { waiting, oldest } = waitingIn(engine, queueIds, now);
  const slDenominator = answered + abandoned + timedOut;
  return {
    waiting,
    longestWaitSec: oldest === null ? 0 : round1(Math.max(0, now - oldest) / 1000)!,
    oldestQueuedAt: oldest,
    offered, answered, abandoned, shortAbandoned, timedOut, answeredWithinSl,
    serviceLevel: round4(rate(answeredWithinSl, slDenominator)),
    abandonRate: round4(rate(abandoned, slDenominator)),
    answerRate: round4(rate(answered, answered + abandoned + shortAbandoned + timedOut)),
    asaSec: round1(answered > 0 ? sum('waitSum') / answered / 1000 : null),
    ahtSec: round1(handled > 0 ? sum('handleSum') / handled / 1000 : null),
    handled,
    transferred,
    transferRate: round4(rate(transferred, answered)),
  };
}

/** Totals over already projected queue rows (a scope limited to some queues). */
export function totalsOf(rows: readonly QueueStats[]): QueueStats {
  const sum = (f: 'waiting' | 'offered' | 'answered' | 'abandoned' | 'shortAbandoned' | 'timedOut' | 'answeredWithinSl' | 'handled' | 'transferred') => rows.reduce((s, r) => s + r[f], 0);
  const answered = sum('answered');
  const abandoned = sum('abandoned');
  const timedOut = sum('timedOut');
  const handled = sum('handled');
  const oldest = rows.reduce<number | null>((m, r) => (r.oldestQueuedAt !== null && (m === null || r.oldestQueuedAt < m) ? r.oldestQueuedAt : m), null);
  const slDenominator = answered + abandoned + timedOut;
  return {
    waiting: sum('waiting'),
    longestWaitSec: rows.reduce((m, r) => Math.max(m, r.longestWaitSec), 0),
    oldestQueuedAt: oldest,
    offered: sum('offered'), answered, abandoned, shortAbandoned: sum('shortAbandoned'), timedOut,
    answeredWithinSl: sum('answeredWithinSl'),
    serviceLevel: round4(rate(sum('answeredWithinSl'), slDenominator)),
    abandonRate: round4(rate(abandoned, slDenominator)),
    answerRate: round4(rate(answered, answered + abandoned + sum('shortAbandoned') + timedOut)),
    // Per-queue averages weighted back into sums: exact up to the rows' 0.1 s rounding.
    asaSec: round1(answered > 0 ? rows.reduce((s, r) => s + (r.asaSec ?? 0) * r.answered, 0) / answered : null),
    ahtSec: round1(handled > 0 ? rows.reduce((s, r) => s + (r.ahtSec ?? 0) * r.handled, 0) / handled : null),
    handled,
    transferred: sum('transferred'),
    transferRate: round4(rate(sum('transferred'), answered)),
  };
}

export function queueRow(engine: FloorEngine, queueId: string, now: number): QueueRow {
  const s = queueStats(engine, [queueId], now);
  const limits = engine.queueLimitsOf(queueId);
  const name = engine.queueName(queueId);
  return {
    id: queueId,
    ...s,
    slForecast: slForecast(engine, queueId, s.ahtSec, now),
    severity: {
      serviceLevel: severityOf(s.serviceLevel, withDirection('serviceLevel', limits.serviceLevel)),
      abandonRate: severityOf(s.abandonRate, withDirection('abandonRate', limits.abandonRate)),
      longestWaitSec: severityOf(s.longestWaitSec, withDirection('longestWaitSec', limits.longestWaitSec)),
    },
    ...(name !== undefined ? { name } : {}),
    ...engine.queueSlOf(queueId),
    thresholds: limits,
  };
}

/** Part of an open stretch that began at `since` lying in today, up to now. */
const runningToday = (since: number | null, todayStart: number, now: number) => (since === null ? 0 : Math.max(0, now - Math.max(since, todayStart)));

export function agentRow(engine: FloorEngine, agentId: string, now: number): AgentRow | null {
  const i = engine.agentIndexOf(agentId);
  if (i === 0) return null;
  const a = engine.agentAt(i);
  const today = engine.cal.dayOf(now);
  const d = engine.agentDay(i, today.idx);
  const loggedInSec = (d.loginClosedMs + runningToday(a.loginSince, today.start, now)) / 1000;
  const breakSec = (d.breakClosedMs + runningToday(a.breakSince, today.start, now)) / 1000;
  const cph = cphOf(d.handled, loggedInSec);
  const successRate = rate(d.success, d.success + d.failure);
  const over = overrunAt(a.state, a.reason, a.stateSince, engine.schedule.plannedBreakSec(a));
  const sched = engine.schedule.evaluate(a, now);
  return {
    id: a.agentId,
    name: a.name,
    teamId: a.teamId,
    state: a.state,
    reason: a.reason,
    stateSince: a.stateSince ?? a.firstTs ?? now,
    figuresAt: now,
    loggedInSec: round1(loggedInSec)!,
    handled: d.handled, success: d.success, failure: d.failure,
    cph: round1(cph),
    successRate: round4(successRate),
    grade: gradeOf(cph, successRate),
    breakSec: round1(breakSec)!,
    breakOverrun: over !== null && now >= over,
    overrunAt: over,
    currentCallQueueId: a.currentCallQueueId,
    adherence: sched.adherence,
    conformance: sched.conformance,
    attendance: sched.attendance,
  };
}

/** Seconds logged in today by a team's agents: closed sessions plus the running ones. */
function teamLoginSec(engine: FloorEngine, teamId: string, now: number): number {
  const today = engine.cal.dayOf(now);
  let ms = engine.teamDay(teamId, today.key, TD.loginClosedMs);
  // Open sessions are filed under the day they began; sessions over two days old are not expected.
  let day = today.key;
  for (let back = 0; back < 3; back++) {
    const count = engine.teamDay(teamId, day, TD.openLogin);
    if (count > 0) {
      if (back === 0) ms += count * (now - today.start) - engine.teamDay(teamId, day, TD.openLoginSince);
      else ms += count * (now - today.start);
    }
    day = engine.cal.previousDay(day);
  }
  return Math.max(0, ms) / 1000;
}

export function teamRow(engine: FloorEngine, teamId: string, now: number): TeamRow {
  const day = engine.cal.dayKey(now);
  const { agents, states } = engine.teamNow(teamId);
  const state = (s: keyof typeof STATE_CODE) => states[STATE_CODE[s]]!;
  const sched = engine.schedule.team(teamId, now);
  const handled = engine.teamDay(teamId, day, TD.handled);
  const success = engine.teamDay(teamId, day, TD.success);
  const failure = engine.teamDay(teamId, day, TD.failure);
  let breakOverruns = 0;
  for (const [agentId, at] of engine.overruns) if (at <= now && engine.teamIdOf(engine.agentIndexOf(agentId)) === teamId) breakOverruns++;
  const limits = engine.teamLimitsOf(teamId);
  const name = engine.teamName(teamId);
  return {
    id: teamId,
    agents,
    scheduledNow: sched.scheduledNow,
    loggedIn: agents - state('offline'),
    available: state('available'),
    ringing: state('ringing'),
    onCall: state('on_call'),
    wrapUp: state('wrap_up'),
    onBreak: state('break'),
    away: state('away'),
    handled,
    cph: round1(cphOf(handled, teamLoginSec(engine, teamId, now))),
    successRate: round4(rate(success, success + failure)),
    breakOverruns,
    attendanceRate: sched.attendanceRate,
    adherence: sched.adherence,
    ...(name !== undefined ? { name } : {}),
    severity: {
      adherence: severityOf(sched.adherence, withDirection('adherence', limits.adherence)),
      attendanceRate: severityOf(sched.attendanceRate, withDirection('attendanceRate', limits.attendanceRate)),
    },
    thresholds: limits,
  };
}

export function floorRow(engine: FloorEngine, teams: readonly TeamRow[], now: number): Floor {
  const total = (f: 'loggedIn' | 'available' | 'onCall' | 'onBreak') => teams.reduce((s, t) => s + t[f], 0);
  return {
    cphLastHour: engine.handledTimes.countIn(now - 3600_000, now),
    agentsLoggedIn: total('loggedIn'),
    agentsAvailable: total('available'),
    agentsOnCall: total('onCall'),
    agentsOnBreak: total('onBreak'),
    adherence: engine.schedule.floorAdherence(now),
  };
}
