import type { FloorEvent } from '../../shared/events.ts';
import { METRIC_DEFAULTS } from '../../shared/metrics.ts';
import type { AgentState } from '../../shared/snapshot.ts';
import type { DayCalendar } from './calendar.ts';
import { splitByBucket, splitByDay } from './intervals.ts';
import { aiKey, qKey, tDayKey, tKey } from './keys.ts';

export interface AgentDay { handled: number; success: number; failure: number; loginClosedMs: number; breakClosedMs: number }

interface CallStart { at: number; queueId: string | null }
interface PendingWrap { queueId: string | null; talkMs: number; endedAt: number; wrapStart: number | null }

/** An agent's folded state: plain data (Maps included) so it can be cloned and checkpointed. */
export interface AgentFold {
  agentId: string;
  teamId: string;
  name: string;
  state: AgentState;
  reason: string | null;
  stateSince: number | null;
  loginSince: number | null;
  breakSince: number | null;
  lastLoginAt: number | null;
  lastLogoutAt: number | null;
  firstLoginByDay: Map<string, number>;
  days: Map<string, AgentDay>;
  handledCalls: Map<string, string>;
  outcomes: Map<string, { outcome: 'success' | 'failure' | 'other'; day: string }>;
  callStarts: Map<string, CallStart>;
  pendingWrap: PendingWrap | null;
  currentCallQueueId: string | null;
  /** State changes in time order (today and yesterday), for adherence and the agent's timeline. */
  timeline: StateChange[];
  /** Everything this agent has added to the floor's ledger, so it can be taken back. */
  contribution: Map<string, number>;
}

export interface StateChange { at: number; state: AgentState; reason: string | null }

export type Add = (key: string, amount: number) => void;

export function newAgentFold(agentId: string): AgentFold {
  return {
    agentId, teamId: 'unassigned', name: agentId, state: 'offline', reason: null, stateSince: null,
    loginSince: null, breakSince: null, lastLoginAt: null, lastLogoutAt: null,
    firstLoginByDay: new Map(), days: new Map(), handledCalls: new Map(), outcomes: new Map(),
    callStarts: new Map(), pendingWrap: null, currentCallQueueId: null, timeline: [], contribution: new Map(),
  };
}

/**
 * A deep copy of a fold (plain data: Maps, arrays, plain objects, primitives). Several times
 * faster than structuredClone, which an out-of-order event pays on every re-fold; generic, so
 * fields added to AgentFold later are copied too.
 */
export function cloneAgentFold(a: AgentFold): AgentFold {
  return clonePlain(a);
}

function clonePlain<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Map) {
    const m = new Map();
    for (const [k, x] of v) m.set(k, clonePlain(x));
    return m as T;
  }
  if (Array.isArray(v)) return v.map(clonePlain) as T;
  if (v instanceof Set) return new Set([...v].map(clonePlain)) as T;
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v)) o[k] = clonePlain((v as Record<string, unknown>)[k]);
  return o as T;
}

function day(a: AgentFold, key: string): AgentDay {
  let d = a.days.get(key);
  if (!d) { d = { handled: 0, success: 0, failure: 0, loginClosedMs: 0, breakClosedMs: 0 }; a.days.set(key, d); }
  return d;
}

/** When the current break or off-seat stretch becomes an overrun (SPEC §3), if it can. */
export function overrunAt(a: Pick<AgentFold, 'state' | 'reason' | 'stateSince'>, plannedBreakSec?: number | null): number | null {
  if (a.stateSince === null) return null;
  if (a.state === 'away') return a.stateSince + METRIC_DEFAULTS.awayLimitSec * 1000;
  if (a.state !== 'break') return null;
  if (plannedBreakSec) return a.stateSince + plannedBreakSec * 1000;
  if (a.reason === null || a.reason === 'short_break') return a.stateSince + METRIC_DEFAULTS.shortBreakPlanSec * 1000;
  return null;
}

/**
 * Folds one event into an agent, in time order. `add` records ledger amounts (team counters,
 * queue handle times, agent-seconds per interval) and must also be mirrored in `a.contribution`.
 */
export function stepAgent(a: AgentFold, e: FloorEvent, cal: DayCalendar, add: Add): void {
  switch (e.type) {
    case 'agent.login': {
      if (a.state === 'offline') {
        setTeam(a, e.teamId, add);
        openLogin(a, e.ts, cal, add);
        setState(a, 'available', null, e.ts, cal, add);
      } else if (e.teamId !== a.teamId) {
        // Same session, new team: move the open session to the new team.
        const sessionStart = a.lastLoginAt;
        closeLogin(a, e.ts, cal, add);
        setTeam(a, e.teamId, add);
        openLogin(a, e.ts, cal, add);
        a.lastLoginAt = sessionStart;
      }
      if (e.name) a.name = e.name;
      break;
    }
    case 'agent.logout': {
      if (a.state === 'offline') break;
      finishWrap(a, e.ts, cal, add);
      setState(a, 'offline', null, e.ts, cal, add);
      closeLogin(a, e.ts, cal, add);
      a.lastLogoutAt = e.ts;
      a.currentCallQueueId = null;
      break;
    }
    case 'agent.state': {
      if (a.state === 'offline') { openLogin(a, e.ts, cal, add); setTeam(a, a.teamId, add); }
      const wasWrap = a.state === 'wrap_up';
      if (a.pendingWrap) {
        if (e.state === 'wrap_up') a.pendingWrap.wrapStart ??= Math.max(e.ts, a.pendingWrap.endedAt);
        else finishWrap(a, e.ts, cal, add, wasWrap);
      }
      setState(a, e.state, e.reason ?? null, e.ts, cal, add);
      break;
    }
    case 'call.answered':
      a.callStarts.set(e.callId, { at: e.ts, queueId: e.queueId });
      a.currentCallQueueId = e.queueId;
      break;
    case 'call.dialed':
      if (!a.callStarts.has(e.callId)) a.callStarts.set(e.callId, { at: e.ts, queueId: null });
      break;
    case 'call.ended': {
      const start = a.callStarts.get(e.callId);
      a.callStarts.delete(e.callId);
      a.currentCallQueueId = null;
      finishWrap(a, e.ts, cal, add);
      a.pendingWrap = { queueId: start?.queueId ?? null, talkMs: start ? Math.max(0, e.ts - start.at) : 0, endedAt: e.ts, wrapStart: a.state === 'wrap_up' ? e.ts : null };
      const dayKey = cal.dayKey(e.ts);
      if (!a.handledCalls.has(e.callId)) {
        a.handledCalls.set(e.callId, dayKey);
        day(a, dayKey).handled++;
        add(tDayKey(a.teamId, dayKey, 'handled'), 1);
      }
      if (e.outcome) recordOutcome(a, e.callId, e.outcome, dayKey, add);
      break;
    }
    case 'call.disposition':
      recordOutcome(a, e.callId, e.outcome, cal.dayKey(e.ts), add);
      break;
    default:
      break;
  }
}

function setTeam(a: AgentFold, teamId: string, add: Add): void {
  if ((a.contribution.get(tKey(a.teamId, 'agents')) ?? 0) > 0) {
    add(tKey(a.teamId, 'agents'), -1);
    add(tKey(a.teamId, `state:${a.state}`), -1);
  }
  a.teamId = teamId;
  add(tKey(teamId, 'agents'), 1);
  add(tKey(teamId, `state:${a.state}`), 1);
}

function setState(a: AgentFold, state: AgentState, reason: string | null, ts: number, cal: DayCalendar, add: Add): void {
  if (a.state === 'break' && state !== 'break' && a.breakSince !== null) {
    closeStretch(a, 'break', a.breakSince, ts, cal, add);
    a.breakSince = null;
  }
  if (state === 'break' && a.state !== 'break') {
    openStretch(a, 'break', ts, cal, add);
    a.breakSince = ts;
  }
  if (a.state !== state || a.reason !== reason || a.stateSince === null) {
    add(tKey(a.teamId, `state:${a.state}`), -1);
    add(tKey(a.teamId, `state:${state}`), 1);
    a.state = state;
    a.reason = reason;
    a.stateSince = ts;
    a.timeline.push({ at: ts, state, reason });
  }
}

function openLogin(a: AgentFold, ts: number, cal: DayCalendar, add: Add): void {
  a.loginSince = ts;
  a.lastLoginAt = ts;
  const d = cal.dayOf(ts);
  if (!a.firstLoginByDay.has(d.key)) a.firstLoginByDay.set(d.key, ts);
  openStretch(a, 'login', ts, cal, add);
}

function closeLogin(a: AgentFold, ts: number, cal: DayCalendar, add: Add): void {
  if (a.loginSince === null) return;
  closeStretch(a, 'login', a.loginSince, ts, cal, add);
  a.loginSince = null;
}

/** Open stretches are counted by where they began; projections add the running part up to "now". */
function openStretch(a: AgentFold, kind: 'login' | 'break', since: number, cal: DayCalendar, add: Add): void {
  const d = cal.dayOf(since);
  const b = cal.bucketOf(since);
  if (kind === 'login') {
    add(tKey(a.teamId, `openLogin:${d.key}`), 1);
    add(tKey(a.teamId, `openLoginSince:${d.key}`), since - d.start);
  }
  add(aiKey(b, kind === 'login' ? 'openLogin' : 'openBreak'), 1);
  add(aiKey(b, kind === 'login' ? 'openLoginSince' : 'openBreakSince'), since - b);
}

function closeStretch(a: AgentFold, kind: 'login' | 'break', since: number, ts: number, cal: DayCalendar, add: Add): void {
  const d = cal.dayOf(since);
  const b = cal.bucketOf(since);
  if (kind === 'login') {
    add(tKey(a.teamId, `openLogin:${d.key}`), -1);
    add(tKey(a.teamId, `openLoginSince:${d.key}`), -(since - d.start));
  }
  add(aiKey(b, kind === 'login' ? 'openLogin' : 'openBreak'), -1);
  add(aiKey(b, kind === 'login' ? 'openLoginSince' : 'openBreakSince'), -(since - b));
  splitByDay(cal, since, ts, (dayKey, ms) => {
    if (kind === 'login') { day(a, dayKey).loginClosedMs += ms; add(tDayKey(a.teamId, dayKey, 'loginClosedMs'), ms); }
    else day(a, dayKey).breakClosedMs += ms;
  });
  splitByBucket(cal, since, ts, (bucket, ms) => add(aiKey(bucket, kind === 'login' ? 'loginMs' : 'breakMs'), ms));
}

/** A call counts for AHT once its wrap-up is over: talk + time in wrap_up after the call ended. */
function finishWrap(a: AgentFold, ts: number, cal: DayCalendar, add: Add, inWrap = a.state === 'wrap_up'): void {
  const w = a.pendingWrap;
  if (!w) return;
  a.pendingWrap = null;
  const wrapMs = inWrap && w.wrapStart !== null ? Math.max(0, ts - w.wrapStart) : 0;
  if (w.queueId === null) return;
  const dayKey = cal.dayKey(ts);
  add(qKey(w.queueId, dayKey, 'handled'), 1);
  add(qKey(w.queueId, dayKey, 'handleSum'), w.talkMs + wrapMs);
}

function recordOutcome(a: AgentFold, callId: string, outcome: string, dayKey: string, add: Add): void {
  const prev = a.outcomes.get(callId);
  if (prev && prev.outcome !== 'other') {
    const prevDay = a.days.get(prev.day);
    if (prevDay) prevDay[prev.outcome]--;
    add(tDayKey(a.teamId, prev.day, prev.outcome), -1);
  }
  const kind = outcome === 'success' || outcome === 'failure' ? outcome : 'other';
  a.outcomes.set(callId, { outcome: kind, day: dayKey });
  if (kind !== 'other') {
    day(a, dayKey)[kind]++;
    add(tDayKey(a.teamId, dayKey, kind), 1);
  }
}

/** Forgets per-day details older than `keepFromDay` (inclusive bound), bounding memory. */
export function pruneAgentDays(a: AgentFold, keepFromDay: string): void {
  for (const k of a.days.keys()) if (k < keepFromDay) a.days.delete(k);
  for (const k of a.firstLoginByDay.keys()) if (k < keepFromDay) a.firstLoginByDay.delete(k);
  for (const [callId, d] of a.handledCalls) if (d < keepFromDay) a.handledCalls.delete(callId);
  for (const [callId, o] of a.outcomes) if (o.day < keepFromDay) a.outcomes.delete(callId);
}

/** Drops timeline entries before `fromMs`, keeping the one in force at `fromMs`. */
export function pruneTimeline(a: AgentFold, fromMs: number): void {
  const firstKept = a.timeline.findIndex((c) => c.at >= fromMs);
  const cut = firstKept === -1 ? a.timeline.length - 1 : firstKept - 1;
  if (cut > 0) a.timeline.splice(0, cut);
}
