import type { FloorEvent } from '../../shared/events.ts';
import type { AgentState } from '../../shared/snapshot.ts';
import { EMPTY_CENTER_CONFIG, queueLimits, queueSl, teamLimits, type CenterConfig, type QueueLimits, type TeamLimits } from '../../shared/center-config.ts';
import { notesDone, overrunAt, stepAgent, withoutNotes, type AgentStepContext } from './agent-fold.ts';
import { AgentTable, DAY, F, ROW } from './agent-table.ts';
import { foldCall, type CallFacts, type CallFoldContext } from './call-fold.ts';
import { DayCalendar } from './calendar.ts';
import { Counters, S_BREAK, S_OFFLINE, STATE_CODE, STATES, type CountersState } from './counters.ts';
import type { EngineConfig } from './engine-config.ts';
import { agentEntry, callEntry, entryPayload, entryPosition, insertAt, type EntryIndexes } from './entries.ts';
import { Interner } from './interner.ts';
import { SortedTimes } from './sorted-times.ts';
import { TimelineCodec, type DecodedTimeline } from './timeline.ts';
import { TimerQueue } from './timers.ts';
import { ScheduleBook } from '../schedule/schedule-book.ts';
import type { ResolvedShift } from '../schedule/roster.ts';

/**
 * Everything the engine has folded, as plain data for checkpoints: `exportState()` → serialize
 * outside the engine (server/floor/) → `FloorEngine.importState()`. Bump the version when the
 * shape changes; an older checkpoint is then ignored (the log is replayed instead).
 */
export interface EngineState {
  version: typeof ENGINE_STATE_VERSION;
  cfg: EngineConfig;
  strings: { agents: string[]; teams: string[]; queues: string[]; reasons: string[]; names: string[] };
  live: number[];
  base: number[];
  windows: (number[] | null)[];
  liveNotes: (number[] | null)[];
  baseNotes: (number[] | null)[];
  timelines: string[];
  codec: string[];
  calls: [string, number[]][];
  callSeq: number;
  counters: CountersState;
  queueIds: string[];
  teamIds: string[];
  handledTimes: number[];
  overruns: [string, number][];
  timers: { at: number; key: string }[];
  callQueue: string[];
  callsInUse: string[];
  agentQueue: number[];
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

/** An agent as other modules read it (the drill-down, reports, data quality, the schedule book). */
export interface AgentView {
  agentId: string;
  teamId: string;
  name: string;
  state: AgentState;
  reason: string | null;
  stateSince: number | null;
  loginSince: number | null;
  breakSince: number | null;
  /** Signed in at some time (today or before): the agent is known to the floor. */
  everSignedIn: boolean;
  firstTs: number | null;
  currentCallQueueId: string | null;
  timeline: DecodedTimeline;
}

/** An agent's figures of one day, as folded (running stretches not included). */
export interface AgentDayFigures { handled: number; success: number; failure: number; loginClosedMs: number; breakClosedMs: number }

const num = (v: number) => (Number.isNaN(v) ? null : v);
/** A waiting leg's key in its queue's waiting map. */
const legKey = (seq: number, leg: number) => seq * 1024 + Math.min(leg, 1023);
/** Call record layout: [seq, open (waiting legs, +1 while talking), ts, code, ts, code, ...]. */
const CALL_SEQ = 0;
const CALL_OPEN = 1;
const CALL_FROM = 2;

/** The team of an agent before its first sign-in (not shown as a team). */
export const UNASSIGNED_TEAM = 'unassigned';
const UNASSIGNED = 1;

/** How far the watermark moves between compactions (event time). */
const COMPACT_EVERY_MS = 60_000;

/**
 * The floor: a deterministic fold of events into per-call and per-agent facts plus additive sums.
 * No I/O and no clock: time comes in through `tick(now)` and the projections. Any delivery order
 * of the same events (copies included) gives the state of the events in fold order (time, then
 * content; entries.ts): an out-of-order event re-derives only its own call or agent. That holds
 * within the reorder horizon; older events follow the too-late rule (docs/metrics.md).
 *
 * Memory stays small per agent: the fold is a row of numbers (agent-table.ts), the agent keeps its
 * state changes of today packed (timeline.ts), and events are kept (as numbers) only inside the
 * reorder horizon, where a late event may need them.
 */
export class FloorEngine {
  readonly cal: DayCalendar;
  readonly dirty = new DirtySet();
  readonly counters: Counters;
  /** Rosters and break plans (given as data by the service layer) and what is derived from them. */
  readonly schedule: ScheduleBook;
  readonly agentIx = new Interner();
  readonly teamIx = new Interner();
  readonly queueIx = new Interner();
  readonly reasonIx = new Interner();
  readonly nameIx = new Interner();
  /** The fold of every agent (row = agent index), and its base: the fold of what was compacted out of the window. */
  readonly live = new AgentTable();
  private readonly base = new AgentTable();
  private windows: (number[] | null)[] = [];
  private liveNotes: (number[] | null)[] = [];
  private baseNotes: (number[] | null)[] = [];
  /** Each agent's state changes of today (timeline.ts encoding), and how many appends each has had since it was last made one flat string. */
  private timelines: string[] = [];
  private tlPieces: number[] = [];
  codec = new TimelineCodec();
  /** callId → [seq, open, then (ts, code) entries]. */
  private readonly calls = new Map<string, number[]>();
  private callSeq = 0;
  readonly queueIds = new Set<string>();
  readonly teamIds = new Set<string>();
  /** End times of handled calls, for the rolling floor CPH. */
  readonly handledTimes = new SortedTimes();
  /** Agents on break or away → when they overrun. */
  readonly overruns = new Map<string, number>();
  private readonly timers = new TimerQueue();
  /** Names and thresholds of teams and queues (given as data by the service layer: `setCenterConfig`). */
  center: CenterConfig = EMPTY_CENTER_CONFIG;
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
  /** What compaction has let go of so far: calls dropped, agent events folded into their base. */
  callsCompacted = 0;
  agentEventsCompacted = 0;
  /** Calls to look at when compacting: new ones in the order first seen, and the ones in use last time. */
  private callQueue: string[] = [];
  private callQueueHead = 0;
  private callsInUse: string[] = [];
  /** Agents with a window (each once): compaction looks at these, never at the whole floor. */
  private agentQueue: number[] = [];

  private readonly ix: EntryIndexes = {
    team: (id) => this.teamIx.idOf(id),
    queue: (id) => this.queueIx.idOf(id),
    reason: (r) => this.reasonIx.idOf(r),
    name: (n) => this.nameIx.idOf(n),
    state: (s) => STATE_CODE[s as AgentState],
  };
  private readonly callCtx: CallFoldContext;
  private readonly liveCtx: AgentStepContext;
  private readonly baseCtx: AgentStepContext;
  private slOf: (queue: number) => number = (q) => queueSl(this.center, this.queueIx.at(q), this.cfg).slThresholdSec;

  constructor(readonly cfg: EngineConfig) {
    this.teamIx.idOf(UNASSIGNED_TEAM);
    this.cal = new DayCalendar(cfg.tz);
    this.schedule = new ScheduleBook(this.cal);
    const queueMarks: number[] = [];
    const teamMarks = this.teamMarks;
    this.counters = new Counters({
      queue: (q) => {
        if (queueMarks[q] === this.dirty.epoch) return;
        queueMarks[q] = this.dirty.epoch;
        this.dirty.queues.add(this.queueIx.at(q));
        this.dirty.intraday = true;
      },
      team: (t) => this.markTeam(t),
      intraday: () => { this.dirty.intraday = true; },
    });
    const dayKey = (idx: number) => dayKeyOf(idx);
    this.callCtx = { cal: this.cal, cfg, counters: this.counters, slThresholdSecOf: (q) => this.slOf(q) };
    this.liveCtx = {
      cal: this.cal, table: this.live, notes: this.liveNotes, counters: this.counters, sign: 1, dayKey,
      changed: (i, at, state, reason) => {
        this.timelines[i] += this.codec.encode(this.live.get(i, F.tlLastAt), at, state, this.reasonIx.get(reason));
        this.live.set(i, F.tlLastAt, at);
        this.tlPieces[i] = (this.tlPieces[i] ?? 0) + 1;
      },
    };
    this.baseCtx = {
      cal: this.cal, table: this.base, notes: this.baseNotes, counters: null, sign: 1, dayKey,
      changed: (i, at, state, reason) => {
        this.base.set(i, F.timelineLen, this.base.get(i, F.timelineLen) + this.codec.encode(this.base.get(i, F.tlLastAt), at, state, this.reasonIx.get(reason)).length);
        this.base.set(i, F.tlLastAt, at);
      },
    };
  }

  apply(e: FloorEvent): void {
    this.eventsApplied++;
    let tooLate = false;
    let seq = 0;
    if ('callId' in e) { const r = this.applyToCall(e); seq = r.seq; tooLate = r.tooLate; }
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
  agentIndexOf(agentId: string): number { return this.agentIx.find(agentId); }
  /** Ids of every agent the floor knows. */
  agentIds(): string[] { return this.agentIx.toJSON(); }
  get agentCount(): number { return this.agentIx.size; }

  /** The agent `agentId` as plain values, or null when unknown. */
  agent(agentId: string): AgentView | null {
    const i = this.agentIx.find(agentId);
    return i === 0 ? null : this.agentAt(i);
  }

  agentAt(i: number): AgentView {
    const t = this.live;
    return {
      agentId: this.agentIx.at(i),
      teamId: this.teamIdOf(i),
      name: this.nameIx.get(t.get(i, F.name)) ?? this.agentIx.at(i),
      state: STATES[t.get(i, F.state)]!,
      reason: this.reasonIx.get(t.get(i, F.reason)),
      stateSince: num(t.get(i, F.stateSince)),
      loginSince: num(t.get(i, F.loginSince)),
      breakSince: num(t.get(i, F.breakSince)),
      everSignedIn: this.timelines[i]!.length > 0 || !Number.isNaN(t.get(i, F.loginSince)),
      firstTs: num(t.get(i, F.firstTs)),
      currentCallQueueId: this.queueIx.get(t.get(i, F.currentQueue)),
      timeline: this.codec.view(this.timelines[i]!),
    };
  }

  teamIdOf(i: number): string { return this.teamIx.at(this.live.get(i, F.team)); }

  /** Marks team index `t` for re-projection (once per projection). */
  private markTeam(t: number): void {
    if (this.teamMarks[t] === this.dirty.epoch) return;
    this.teamMarks[t] = this.dirty.epoch;
    this.dirty.teams.add(this.teamIx.at(t));
  }
  private readonly teamMarks: number[] = [];

  /** An agent's folded figures of day `dayKey` (zeros when it has none). */
  agentDay(i: number, dayIdx: number): AgentDayFigures {
    const slot = this.live.daySlot(i, dayIdx);
    const d = this.live.data;
    if (slot < 0) return { handled: 0, success: 0, failure: 0, loginClosedMs: 0, breakClosedMs: 0 };
    return { handled: d[slot + DAY.handled]!, success: d[slot + DAY.success]!, failure: d[slot + DAY.failure]!, loginClosedMs: d[slot + DAY.loginMs]!, breakClosedMs: d[slot + DAY.breakMs]! };
  }

  /** Calls the engine still keeps events of (inside the reorder horizon, or waiting). */
  get callsKept(): number { return this.calls.size; }
  keepsCall(callId: string): boolean { return this.calls.has(callId); }
  /** Events an agent keeps for re-derivation (its reorder window). */
  windowLength(agentId: string): number { return (this.windows[this.agentIx.find(agentId)]?.length ?? 0) / 3; }

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
  queueLimitsOf(queueId: string): QueueLimits { return queueLimits(this.center, queueId); }
  teamLimitsOf(teamId: string): TeamLimits { return teamLimits(this.center, teamId); }
  /** A queue's SL threshold and target: its own, the center's, else the environment's. */
  queueSlOf(queueId: string): { slThresholdSec: number; slTarget: number } { return queueSl(this.center, queueId, this.cfg); }

  // ---- calls ---------------------------------------------------------------------------------

  /** Folds a call event; returns the call's seq and whether the too-late rule applied. */
  private applyToCall(e: FloorEvent & { callId: string }): { seq: number; tooLate: boolean } {
    let rec = this.calls.get(e.callId);
    let tooLate = false;
    if (!rec) {
      // A call first seen behind the horizon: if it had events, they were compacted away.
      tooLate = e.ts < this.compactedBefore;
      rec = [++this.callSeq, 0];
      this.calls.set(e.callId, rec);
      this.callQueue.push(e.callId);
    }
    const seq = rec[CALL_SEQ]!;
    if ('queueId' in e) this.queueIds.add(e.queueId);
    const code = callEntry(e, this.ix);
    if (rec.length > CALL_FROM && (rec[rec.length - 2]! > e.ts || (rec[rec.length - 2] === e.ts && rec[rec.length - 1]! > code))) this.outOfOrder++;
    const at = entryPosition(rec, CALL_FROM, 2, e.ts, code, 0);
    if (at < 0) return { seq, tooLate: false };
    if (at === rec.length) {
      // In order: only the new entry adds anything; one pass gives the facts before and after it.
      rec = insertAt(rec, at, 2, e.ts, code, 0);
      this.calls.set(e.callId, rec);
      let prev: CallFacts = { waiting: [], endedAt: null, talking: false };
      const next = foldCall(rec, CALL_FROM, this.callCtx, 1, at, (f) => { prev = f; });
      this.replaceFacts(rec, prev, next);
    } else {
      const prev = foldCall(rec, CALL_FROM, this.callCtx, -1);
      rec = insertAt(rec, at, 2, e.ts, code, 0);
      this.calls.set(e.callId, rec);
      this.replaceFacts(rec, prev, foldCall(rec, CALL_FROM, this.callCtx, 1));
    }
    return { seq, tooLate };
  }

  /** Waiting legs and the handled-call instant of a call whose facts went from `prev` to `next`. */
  private replaceFacts(rec: number[], prev: CallFacts, next: CallFacts): void {
    const seq = rec[CALL_SEQ]!;
    for (const w of prev.waiting) { this.counters.queue(w.queue).waiting.delete(legKey(seq, w.leg)); this.dirty.queues.add(this.queueIx.at(w.queue)); }
    for (const w of next.waiting) {
      this.counters.queue(w.queue).waiting.set(legKey(seq, w.leg), w.queuedAt);
      this.dirty.queues.add(this.queueIx.at(w.queue));
      this.scheduleWaitTimers(this.queueIx.at(w.queue), w.queuedAt);
    }
    rec[CALL_OPEN] = next.waiting.length + (next.talking ? 1 : 0);
    if (prev.endedAt !== next.endedAt) {
      if (prev.endedAt !== null) this.handledTimes.remove(prev.endedAt);
      if (next.endedAt !== null) this.handledTimes.add(next.endedAt);
      this.dirty.queues.add('*');
    }
  }

  /** Re-project the queue when a waiting call crosses its amber and red longest-wait limits. */
  private scheduleWaitTimers(queueId: string, queuedAt: number): void {
    const { amber, red } = this.queueLimitsOf(queueId).longestWaitSec;
    for (const limit of amber === red ? [amber] : [amber, red]) this.timers.schedule(queuedAt + limit * 1000 + 1, `q:${queueId}`);
  }

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
    if (slChanged.size > 0) {
      const oldCtx: CallFoldContext = { ...this.callCtx, slThresholdSecOf: (q) => before.get(this.queueIx.at(q))?.sl ?? this.slOf(q) };
      for (const rec of this.calls.values()) {
        if (!callTouches(rec, slChanged)) continue;
        const prev = foldCall(rec, CALL_FROM, oldCtx, -1);
        const next = foldCall(rec, CALL_FROM, this.callCtx, 1);
        this.replaceFacts(rec, prev, next);
      }
    }
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
    this.queueNames = new Map(cfg.queues.map((q) => [q.id, q.name]));
    this.teamNames = new Map(cfg.teams.map((t) => [t.id, t.name]));
  }

  // ---- agents --------------------------------------------------------------------------------

  /** The row of a new agent: offline, in no team, no figures. */
  private newAgent(agentId: string): number {
    const i = this.agentIx.idOf(agentId);
    this.live.ensure(i);
    this.base.ensure(i);
    this.live.set(i, F.team, UNASSIGNED);
    this.base.set(i, F.team, UNASSIGNED);
    this.teamIds.add(UNASSIGNED_TEAM);
    this.timelines[i] = '';
    return i;
  }

  /** Folds an agent event; true when the too-late rule applied. */
  private applyToAgent(agentId: string, e: FloorEvent, callSeq: number): boolean {
    let i = this.agentIx.find(agentId);
    if (i === 0) i = this.newAgent(agentId);
    const [code, ref] = agentEntry(e, this.ix, callSeq);
    const tooLate = e.ts <= this.base.get(i, F.baseTs);
    const old = this.windows[i] ?? [];
    const teamBefore = this.live.get(i, F.team);
    const [stateBefore, reasonBefore, sinceBefore] = [this.live.get(i, F.state), this.live.get(i, F.reason), this.live.get(i, F.stateSince)];
    const at = entryPosition(old, 0, 3, e.ts, code, ref);
    if (at < 0) return false;
    const inOrder = at === old.length;
    // Out of order: the old window is replayed (to take its amounts back) before the insert.
    const oldCopy = inOrder ? old : old.slice();
    const win = insertAt(old, at, 3, e.ts, code, ref);
    this.windows[i] = win;
    if (oldCopy.length === 0) this.agentQueue.push(i); // agents with a window are looked at by compaction
    if (inOrder) stepAgent(this.liveCtx, i, e.ts, code, ref);
    else {
      this.outOfOrder++;
      this.replayWindow(i, oldCopy, -1);
      this.replayWindow(i, win, 1);
    }
    const team = this.live.get(i, F.team);
    if (team !== teamBefore) { this.teamIds.add(this.teamIx.at(team)); this.markTeam(teamBefore); }
    this.markTeam(team);
    this.dirty.agents.add(agentId);
    if (e.type === 'call.answered') this.schedule.noteAnswer(this.teamIx.at(team), e.queueId);
    // The overrun follows the state, its reason and when it began (and the schedule: setSchedule).
    if (this.live.get(i, F.state) !== stateBefore || this.live.get(i, F.reason) !== reasonBefore || !Object.is(this.live.get(i, F.stateSince), sinceBefore)) this.updateOverrun(i);
    return tooLate;
  }

  /**
   * Re-derives agent `i` from its base over `window`, adding the window's amounts times `sign`:
   * -1 over the old window takes its contribution back, +1 over the new one adds it again.
   */
  private replayWindow(i: number, window: readonly number[], sign: number): void {
    this.live.copyRow(this.base, i);
    const notes = this.baseNotes[i];
    this.liveNotes[i] = notes ? notes.slice() : null;
    this.timelines[i] = this.timelines[i]!.slice(0, this.base.get(i, F.timelineLen));
    const ctx = sign === 1 ? this.liveCtx : { ...this.liveCtx, sign };
    for (let k = 0; k < window.length; k += 3) stepAgent(ctx, i, window[k]!, window[k + 1]!, window[k + 2]!);
  }

  private updateOverrun(i: number): void {
    const state = this.live.get(i, F.state);
    const agentId = this.agentIx.at(i);
    if (state !== S_BREAK && state !== STATE_CODE.away) { this.overruns.delete(agentId); return; }
    const reason = this.reasonIx.get(this.live.get(i, F.reason));
    const stateSince = num(this.live.get(i, F.stateSince));
    const probe = { agentId, state: STATES[state]!, reason, stateSince };
    const at = overrunAt(probe.state, reason, stateSince, this.schedule.plannedBreakSec(probe));
    if (at === null) this.overruns.delete(agentId);
    else { this.overruns.set(agentId, at); this.timers.schedule(at, `a:${agentId}`); }
  }

  /**
   * Sets one day's effective schedule (roster with break plans applied). Rostered agents the floor
   * has not seen yet get an offline row in their team (so a no-show shows up as absent), and
   * every agent whose schedule may have changed is re-projected.
   */
  setSchedule(date: string, shifts: readonly ResolvedShift[]): void {
    const affected = this.schedule.setDay(date, shifts);
    for (const s of shifts) this.ensureRostered(s.agentId, s.teamId);
    for (const id of affected) {
      const i = this.agentIx.find(id);
      if (i === 0) continue;
      this.updateOverrun(i);
      this.markTimer(`a:${id}`);
    }
  }

  private ensureRostered(agentId: string, teamId: string): void {
    if (this.agentIx.find(agentId) !== 0) return;
    const i = this.newAgent(agentId);
    const team = this.teamIx.idOf(teamId);
    this.live.set(i, F.team, team);
    this.live.set(i, F.inTeam, 1);
    this.counters.addTeamAgents(team, 1);
    this.counters.addTeamState(team, S_OFFLINE, 1);
    this.base.copyRow(this.live, i);
    this.teamIds.add(teamId);
  }


  private markTimer(key: string): void {
    const id = key.slice(2);
    if (key.startsWith('q:')) this.dirty.queues.add(id);
    else if (key.startsWith('a:')) {
      this.dirty.agents.add(id);
      const i = this.agentIx.find(id);
      if (i !== 0) this.dirty.teams.add(this.teamIdOf(i));
    }
  }

  // ---- reorder horizon -----------------------------------------------------------------------

  /**
   * Reorder horizon: forgets what events older than watermark − horizon could still change. A
   * call quiet since then, not waiting and not being talked on, is dropped (its counts stay in the
   * sums; a call open for longer than the stale-wait limit has lost its end and goes too); an agent's
   * window events older than that are folded into its base; today's timeline is trimmed to what
   * the day's figures read. Runs from `apply` each time the watermark has moved on by
   * COMPACT_EVERY_MS, so it depends on the event sequence only, and it visits only the calls and
   * agents that had events since (never the whole floor).
   */
  private compact(): void {
    const cutoff = this.watermark - this.cfg.reorderHorizonMs;
    this.compactedAt = this.watermark;
    this.compactedBefore = Math.max(this.compactedBefore, cutoff);
    const staleBefore = this.watermark - this.cfg.staleWaitSec * 1000;
    // Calls first seen before the cutoff, in the order they were first seen, then the ones kept
    // last time because they were still in use.
    const inUse: string[] = [];
    const look = (callId: string) => {
      const rec = this.calls.get(callId);
      if (!rec) return;
      const lastTs = rec[rec.length - 2]!;
      if (lastTs >= cutoff || (rec[CALL_OPEN]! > 0 && lastTs >= staleBefore)) { inUse.push(callId); return; }
      if (rec[CALL_OPEN]! > 0) this.dropWaiting(rec);
      this.calls.delete(callId);
      this.callsCompacted++;
    };
    while (this.callQueueHead < this.callQueue.length) {
      const callId = this.callQueue[this.callQueueHead]!;
      const rec = this.calls.get(callId);
      if (rec && rec[CALL_FROM]! >= cutoff) break; // first seen after the cutoff: so are the ones behind it
      this.callQueueHead++;
      look(callId);
    }
    for (const callId of this.callsInUse) look(callId);
    this.callsInUse = inUse;
    if (this.callQueueHead * 4 > this.callQueue.length) { this.callQueue = this.callQueue.slice(this.callQueueHead); this.callQueueHead = 0; }

    const keepFrom = this.cal.dayOf(this.watermark - Math.max(this.cfg.reorderHorizonMs, 3600_000)).start;
    const revisit: number[] = [];
    for (const i of this.agentQueue) {
      const win = this.windows[i];
      if (!win || win.length === 0) continue;
      if (win[0]! < cutoff) this.advanceBase(i, win, cutoff);
      this.trimTimeline(i, keepFrom);
      if (this.windows[i]!.length > 0) revisit.push(i);
      else this.windows[i] = null;
    }
    this.agentQueue = revisit;
  }

  /** Folds agent `i`'s window entries older than `cutoff` into its base (already counted: no sums). */
  private advanceBase(i: number, win: number[], cutoff: number): void {
    let k = 0;
    for (; k < win.length && win[k]! < cutoff; k += 3) stepAgent(this.baseCtx, i, win[k]!, win[k + 1]!, win[k + 2]!);
    if (k === 0) return;
    this.agentEventsCompacted += k / 3;
    this.base.set(i, F.baseTs, Math.max(win[k - 3]!, num(this.base.get(i, F.baseTs)) ?? 0));
    this.windows[i] = win.slice(k);
    const done = notesDone(this.liveNotes[i] ?? null, cutoff, this.live.get(i, F.pwSeq));
    this.baseNotes[i] = withoutNotes(this.baseNotes[i] ?? null, done);
    this.liveNotes[i] = withoutNotes(this.liveNotes[i] ?? null, done);
  }

  /**
   * Drops state changes before `from` that the base accounts for, keeping the one in force at
   * `from`; after appends, stores the timeline as one flat string again (each append leaves
   * a string piece and a link to it until the string is flattened).
   */
  private trimTimeline(i: number, from: number): void {
    const trimmed = this.codec.trim(this.timelines[i]!, this.base.get(i, F.timelineLen), from);
    if (trimmed) this.base.set(i, F.timelineLen, this.base.get(i, F.timelineLen) - trimmed.removed);
    if (trimmed || (this.tlPieces[i] ?? 0) > 0) { this.timelines[i] = flatString(trimmed?.text ?? this.timelines[i]!); this.tlPieces[i] = 0; }
  }

  /** A call waiting for longer than the stale-wait limit has lost its end event: its legs leave the queues. */
  private dropWaiting(rec: number[]): void {
    const facts = foldCall(rec, CALL_FROM, this.callCtx, 0);
    for (const w of facts.waiting) { this.counters.queue(w.queue).waiting.delete(legKey(rec[CALL_SEQ]!, w.leg)); this.dirty.queues.add(this.queueIx.at(w.queue)); }
  }

  // ---- checkpoints ---------------------------------------------------------------------------

  /**
   * The folded state as plain data, for a checkpoint. It shares structure with the live engine
   * where it can (arrays of the windows, notes and timelines): serialize it before the next
   * `apply` or `tick`.
   */
  exportState(): EngineState {
    const rows = this.agentIx.size + 1;
    return {
      version: ENGINE_STATE_VERSION,
      cfg: { ...this.cfg },
      strings: { agents: this.agentIx.toJSON(), teams: this.teamIx.toJSON(), queues: this.queueIx.toJSON(), reasons: this.reasonIx.toJSON(), names: this.nameIx.toJSON() },
      live: this.live.toJSON(rows),
      base: this.base.toJSON(rows),
      windows: this.windows.slice(0, rows),
      liveNotes: this.liveNotes.slice(0, rows),
      baseNotes: this.baseNotes.slice(0, rows),
      timelines: this.timelines.slice(0, rows),
      codec: this.codec.toJSON(),
      calls: [...this.calls],
      callSeq: this.callSeq,
      counters: this.counters.toJSON(),
      queueIds: [...this.queueIds],
      teamIds: [...this.teamIds],
      handledTimes: this.handledTimes.toArray(),
      overruns: [...this.overruns],
      timers: this.timers.toArray(),
      callQueue: this.callQueue.slice(this.callQueueHead),
      callsInUse: this.callsInUse,
      agentQueue: this.agentQueue,
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
   * JSON turns NaN (null in the fold) into null: it is turned back here.
   */
  static importState(cfg: EngineConfig, state: EngineState): FloorEngine {
    if (state.version !== ENGINE_STATE_VERSION) throw new RangeError(`engine state version ${String(state.version)} is not ${ENGINE_STATE_VERSION}`);
    const e = new FloorEngine(cfg);
    const nan = (xs: readonly (number | null)[]) => xs.map((v) => v ?? Number.NaN);
    for (const s of state.strings.agents) e.agentIx.idOf(s);
    for (const s of state.strings.teams) e.teamIx.idOf(s); // 'unassigned' stays index 1
    for (const s of state.strings.queues) e.queueIx.idOf(s);
    for (const s of state.strings.reasons) e.reasonIx.idOf(s);
    for (const s of state.strings.names) e.nameIx.idOf(s);
    e.live.restore(nan(state.live));
    e.base.restore(nan(state.base));
    e.windows = state.windows;
    e.liveNotes = state.liveNotes.map((n) => (n ? nan(n) : null));
    e.baseNotes = state.baseNotes.map((n) => (n ? nan(n) : null));
    e.liveCtx.notes = e.liveNotes;
    e.baseCtx.notes = e.baseNotes;
    e.timelines = state.timelines;
    e.timelines[0] ??= '';
    e.codec = TimelineCodec.from(state.codec);
    for (const [id, rec] of state.calls) e.calls.set(id, rec);
    e.callSeq = state.callSeq;
    e.counters.restore(state.counters);
    for (const q of state.queueIds) e.queueIds.add(q);
    for (const t of state.teamIds) e.teamIds.add(t);
    e.handledTimes.restore(state.handledTimes);
    for (const [a, at] of state.overruns) e.overruns.set(a, at);
    e.timers.restore(state.timers);
    e.callQueue = state.callQueue;
    e.callsInUse = state.callsInUse;
    e.agentQueue = state.agentQueue;
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

/** Does a call record have an entry on one of `queues`? */
function callTouches(rec: readonly number[], queues: ReadonlySet<number>): boolean {
  for (let k = CALL_FROM; k < rec.length; k += 2) {
    const code = rec[k + 1]!;
    if (queues.has(entryPayload(code))) return true;
  }
  return false;
}

/** A string's characters in one piece (joining single characters builds a flat string). */
const flatString = (s: string) => s.split('').join('');

/** "YYYY-MM-DD" of a day index (days since 1970-01-01; the index is of the local date, so UTC gives it back). */
const dayKeys = new Map<number, string>();
function dayKeyOf(idx: number): string {
  let k = dayKeys.get(idx);
  if (k === undefined) {
    k = new Date(idx * 86_400_000).toISOString().slice(0, 10);
    if (dayKeys.size > 64) dayKeys.clear();
    dayKeys.set(idx, k);
  }
  return k;
}

export { ROW as AGENT_ROW_WIDTH };
