import { METRIC_DEFAULTS } from '../../shared/metrics.ts';
import type { AgentState } from '../../shared/snapshot.ts';
import type { DayCalendar } from './calendar.ts';
import { FB, S_BREAK, S_OFFLINE, S_WRAP, STATE_CODE, TD, QD, type Counters } from './counters.ts';
import { AgentTable, DAY, F } from './agent-table.ts';
import { AK, entryKind, entryPayload, OUTCOME_KIND } from './entries.ts';
import { splitByBucket, splitByDay } from './intervals.ts';

/**
 * An agent's facts about its recent calls, NOTE numbers each: call seq, talk start and its queue,
 * the agent's latest event of the call, and packed: the day it counted the call handled and the
 * latest outcome with its day. A note goes once the call is over for the agent and the agent has
 * had no event of it for the horizon: a later event of that call follows the too-late rule.
 */
export const NOTE = 5;
const N = { seq: 0, startAt: 1, startQueue: 2, lastTs: 3, facts: 4 } as const;
/** facts = handled day + 1 (0: not yet) + 2^16 · (outcome kind + 4 · (outcome day + 1)). */
const DAY_BITS = 2 ** 16;
const handledDayOf = (facts: number) => (facts % DAY_BITS) - 1;
const outcomeOf = (facts: number) => Math.floor(facts / DAY_BITS) % 4;
const outcomeDayOf = (facts: number) => Math.floor(facts / DAY_BITS / 4) - 1;
const packFacts = (handledDay: number, outcome: number, outcomeDay: number) => handledDay + 1 + DAY_BITS * (outcome + 4 * (outcomeDay + 1));

/** Where a step writes: the fold table and notes of one kind of row (live or base), and the floor's sums. */
export interface AgentStepContext {
  cal: DayCalendar;
  table: AgentTable;
  notes: (number[] | null)[];
  /** The floor's sums and the sign to add with (-1 takes an agent's window back); null when the amounts are already counted. */
  counters: Counters | null;
  sign: number;
  /** A state change of agent `i` (the timeline). */
  changed: (i: number, at: number, state: number, reason: number) => void;
  /** Day key of a day index (team day counters are keyed by day). */
  dayKey: (dayIdx: number) => string;
}

/**
 * Folds one agent entry (`ts`, `code`, `ref`, see entries.ts) into row `i`, in time order:
 * sign-in sessions, states and their stretches, talk and wrap-up (AHT), handled calls and
 * outcomes, with the amounts they add to the floor's sums.
 */
export function stepAgent(c: AgentStepContext, i: number, ts: number, code: number, ref: number): void {
  const t = c.table;
  const kind = entryKind(code);
  const payload = entryPayload(code);
  if (Number.isNaN(t.get(i, F.firstTs))) t.set(i, F.firstTs, ts);
  switch (kind) {
    case AK.login: {
      if (t.get(i, F.state) === S_OFFLINE) {
        setTeam(c, i, ref);
        openLogin(c, i, ts);
        setState(c, i, STATE_CODE.available, 0, ts);
      } else if (ref !== t.get(i, F.team)) {
        // Same session, new team: move the open session to the new team.
        closeLogin(c, i, ts);
        setTeam(c, i, ref);
        openLogin(c, i, ts);
      }
      if (payload !== 0) t.set(i, F.name, payload);
      break;
    }
    case AK.logout: {
      if (t.get(i, F.state) === S_OFFLINE) break;
      finishWrap(c, i, ts, t.get(i, F.state) === S_WRAP);
      setState(c, i, S_OFFLINE, 0, ts);
      closeLogin(c, i, ts);
      t.set(i, F.currentQueue, 0);
      break;
    }
    case AK.state: {
      const state = payload % 8;
      const reason = (payload - state) / 8;
      if (t.get(i, F.state) === S_OFFLINE) { openLogin(c, i, ts); setTeam(c, i, t.get(i, F.team)); }
      const wasWrap = t.get(i, F.state) === S_WRAP;
      if (!Number.isNaN(t.get(i, F.pwQueue))) {
        if (state === S_WRAP) { if (Number.isNaN(t.get(i, F.pwWrapStart))) t.set(i, F.pwWrapStart, Math.max(ts, t.get(i, F.pwEndedAt))); }
        else finishWrap(c, i, ts, wasWrap);
      }
      setState(c, i, state, reason, ts);
      break;
    }
    case AK.answered: {
      const k = note(c, i, ref, ts);
      const n = c.notes[i]!;
      n[k + N.startAt] = ts;
      n[k + N.startQueue] = payload;
      t.set(i, F.currentQueue, payload);
      break;
    }
    case AK.dialed: {
      const k = note(c, i, ref, ts);
      const n = c.notes[i]!;
      if (Number.isNaN(n[k + N.startAt]!)) { n[k + N.startAt] = ts; n[k + N.startQueue] = 0; }
      break;
    }
    case AK.ended: {
      const k = note(c, i, ref, ts);
      const n = c.notes[i]!;
      const startAt = n[k + N.startAt]!;
      const hasStart = !Number.isNaN(startAt);
      n[k + N.startAt] = Number.NaN;
      t.set(i, F.currentQueue, 0);
      finishWrap(c, i, ts, t.get(i, F.state) === S_WRAP);
      t.set(i, F.pwQueue, hasStart ? n[k + N.startQueue]! : 0);
      t.set(i, F.pwTalkMs, hasStart ? Math.max(0, ts - startAt) : 0);
      t.set(i, F.pwEndedAt, ts);
      t.set(i, F.pwWrapStart, t.get(i, F.state) === S_WRAP ? ts : Number.NaN);
      t.set(i, F.pwSeq, ref);
      const day = c.cal.dayOf(ts);
      const facts = n[k + N.facts]!;
      if (handledDayOf(facts) < 0) {
        n[k + N.facts] = packFacts(day.idx, outcomeOf(facts), outcomeDayOf(facts));
        const slot = t.openDay(i, day.idx);
        if (slot >= 0) t.data[slot + DAY.handled]! += 1;
        c.counters?.addTeamDay(t.get(i, F.team), day.key, TD.handled, c.sign);
      }
      if (payload !== 0) recordOutcome(c, i, k, payload, day.idx, day.key);
      break;
    }
    case AK.disposition: {
      const day = c.cal.dayOf(ts);
      recordOutcome(c, i, note(c, i, ref, ts), payload, day.idx, day.key);
      break;
    }
    default:
      break;
  }
}

/** When the current break or off-seat stretch becomes an overrun (SPEC §3), if it can. */
export function overrunAt(state: AgentState, reason: string | null, stateSince: number | null, plannedBreakSec?: number | null): number | null {
  if (stateSince === null) return null;
  if (state === 'away') return stateSince + METRIC_DEFAULTS.awayLimitSec * 1000;
  if (state !== 'break') return null;
  if (plannedBreakSec) return stateSince + plannedBreakSec * 1000;
  if (reason === null || reason === 'short_break') return stateSince + METRIC_DEFAULTS.shortBreakPlanSec * 1000;
  return null;
}

/** Offset of call `seq`'s note in agent `i`'s notes (`c.notes[i]`), added when new. */
function note(c: AgentStepContext, i: number, seq: number, ts: number): number {
  const list = c.notes[i] ?? [];
  for (let k = 0; k < list.length; k += NOTE) {
    if (list[k + N.seq] !== seq) continue;
    if (ts > list[k + N.lastTs]!) list[k + N.lastTs] = ts;
    return k;
  }
  c.notes[i] = list.concat([seq, Number.NaN, 0, ts, 0]); // exact size (see insertAt)
  return list.length;
}

function setTeam(c: AgentStepContext, i: number, team: number): void {
  const t = c.table;
  const cs = c.counters;
  if (t.get(i, F.inTeam) === 1 && cs) {
    cs.addTeamAgents(t.get(i, F.team), -c.sign);
    cs.addTeamState(t.get(i, F.team), t.get(i, F.state), -c.sign);
  }
  t.set(i, F.team, team);
  t.set(i, F.inTeam, 1);
  if (cs) {
    cs.addTeamAgents(team, c.sign);
    cs.addTeamState(team, t.get(i, F.state), c.sign);
  }
}

function setState(c: AgentStepContext, i: number, state: number, reason: number, ts: number): void {
  const t = c.table;
  const cur = t.get(i, F.state);
  if (cur === S_BREAK && state !== S_BREAK && !Number.isNaN(t.get(i, F.breakSince))) {
    closeStretch(c, i, 'break', t.get(i, F.breakSince), ts);
    t.set(i, F.breakSince, Number.NaN);
  }
  if (state === S_BREAK && cur !== S_BREAK) {
    openStretch(c, i, 'break', ts);
    t.set(i, F.breakSince, ts);
  }
  if (cur !== state || t.get(i, F.reason) !== reason || Number.isNaN(t.get(i, F.stateSince))) {
    if (c.counters) {
      c.counters.addTeamState(t.get(i, F.team), cur, -c.sign);
      c.counters.addTeamState(t.get(i, F.team), state, c.sign);
    }
    t.set(i, F.state, state);
    t.set(i, F.reason, reason);
    t.set(i, F.stateSince, ts);
    c.changed(i, ts, state, reason);
  }
}

function openLogin(c: AgentStepContext, i: number, ts: number): void {
  c.table.set(i, F.loginSince, ts);
  openStretch(c, i, 'login', ts);
}

function closeLogin(c: AgentStepContext, i: number, ts: number): void {
  const since = c.table.get(i, F.loginSince);
  if (Number.isNaN(since)) return;
  closeStretch(c, i, 'login', since, ts);
  c.table.set(i, F.loginSince, Number.NaN);
}

/** Open stretches are counted by where they began; projections add the running part up to "now". */
function openStretch(c: AgentStepContext, i: number, kind: 'login' | 'break', since: number): void {
  const cs = c.counters;
  if (!cs) return;
  const d = c.cal.dayOf(since);
  const b = c.cal.bucketOf(since);
  if (kind === 'login') {
    const team = c.table.get(i, F.team);
    cs.addTeamDay(team, d.key, TD.openLogin, c.sign);
    cs.addTeamDay(team, d.key, TD.openLoginSince, c.sign * (since - d.start));
    cs.addFloorBucket(b, FB.openLogin, c.sign);
    cs.addFloorBucket(b, FB.openLoginSince, c.sign * (since - b));
  } else {
    cs.addFloorBucket(b, FB.openBreak, c.sign);
    cs.addFloorBucket(b, FB.openBreakSince, c.sign * (since - b));
  }
}

function closeStretch(c: AgentStepContext, i: number, kind: 'login' | 'break', since: number, ts: number): void {
  const t = c.table;
  const cs = c.counters;
  const team = t.get(i, F.team);
  if (cs) {
    const d = c.cal.dayOf(since);
    const b = c.cal.bucketOf(since);
    if (kind === 'login') {
      cs.addTeamDay(team, d.key, TD.openLogin, -c.sign);
      cs.addTeamDay(team, d.key, TD.openLoginSince, -c.sign * (since - d.start));
      cs.addFloorBucket(b, FB.openLogin, -c.sign);
      cs.addFloorBucket(b, FB.openLoginSince, -c.sign * (since - b));
    } else {
      cs.addFloorBucket(b, FB.openBreak, -c.sign);
      cs.addFloorBucket(b, FB.openBreakSince, -c.sign * (since - b));
    }
  }
  splitByDay(c.cal, since, ts, (day, ms) => {
    const slot = t.openDay(i, day.idx);
    if (slot >= 0) t.data[slot + (kind === 'login' ? DAY.loginMs : DAY.breakMs)]! += ms;
    if (kind === 'login') cs?.addTeamDay(team, day.key, TD.loginClosedMs, c.sign * ms);
  });
  if (cs) splitByBucket(c.cal, since, ts, (bucket, ms) => cs.addFloorBucket(bucket, kind === 'login' ? FB.loginMs : FB.breakMs, c.sign * ms));
}

/** A call counts for AHT once its wrap-up is over: talk + time in wrap_up after the call ended. */
function finishWrap(c: AgentStepContext, i: number, ts: number, inWrap: boolean): void {
  const t = c.table;
  const queue = t.get(i, F.pwQueue);
  if (Number.isNaN(queue)) return;
  const wrapStart = t.get(i, F.pwWrapStart);
  const wrapMs = inWrap && !Number.isNaN(wrapStart) ? Math.max(0, ts - wrapStart) : 0;
  const talkMs = t.get(i, F.pwTalkMs);
  t.set(i, F.pwQueue, Number.NaN);
  t.set(i, F.pwSeq, Number.NaN);
  if (queue === 0 || !c.counters) return;
  const day = c.cal.dayKey(ts);
  c.counters.addQueueDay(queue, day, QD.handled, c.sign);
  c.counters.addQueueDay(queue, day, QD.handleSum, c.sign * (talkMs + wrapMs));
}

/** The latest outcome of a call wins: the previous one is taken back. Only success/failure are in the rate. */
function recordOutcome(c: AgentStepContext, i: number, k: number, outcome: number, dayIdx: number, dayKey: string): void {
  const t = c.table;
  const n = c.notes[i]!;
  const team = t.get(i, F.team);
  const facts = n[k + N.facts]!;
  const prev = outcomeOf(facts);
  if (prev === OUTCOME_KIND.success || prev === OUTCOME_KIND.failure) {
    const prevDay = outcomeDayOf(facts);
    const slot = t.daySlot(i, prevDay);
    if (slot >= 0) t.data[slot + (prev === OUTCOME_KIND.success ? DAY.success : DAY.failure)]! -= 1;
    c.counters?.addTeamDay(team, c.dayKey(prevDay), prev === OUTCOME_KIND.success ? TD.success : TD.failure, -c.sign);
  }
  const kind = outcome === OUTCOME_KIND.success || outcome === OUTCOME_KIND.failure ? outcome : OUTCOME_KIND.other;
  n[k + N.facts] = packFacts(handledDayOf(facts), kind, dayIdx);
  if (kind !== OUTCOME_KIND.other) {
    const slot = t.openDay(i, dayIdx);
    if (slot >= 0) t.data[slot + (kind === OUTCOME_KIND.success ? DAY.success : DAY.failure)]! += 1;
    c.counters?.addTeamDay(team, dayKey, kind === OUTCOME_KIND.success ? TD.success : TD.failure, c.sign);
  }
}

/**
 * Calls whose note can go (compaction): no talk or wrap-up of it going on (`wrapSeq`), and no
 * event of it for the agent since `cutoff`. Judged on the live notes and row, which have seen
 * every event the base and the window hold.
 */
export function notesDone(live: readonly number[] | null, cutoff: number, wrapSeq: number): Set<number> {
  const done = new Set<number>();
  if (!live) return done;
  for (let k = 0; k < live.length; k += NOTE) {
    const seq = live[k + N.seq]!;
    if (Number.isNaN(live[k + N.startAt]!) && live[k + N.lastTs]! < cutoff && seq !== wrapSeq) done.add(seq);
  }
  return done;
}

/** `list` without the notes of `seqs` (null when none is left). */
export function withoutNotes(list: number[] | null, seqs: ReadonlySet<number>): number[] | null {
  if (!list || seqs.size === 0) return list;
  const kept: number[] = [];
  for (let k = 0; k < list.length; k += NOTE) if (!seqs.has(list[k + N.seq]!)) for (let j = 0; j < NOTE; j++) kept.push(list[k + j]!);
  return kept.length > 0 ? kept : null;
}
