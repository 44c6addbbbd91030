import type { FloorEvent } from '../../shared/events.ts';
import type { AgentState } from '../../shared/snapshot.ts';
import { EMPTY_CENTER_CONFIG, queueLimits, queueSl, teamLimits, type CenterConfig, type QueueLimits, type QueueSl, type TeamLimits } from '../../shared/center-config.ts';
import { AgentBook, COPY, IN_ORDER, TOO_LATE, UNASSIGNED_TEAM, type AgentBookState, type AgentDayFigures, type AgentView } from './agent-book.ts';
import { overrunAt } from './agent-fold.ts';
import { F, nullIfNaN } from './agent-table.ts';
import { CallBook, type CallBookState } from './call-book.ts';
import type { CallFoldContext } from './call-fold.ts';
import { DayCalendar } from './calendar.ts';
import { Counters, S_AWAY, S_BREAK, STATE_CODE, STATES, type CountersState } from './counters.ts';
import type { EngineConfig } from './engine-config.ts';
import { agentEntry, agentRef, type EntryIndexes } from './entries.ts';
import { Interner } from './interner.ts';
import { SortedTimes } from './sorted-times.ts';
import { TimerQueue } from './timers.ts';
import { ScheduleBook } from '../schedule/schedule-book.ts';
import type { ResolvedShift } from '../schedule/roster.ts';

export { UNASSIGNED_TEAM, type AgentDayFigures, type AgentView };

/**
 * Everything the engine has folded, as plain data for checkpoints: `exportState()` → serialize
 * outside the engine (server/floor/) → `FloorEngine.importState()`. Bump the version when the
 * shape changes; an older checkpoint is then ignored (the log is replayed instead).
 */
export interface EngineState {
  version: typeof ENGINE_STATE_VERSION;
  /** The configuration the state was folded with (derived figures depend on it). */
  cfg: EngineConfig;
  teams: string[];
  queues: string[];
  agents: AgentBookState;
  calls: CallBookState;
  counters: CountersState;
  queueIds: string[];
  teamIds: string[];
  handledTimes: number[];
  overruns: [string, number][];
  timers: { at: number; key: string }[];
  lastMaintenance: number;
  eventsApplied: number;
  outOfOrder: number;
  watermark: number;
  compactedAt: number;
  compactedBefore: number;
  tooLate: number;
  /** Which queues each team answers (the schedule book learns it from the calls). */
  teamQueues: [string, [string, number][]][];
  center: CenterConfig;
}
export const ENGINE_STATE_VERSION = 2;

/** What changed since the last projection; the projector reads and clears it. */
export class DirtySet {
  agents = new Set<string>();
  queues = new Set<string>();
  teams = new Set<string>();
  intraday = false;
  /** Bumped by every clear: lets writers mark a queue or team once per projection, not per amount. */
  epoch = 1;
  any(): boolean { return this.agents.size + this.queues.size + this.teams.size > 0 || this.intraday; }
  clear(): void { this.agents.clear(); this.queues.clear(); this.teams.clear(); this.intraday = false; this.epoch++; }
}

/** How far the watermark moves between compactions (event time). */
const COMPACT_EVERY_MS = 60_000;

/** Stores `value` under `key` and returns it (resolved settings are shared: never mutated). */
function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  cache.set(key, value);
  return value;
}

/**
 * The floor: a deterministic fold of events into per-call and per-agent facts plus additive sums.
 * No I/O and no clock: time comes in through `tick(now)` and the projections. Any delivery order
 * of the same events (copies included) gives the state of the events in fold order (time, then
 * content; entries.ts): an out-of-order event re-derives only its own call (call-book.ts) or agent
 * (agent-book.ts). That holds within the reorder horizon; older events follow the too-late rule
 * (docs/metrics.md). Memory per agent stays small: folds are rows of numbers, and events are kept
 * (as numbers) only inside the reorder horizon, where a late event may need them.
 */
export class FloorEngine {
  readonly cal: DayCalendar;
  readonly dirty = new DirtySet();
  readonly counters: Counters;
  /** Rosters and break plans (given as data by the service layer) and what is derived from them. */
  readonly schedule: ScheduleBook;
  readonly teamIx = new Interner();
  readonly queueIx = new Interner();
  readonly agents: AgentBook;
  private readonly calls: CallBook;
  readonly queueIds = new Set<string>();
  readonly teamIds = new Set<string>();
  /** End times of handled calls, for the rolling floor CPH. */
  readonly handledTimes = new SortedTimes();
  /** Agents on break or away → when they overrun. */
  readonly overruns = new Map<string, number>();
  private readonly timers = new TimerQueue();
  /** Names and thresholds of teams and queues (given as data by the service layer: `setCenterConfig`). */
  center: CenterConfig = EMPTY_CENTER_CONFIG;
  /** Each queue's and team's settings resolved from `center` (asked per call; cleared when it changes). */
  private resolved = { queueLimits: new Map<string, QueueLimits>(), teamLimits: new Map<string, TeamLimits>(), queueSl: new Map<string, QueueSl>() };
  private queueNames = new Map<string, string>();
  private teamNames = new Map<string, string>();
  private lastMaintenance = 0;
  eventsApplied = 0;
  outOfOrder = 0;
  /** Events folded by the too-late rule (older than the reorder horizon when they arrived). */
  tooLate = 0;
  /** The latest event time folded: the clock of compaction, so every replica decides alike. */
  watermark = 0;
  private compactedAt = 0;
  private compactedBefore = 0;
  private readonly queueMarks: number[] = [];
  private readonly teamMarks: number[] = [];
  private readonly ix: EntryIndexes;
  private readonly callCtx: CallFoldContext;
  private readonly slOf = (q: number) => this.queueSlOf(this.queueIx.at(q)).slThresholdSec;

  constructor(readonly cfg: EngineConfig) {
    this.cal = new DayCalendar(cfg.tz);
    this.schedule = new ScheduleBook(this.cal);
    this.counters = new Counters({ queue: (q) => this.markQueue(q), team: (t) => this.markTeam(t), intraday: () => { this.dirty.intraday = true; } });
    this.agents = new AgentBook(this.cal, this.counters, this.teamIx);
    this.ix = {
      team: (id) => this.teamIx.idOf(id),
      queue: (id) => this.queueIx.idOf(id),
      reason: (r) => this.agents.reasons.idOf(r),
      name: (n) => this.agents.names.idOf(n),
      state: (s) => STATE_CODE[s as AgentState],
    };
    this.callCtx = { cal: this.cal, cfg, counters: this.counters, slThresholdSecOf: this.slOf };
    this.calls = new CallBook(this.callCtx, this.ix, {
      waiting: (q, key, queuedAt) => {
        const waiting = this.counters.queue(q).waiting;
        if (queuedAt === null) waiting.delete(key);
        else { waiting.set(key, queuedAt); this.scheduleWaitTimers(this.queueIx.at(q), queuedAt); }
        this.markQueue(q);
      },
      ended: (prev, next) => {
        if (prev !== null) this.handledTimes.remove(prev);
        if (next !== null) this.handledTimes.add(next);
        this.dirty.queues.add('*');
      },
    });
  }

  apply(e: FloorEvent): void {
    this.eventsApplied++;
    let tooLate = false;
    let seq = 0;
    if ('callId' in e) {
      if ('queueId' in e) this.queueIds.add(e.queueId);
      seq = this.calls.apply(e, this.compactedBefore);
      tooLate = this.calls.lastTooLate;
      if (this.calls.lastOutOfOrder) this.outOfOrder++;
    }
    if ('agentId' in e && this.applyToAgent(e.agentId, e, seq)) tooLate = true;
    if (tooLate) this.tooLate++;
    if (e.ts > this.watermark) this.watermark = e.ts;
    if (this.watermark - this.compactedAt >= COMPACT_EVERY_MS) this.compact();
  }

  /** Moves time forward: fires threshold timers and, hourly, forgets days that fell out of retention. */
  tick(now: number): void {
    for (const key of this.timers.popDue(now)) this.markTimer(key);
    for (const id of this.schedule.popDue(now)) this.markTimer(`a:${id}`);
    this.handledTimes.dropBefore(now - 3600_000);
    if (now - this.lastMaintenance >= 3600_000) {
      this.lastMaintenance = now;
      const keepDay = this.cal.dayKey(now - this.cfg.retentionMs);
      this.counters.forgetBefore(keepDay, this.cal.startOfDay(keepDay));
    }
  }

  // ---- reading -------------------------------------------------------------------------------

  /** Index of an agent (0 when unknown). */
  agentIndexOf(agentId: string): number { return this.agents.indexOf(agentId); }
  /** Ids of every agent the floor knows. */
  agentIds(): string[] { return this.agents.ids.toJSON(); }
  get agentCount(): number { return this.agents.count; }
  /** The agent `agentId` as plain values, or null when unknown. */
  agent(agentId: string): AgentView | null {
    const i = this.agents.indexOf(agentId);
    return i === 0 ? null : this.agentAt(i);
  }
  agentAt(i: number): AgentView { return this.agents.view(i, this.queueIx); }
  teamIdOf(i: number): string { return this.teamIx.at(this.agents.teamOf(i)); }
  /** An agent's folded figures of day `dayIdx` (zeros when it has none). */
  agentDay(i: number, dayIdx: number): AgentDayFigures { return this.agents.day(i, dayIdx); }

  keepsCall(callId: string): boolean { return this.calls.has(callId); }
  /** What compaction has let go of so far: calls dropped, agent events folded into their base. */
  get callsCompacted(): number { return this.calls.compacted; }
  get agentEventsCompacted(): number { return this.agents.compacted; }
  /** Events an agent keeps for re-derivation (its reorder window). */
  windowLength(agentId: string): number { return this.agents.windowLength(this.agents.indexOf(agentId)); }

  /** Legs waiting in a queue (queuedAt of each). */
  waitingIn(queueId: string): Iterable<number> {
    const q = this.queueIx.find(queueId);
    return q === 0 ? [] : this.counters.queues[q]?.waiting.values() ?? [];
  }

  /** A queue's counter of one day (counters.ts QD). */
  queueDay(queueId: string, day: string, field: number): number {
    const q = this.queueIx.find(queueId);
    return q === 0 ? 0 : this.counters.queueDay(q, day, field);
  }

  /** A queue's counter of one 15-minute interval (counters.ts QB). */
  queueBucket(queueId: string, bucket: number, field: number): number {
    const q = this.queueIx.find(queueId);
    return q === 0 ? 0 : this.counters.queueBucket(q, bucket, field);
  }

  /** A team's day counter (counters.ts TD). */
  teamDay(teamId: string, day: string, field: number): number {
    const t = this.teamIx.find(teamId);
    return t === 0 ? 0 : this.counters.teamDay(t, day, field);
  }

  /** A team's agents and their states now. */
  teamNow(teamId: string): { agents: number; states: ArrayLike<number> } {
    const t = this.counters.teams[this.teamIx.find(teamId)];
    return t ?? { agents: 0, states: new Float64Array(STATES.length) };
  }

  queueName(queueId: string): string | undefined { return this.queueNames.get(queueId); }
  teamName(teamId: string): string | undefined { return this.teamNames.get(teamId); }
  // Asked per call: a cache hit allocates nothing (no closure to make the value).
  queueLimitsOf(queueId: string): QueueLimits { return this.resolved.queueLimits.get(queueId) ?? remember(this.resolved.queueLimits, queueId, queueLimits(this.center, queueId)); }
  teamLimitsOf(teamId: string): TeamLimits { return this.resolved.teamLimits.get(teamId) ?? remember(this.resolved.teamLimits, teamId, teamLimits(this.center, teamId)); }
  /** A queue's SL threshold and target: its own, the center's, else the environment's. */
  queueSlOf(queueId: string): QueueSl { return this.resolved.queueSl.get(queueId) ?? remember(this.resolved.queueSl, queueId, queueSl(this.center, queueId, this.cfg)); }

  // ---- configuration -------------------------------------------------------------------------

  /**
   * Sets the center configuration (names, per-queue SL settings, per-queue/team thresholds).
   * Calls of queues whose SL threshold changed are re-folded (today's SL then reads as if the new
   * threshold had always applied), waiting calls get timers for new wait limits, and every queue
   * and team is re-projected.
   */
  setCenterConfig(cfg: CenterConfig): void {
    const queues = new Set([...this.queueIds, ...this.center.queues.map((q) => q.id), ...cfg.queues.map((q) => q.id)]);
    const before = new Map([...queues].map((q) => [q, { sl: this.queueSlOf(q).slThresholdSec, wait: JSON.stringify(this.queueLimitsOf(q).longestWaitSec) }]));
    this.useCenter(cfg);
    const slChanged = new Set([...queues].filter((q) => before.get(q)!.sl !== this.queueSlOf(q).slThresholdSec).map((q) => this.queueIx.idOf(q)));
    if (slChanged.size > 0) this.calls.refold(slChanged, { ...this.callCtx, slThresholdSecOf: (q) => before.get(this.queueIx.at(q))?.sl ?? this.slOf(q) });
    for (const q of queues) {
      if (before.get(q)!.wait === JSON.stringify(this.queueLimitsOf(q).longestWaitSec)) continue;
      for (const at of this.waitingIn(q)) this.scheduleWaitTimers(q, at);
    }
    for (const q of this.queueIds) this.dirty.queues.add(q);
    this.dirty.queues.add('*');
    for (const t of this.teamIds) this.dirty.teams.add(t);
    this.dirty.intraday = true;
  }

  private useCenter(cfg: CenterConfig): void {
    this.center = cfg;
    for (const m of Object.values(this.resolved)) m.clear();
    this.queueNames = new Map(cfg.queues.map((q) => [q.id, q.name]));
    this.teamNames = new Map(cfg.teams.map((t) => [t.id, t.name]));
  }

  /**
   * Sets one day's effective schedule (roster with break plans applied). Rostered agents the floor
   * has not seen yet get an offline row in their team (so a no-show shows up as absent), and
   * every agent whose schedule may have changed is re-projected.
   */
  setSchedule(date: string, shifts: readonly ResolvedShift[]): void {
    const affected = this.schedule.setDay(date, shifts);
    for (const s of shifts) {
      if (this.agents.indexOf(s.agentId) !== 0) continue;
      this.agents.addRostered(s.agentId, this.teamIx.idOf(s.teamId), this.counters);
      this.teamIds.add(s.teamId);
    }
    for (const id of affected) {
      const i = this.agents.indexOf(id);
      if (i === 0) continue;
      this.updateOverrun(i);
      this.markTimer(`a:${id}`);
    }
  }

  // ---- agents --------------------------------------------------------------------------------

  /** Folds an agent event; true when the too-late rule applied. */
  private applyToAgent(agentId: string, e: FloorEvent, callSeq: number): boolean {
    let i = this.agents.indexOf(agentId);
    if (i === 0) { i = this.agents.add(agentId); this.teamIds.add(UNASSIGNED_TEAM); }
    const live = this.agents.live;
    const teamBefore = live.get(i, F.team);
    const stateBefore = live.get(i, F.state);
    const reasonBefore = live.get(i, F.reason);
    const sinceBefore = live.get(i, F.stateSince);
    const r = this.agents.apply(i, e.ts, agentEntry(e, this.ix), agentRef(e, this.ix, callSeq));
    if (r === COPY) return false;
    if (!(r & IN_ORDER)) this.outOfOrder++;
    const team = live.get(i, F.team);
    if (team !== teamBefore) { this.teamIds.add(this.teamIx.at(team)); this.markTeam(teamBefore); }
    this.markTeam(team);
    this.dirty.agents.add(agentId);
    if (e.type === 'call.answered') this.schedule.noteAnswer(this.teamIx.at(team), e.queueId);
    // The overrun follows the state, its reason and when it began (and the schedule: setSchedule).
    if (live.get(i, F.state) !== stateBefore || live.get(i, F.reason) !== reasonBefore || !Object.is(live.get(i, F.stateSince), sinceBefore)) this.updateOverrun(i);
    return (r & TOO_LATE) !== 0;
  }

  private updateOverrun(i: number): void {
    const live = this.agents.live;
    const state = live.get(i, F.state);
    const agentId = this.agents.ids.at(i);
    if (state !== S_BREAK && state !== S_AWAY) { this.overruns.delete(agentId); return; }
    const probe = { agentId, state: STATES[state]!, reason: this.agents.reasons.get(live.get(i, F.reason)), stateSince: nullIfNaN(live.get(i, F.stateSince)) };
    const at = overrunAt(probe.state, probe.reason, probe.stateSince, this.schedule.plannedBreakSec(probe));
    if (at === null) this.overruns.delete(agentId);
    else { this.overruns.set(agentId, at); this.timers.schedule(at, `a:${agentId}`); }
  }

  // ---- what to re-project --------------------------------------------------------------------

  /** Marks queue index `q` for re-projection, once per projection. */
  private markQueue(q: number): void {
    if (this.queueMarks[q] === this.dirty.epoch) return;
    this.queueMarks[q] = this.dirty.epoch;
    this.dirty.queues.add(this.queueIx.at(q));
  }

  /** Marks team index `t` for re-projection, once per projection. */
  private markTeam(t: number): void {
    if (this.teamMarks[t] === this.dirty.epoch) return;
    this.teamMarks[t] = this.dirty.epoch;
    this.dirty.teams.add(this.teamIx.at(t));
  }

  /** Re-project the queue when a waiting call crosses its amber and red longest-wait limits. */
  private scheduleWaitTimers(queueId: string, queuedAt: number): void {
    const { amber, red } = this.queueLimitsOf(queueId).longestWaitSec;
    for (const limit of amber === red ? [amber] : [amber, red]) this.timers.schedule(queuedAt + limit * 1000 + 1, `q:${queueId}`);
  }

  private markTimer(key: string): void {
    const id = key.slice(2);
    if (key.startsWith('q:')) this.dirty.queues.add(id);
    else if (key.startsWith('a:')) {
      this.dirty.agents.add(id);
      const i = this.agents.indexOf(id);
      if (i !== 0) this.dirty.teams.add(this.teamIdOf(i));
    }
  }

  // ---- reorder horizon -----------------------------------------------------------------------

  /**
   * Reorder horizon: forgets what events older than watermark − horizon could still change
   * (CallBook.compact, AgentBook.compact) and trims timelines to today (plus the hour before the
   * watermark). Runs from `apply` each time the watermark has moved on by COMPACT_EVERY_MS, so it
   * depends on the event sequence only; it looks at the calls and agents with recent events only.
   */
  private compact(): void {
    const cutoff = this.watermark - this.cfg.reorderHorizonMs;
    this.compactedAt = this.watermark;
    this.compactedBefore = Math.max(this.compactedBefore, cutoff);
    this.calls.compact(cutoff, this.watermark - this.cfg.staleWaitSec * 1000);
    this.agents.compact(cutoff, this.cal.dayOf(this.watermark - Math.max(this.cfg.reorderHorizonMs, 3600_000)).start);
  }

  // ---- checkpoints ---------------------------------------------------------------------------

  /**
   * The folded state as plain data, for a checkpoint. It shares structure with the live engine
   * (arrays of windows, notes and calls): serialize it before the next `apply` or `tick`.
   */
  exportState(): EngineState {
    return {
      version: ENGINE_STATE_VERSION,
      cfg: { ...this.cfg },
      teams: this.teamIx.toJSON(),
      queues: this.queueIx.toJSON(),
      agents: this.agents.toJSON(),
      calls: this.calls.toJSON(),
      counters: this.counters.toJSON(),
      queueIds: [...this.queueIds],
      teamIds: [...this.teamIds],
      handledTimes: this.handledTimes.toArray(),
      overruns: [...this.overruns],
      timers: this.timers.toArray(),
      lastMaintenance: this.lastMaintenance,
      eventsApplied: this.eventsApplied,
      outOfOrder: this.outOfOrder,
      watermark: this.watermark,
      compactedAt: this.compactedAt,
      compactedBefore: this.compactedBefore,
      tooLate: this.tooLate,
      teamQueues: this.schedule.exportLearned(),
      center: this.center,
    };
  }

  /**
   * An engine holding `state` (from `exportState`, usually through a serializer), folded with
   * `cfg`. Takes ownership of `state`. Everything is marked dirty so the projector re-reads all.
   */
  static importState(cfg: EngineConfig, state: EngineState): FloorEngine {
    if (state.version !== ENGINE_STATE_VERSION) throw new RangeError(`engine state version ${String(state.version)} is not ${ENGINE_STATE_VERSION}`);
    const e = new FloorEngine(cfg);
    for (const s of state.teams) e.teamIx.idOf(s); // 'unassigned' stays index 1
    for (const s of state.queues) e.queueIx.idOf(s);
    e.agents.restore(state.agents);
    e.calls.restore(state.calls);
    e.counters.restore(state.counters);
    for (const q of state.queueIds) e.queueIds.add(q);
    for (const t of state.teamIds) e.teamIds.add(t);
    e.handledTimes.restore(state.handledTimes);
    for (const [a, at] of state.overruns) e.overruns.set(a, at);
    e.timers.restore(state.timers);
    e.lastMaintenance = state.lastMaintenance;
    e.eventsApplied = state.eventsApplied;
    e.outOfOrder = state.outOfOrder;
    e.watermark = state.watermark;
    e.compactedAt = state.compactedAt;
    e.compactedBefore = state.compactedBefore;
    e.tooLate = state.tooLate;
    e.schedule.restoreLearned(state.teamQueues);
    e.useCenter(state.center);
    for (const id of e.queueIds) e.dirty.queues.add(id);
    for (const id of e.teamIds) e.dirty.teams.add(id);
    for (const id of e.agentIds()) e.dirty.agents.add(id);
    e.dirty.queues.add('*');
    e.dirty.intraday = true;
    return e;
  }
}
