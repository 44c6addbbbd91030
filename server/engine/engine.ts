import type { FloorEvent } from '../../shared/events.ts';
import { EMPTY_CENTER_CONFIG, queueLimits, queueSl, teamLimits, type CenterConfig, type QueueLimits, type TeamLimits } from '../../shared/center-config.ts';
import { cloneAgentFold, newAgentFold, overrunAt, pruneAgentDays, pruneTimeline, stepAgent, type AgentFold } from './agent-fold.ts';
import { foldCall, type CallFacts } from './call-fold.ts';
import { DayCalendar } from './calendar.ts';
import type { EngineConfig } from './engine-config.ts';
import { compareEvents, insertInOrder } from './event-order.ts';
import { Contribution, internKey, Ledger } from './ledger.ts';
import { SortedTimes } from './sorted-times.ts';
import { TimerQueue } from './timers.ts';
import { tKey } from './keys.ts';
import { ScheduleBook } from '../schedule/schedule-book.ts';
import type { ResolvedShift } from '../schedule/roster.ts';

interface CallRecord { events: FloorEvent[]; facts: CallFacts }
interface AgentRecord {
  events: FloorEvent[];
  base: AgentFold;
  fold: AgentFold;
  /** Time of the agent's first event, kept once compaction folded it into `base` (rows show it as "since"). */
  firstTs?: number;
}

/**
 * Everything the engine has folded, as plain data (arrays, Maps, plain objects) for checkpoints:
 * `exportState()` → serialize outside the engine (server/floor/) → `FloorEngine.importState()`.
 * Bump `version` when the shape changes; an older checkpoint is then ignored.
 */
export interface EngineState {
  version: typeof ENGINE_STATE_VERSION;
  /** The configuration the state was folded with (derived figures depend on it). */
  cfg: EngineConfig;
  calls: Map<string, { events: FloorEvent[]; facts: { contribution: Map<string, number>; waiting: CallFacts['waiting']; endedAt: number | null; lastTs: number } }>;
  agents: Map<string, AgentRecord>;
  ledger: [string, number][];
  waiting: Map<string, Map<string, number>>;
  queueIds: string[];
  teamIds: string[];
  handledTimes: number[];
  overruns: Map<string, number>;
  timers: { at: number; key: string }[];
  lastMaintenance: number;
  eventsApplied: number;
  outOfOrder: number;
  /** Reorder horizon bookkeeping (absent in older checkpoints: then 0, nothing compacted yet). */
  watermark?: number;
  compactedAt?: number;
  compactedBefore?: number;
  tooLate?: number;
  /** Which queues each team answers (the schedule book learns it from the calls). */
  teamQueues: [string, [string, number][]][];
  /** The center configuration the calls were folded with (per-queue SL thresholds); absent in older checkpoints. */
  center?: CenterConfig;
}
export const ENGINE_STATE_VERSION = 1;

/** What changed since the last projection; the projector reads and clears it. */
export class DirtySet {
  agents = new Set<string>();
  queues = new Set<string>();
  teams = new Set<string>();
  intraday = false;
  any(): boolean { return this.agents.size + this.queues.size + this.teams.size > 0 || this.intraday; }
  clear(): void { this.agents.clear(); this.queues.clear(); this.teams.clear(); this.intraday = false; }
}

/**
 * The floor: a deterministic fold of events into per-call and per-agent facts plus additive
 * aggregates. No I/O and no clock: time comes in through `tick(now)` and the projections.
 * Any delivery order of the same events (duplicates included) gives the same state as the
 * events sorted by (ts, id): an out-of-order event re-derives only its own call or agent. That
 * holds within the reorder horizon (`compact`); later events follow the too-late rule.
 */
export class FloorEngine {
  readonly cal: DayCalendar;
  readonly ledger: Ledger;
  readonly dirty = new DirtySet();
  readonly calls = new Map<string, CallRecord>();
  readonly agents = new Map<string, AgentRecord>();
  /** queueId → (leg key → queuedAt) of calls still waiting. */
  readonly waiting = new Map<string, Map<string, number>>();
  readonly queueIds = new Set<string>();
  readonly teamIds = new Set<string>();
  /** End times of handled calls, for the rolling floor CPH. */
  readonly handledTimes = new SortedTimes();
  /** Agents on break or away → when they overrun. */
  readonly overruns = new Map<string, number>();
  /** Rosters and break plans (given as data by the service layer) and what is derived from them. */
  readonly schedule: ScheduleBook;
  private readonly timers = new TimerQueue();
  /** Names and thresholds of teams and queues (given as data by the service layer: `setCenterConfig`). */
  center: CenterConfig = EMPTY_CENTER_CONFIG;
  private queueNames = new Map<string, string>();
  private teamNames = new Map<string, string>();
  private readonly slThresholdSecOf = (queueId: string) => queueSl(this.center, queueId, this.cfg).slThresholdSec;
  private lastMaintenance = 0;
  eventsApplied = 0;
  outOfOrder = 0;
  /** Events folded by the too-late rule (older than the reorder horizon when they arrived). */
  tooLate = 0;
  /** The latest event time folded: the clock of compaction, so every replica decides alike. */
  watermark = 0;
  /** The watermark at the last compaction, and that compaction's cutoff (watermark − horizon). */
  private compactedAt = 0;
  private compactedBefore = 0;
  /** Calls that still keep their events: compaction looks at these only, not at every call of the day. */
  private readonly callsWithEvents = new Set<string>();

  constructor(readonly cfg: EngineConfig) {
    this.cal = new DayCalendar(cfg.tz);
    this.schedule = new ScheduleBook(this.cal);
    this.ledger = new Ledger((key) => this.markKey(key));
  }

  apply(e: FloorEvent): void {
    this.eventsApplied++;
    const callTooLate = 'callId' in e && this.applyToCall(e);
    const agentId = 'agentId' in e ? e.agentId : undefined;
    const agentTooLate = agentId !== undefined && e.ts < this.compactedBefore && this.agents.has(agentId);
    if (agentId !== undefined) this.applyToAgent(agentId, e);
    if (callTooLate || agentTooLate) this.tooLate++;
    if (e.ts > this.watermark) this.watermark = e.ts;
    if (this.watermark - this.compactedAt >= COMPACT_EVERY_MS) this.compact();
  }

  /** Moves time forward: fires threshold timers and, hourly, forgets what fell out of retention. */
  tick(now: number): void {
    for (const key of this.timers.popDue(now)) this.markTimer(key);
    for (const id of this.schedule.popDue(now)) this.markTimer(`a:${id}`);
    this.handledTimes.dropBefore(now - 2 * 3600_000);
    if (now - this.lastMaintenance >= 3600_000) { this.lastMaintenance = now; this.forgetBefore(now - this.cfg.retentionMs); }
  }

  /**
   * The folded state as plain data, for a checkpoint. It shares structure with the live engine
   * (nothing is copied, so a large floor costs no extra memory): serialize it before the next
   * `apply` or `tick`.
   */
  exportState(): EngineState {
    return {
      version: ENGINE_STATE_VERSION,
      cfg: { ...this.cfg },
      calls: this.calls,
      agents: this.agents,
      ledger: this.ledger.toJSON(),
      waiting: this.waiting,
      queueIds: [...this.queueIds],
      teamIds: [...this.teamIds],
      handledTimes: this.handledTimes.toArray(),
      overruns: this.overruns,
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
   * `cfg`. Takes ownership of `state`: pass a copy (a deserialized one, or structuredClone) when
   * the source engine lives on. Everything is marked dirty so the projector re-reads all of it.
   */
  static importState(cfg: EngineConfig, state: EngineState): FloorEngine {
    if (state.version !== ENGINE_STATE_VERSION) throw new RangeError(`engine state version ${String(state.version)} is not ${ENGINE_STATE_VERSION}`);
    const e = new FloorEngine(cfg);
    for (const [id, rec] of state.calls) {
      const f = rec.facts;
      const contribution = new Contribution();
      for (const [k, v] of f.contribution) contribution.set(internKey(k), v);
      e.calls.set(id, { events: rec.events, facts: { contribution, waiting: f.waiting, endedAt: f.endedAt, lastTs: f.lastTs } });
      if (rec.events.length > 0) e.callsWithEvents.add(id);
    }
    for (const [id, rec] of state.agents) e.agents.set(id, rec);
    e.ledger.restore(state.ledger);
    for (const [q, m] of state.waiting) e.waiting.set(q, m);
    for (const q of state.queueIds) e.queueIds.add(q);
    for (const t of state.teamIds) e.teamIds.add(t);
    e.handledTimes.restore(state.handledTimes);
    for (const [a, at] of state.overruns) e.overruns.set(a, at);
    e.timers.restore(state.timers);
    e.lastMaintenance = state.lastMaintenance;
    e.eventsApplied = state.eventsApplied;
    e.outOfOrder = state.outOfOrder;
    e.watermark = state.watermark ?? 0;
    e.compactedAt = state.compactedAt ?? 0;
    e.compactedBefore = state.compactedBefore ?? 0;
    e.tooLate = state.tooLate ?? 0;
    e.schedule.restoreLearned(state.teamQueues);
    if (state.center) e.useCenter(state.center);
    for (const id of e.queueIds) e.dirty.queues.add(id);
    for (const id of e.teamIds) e.dirty.teams.add(id);
    for (const id of e.agents.keys()) e.dirty.agents.add(id);
    e.dirty.queues.add('*');
    e.dirty.intraday = true;
    return e;
  }

  /** Folds a call event; true when the call was compacted (the too-late rule applied). */
  private applyToCall(e: FloorEvent & { callId: string }): boolean {
    let rec = this.calls.get(e.callId);
    // A compacted call (no events kept) cannot be re-derived: its facts stay in the totals as they
    // are, and the call starts afresh from the new events, whose contribution adds on top.
    const tooLate = rec !== undefined && rec.events.length === 0;
    if (!rec || tooLate) {
      rec = { events: [], facts: { contribution: new Map() as CallFacts['contribution'], waiting: [], endedAt: null, lastTs: e.ts } };
      this.calls.set(e.callId, rec);
    }
    if (rec.events.length > 0 && compareEvents(rec.events[rec.events.length - 1]!, e) > 0) this.outOfOrder++;
    if (!insertInOrder(rec.events, e)) return false;
    this.callsWithEvents.add(e.callId);
    const prev = rec.facts;
    const next = foldCall(rec.events, this.cal, this.cfg, this.slThresholdSecOf);
    rec.facts = next;
    if ('queueId' in e) this.queueIds.add(e.queueId);
    this.ledger.replace(prev.contribution, next.contribution);
    for (const w of prev.waiting) this.waitingOf(w.queueId).delete(`${e.callId}@${w.queuedAt}`);
    for (const w of next.waiting) {
      this.waitingOf(w.queueId).set(`${e.callId}@${w.queuedAt}`, w.queuedAt);
      this.scheduleWaitTimers(w.queueId, w.queuedAt);
    }
    for (const w of [...prev.waiting, ...next.waiting]) this.dirty.queues.add(w.queueId);
    if (prev.endedAt !== next.endedAt) {
      if (prev.endedAt !== null) this.handledTimes.remove(prev.endedAt);
      if (next.endedAt !== null) this.handledTimes.add(next.endedAt);
      this.dirty.queues.add('*');
    }
    return tooLate;
  }

  /** Re-project the queue when a waiting call crosses its amber and red longest-wait limits. */
  private scheduleWaitTimers(queueId: string, queuedAt: number): void {
    const { amber, red } = this.queueLimitsOf(queueId).longestWaitSec;
    for (const limit of amber === red ? [amber] : [amber, red]) this.timers.schedule(queuedAt + limit * 1000 + 1, `q:${queueId}`);
  }

  /**
   * Sets the center configuration (names, per-queue SL settings, per-queue/team thresholds).
   * Calls of queues whose SL threshold changed are re-folded (today's SL then reads as if the
   * new threshold had always applied), waiting calls get timers for new wait limits, and every
   * queue and team is re-projected.
   */
  setCenterConfig(cfg: CenterConfig): void {
    const queues = new Set([...this.queueIds, ...this.center.queues.map((q) => q.id), ...cfg.queues.map((q) => q.id)]);
    const before = new Map([...queues].map((q) => [q, { sl: this.slThresholdSecOf(q), wait: JSON.stringify(this.queueLimitsOf(q).longestWaitSec) }]));
    this.useCenter(cfg);
    const slChanged = new Set([...queues].filter((q) => before.get(q)!.sl !== this.slThresholdSecOf(q)));
    if (slChanged.size > 0) {
      for (const rec of this.calls.values()) {
        if (!rec.events.some((ev) => 'queueId' in ev && slChanged.has(ev.queueId))) continue;
        const next = foldCall(rec.events, this.cal, this.cfg, this.slThresholdSecOf);
        this.ledger.replace(rec.facts.contribution, next.contribution);
        rec.facts = next;
      }
    }
    for (const q of queues) {
      if (before.get(q)!.wait === JSON.stringify(this.queueLimitsOf(q).longestWaitSec)) continue;
      for (const at of this.waiting.get(q)?.values() ?? []) this.scheduleWaitTimers(q, at);
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

  queueName(queueId: string): string | undefined { return this.queueNames.get(queueId); }
  teamName(teamId: string): string | undefined { return this.teamNames.get(teamId); }
  queueLimitsOf(queueId: string): QueueLimits { return queueLimits(this.center, queueId); }
  teamLimitsOf(teamId: string): TeamLimits { return teamLimits(this.center, teamId); }
  /** A queue's SL threshold and target: its own, the center's, else the environment's. */
  queueSlOf(queueId: string): { slThresholdSec: number; slTarget: number } { return queueSl(this.center, queueId, this.cfg); }

  private applyToAgent(agentId: string, e: FloorEvent): void {
    let rec = this.agents.get(agentId);
    if (!rec) {
      const fresh = newAgentFold(agentId);
      rec = { events: [], base: cloneAgentFold(fresh), fold: fresh };
      this.agents.set(agentId, rec);
    }
    const last = rec.events[rec.events.length - 1];
    const teamBefore = rec.fold.teamId;
    if (!last || compareEvents(last, e) < 0) {
      rec.events.push(e);
      const a = rec.fold;
      stepAgent(a, e, this.cal, (k, v) => { addTo(a.contribution, k, v); this.ledger.add(k, v); });
    } else {
      this.outOfOrder++;
      if (!insertInOrder(rec.events, e)) return;
      const old = rec.fold.contribution;
      rec.fold = this.refold(rec.base, rec.events);
      this.ledger.replace(old, rec.fold.contribution);
    }
    const a = rec.fold;
    this.teamIds.add(a.teamId);
    this.dirty.agents.add(agentId);
    this.dirty.teams.add(a.teamId).add(teamBefore);
    if (e.type === 'call.answered') this.schedule.noteAnswer(a.teamId, e.queueId);
    this.updateOverrun(agentId, a);
  }

  private updateOverrun(agentId: string, a: AgentFold): void {
    const at = overrunAt(a, this.schedule.plannedBreakSec(a));
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
      const rec = this.agents.get(id);
      if (!rec) continue;
      this.updateOverrun(id, rec.fold);
      this.markTimer(`a:${id}`);
    }
  }

  private ensureRostered(agentId: string, teamId: string): void {
    if (this.agents.has(agentId)) return;
    const fresh = newAgentFold(agentId);
    fresh.teamId = teamId;
    for (const k of [tKey(teamId, 'agents'), tKey(teamId, 'state:offline')]) { addTo(fresh.contribution, k, 1); this.ledger.add(k, 1); }
    this.agents.set(agentId, { events: [], base: cloneAgentFold(fresh), fold: fresh });
    this.teamIds.add(teamId);
  }

  private refold(base: AgentFold, events: readonly FloorEvent[]): AgentFold {
    const a = cloneAgentFold(base);
    for (const ev of events) stepAgent(a, ev, this.cal, (k, v) => addTo(a.contribution, k, v));
    return a;
  }

  private waitingOf(queueId: string): Map<string, number> {
    let m = this.waiting.get(queueId);
    if (!m) { m = new Map(); this.waiting.set(queueId, m); }
    return m;
  }

  private markKey(key: string): void {
    const kind = key.slice(0, key.indexOf('|'));
    if (kind === 'q') { const id = key.slice(2, key.indexOf('|', 2)); this.dirty.queues.add(id); this.dirty.intraday = true; }
    else if (kind === 't') this.dirty.teams.add(key.slice(2, key.indexOf('|', 2)));
    else this.dirty.intraday = true;
  }

  private markTimer(key: string): void {
    const id = key.slice(2);
    if (key.startsWith('q:')) this.dirty.queues.add(id);
    else if (key.startsWith('a:')) {
      this.dirty.agents.add(id);
      const team = this.agents.get(id)?.fold.teamId;
      if (team) this.dirty.teams.add(team);
    }
  }

  /**
   * Reorder horizon: forgets the events of calls and agents older than watermark − horizon. A
   * call quiet since then with no waiting leg keeps only its facts (its contribution stays in the
   * totals); an agent's older events are folded into its base. Runs from `apply` each time the
   * watermark has moved on by COMPACT_EVERY_MS, so it depends on the event sequence only.
   */
  private compact(): void {
    const cutoff = this.watermark - this.cfg.reorderHorizonMs;
    this.compactedAt = this.watermark;
    this.compactedBefore = Math.max(this.compactedBefore, cutoff);
    for (const id of this.callsWithEvents) {
      const rec = this.calls.get(id);
      if (!rec || rec.events.length === 0) this.callsWithEvents.delete(id);
      else if (rec.facts.waiting.length === 0 && rec.facts.lastTs < cutoff) { rec.events = []; this.callsWithEvents.delete(id); }
    }
    for (const rec of this.agents.values()) {
      if (rec.events.length === 0 || rec.events[0]!.ts >= cutoff) continue;
      const keep = rec.events.findIndex((ev) => ev.ts >= cutoff);
      const dropped = keep === -1 ? rec.events.length : keep;
      rec.firstTs ??= rec.events[0]!.ts;
      const base = cloneAgentFold(rec.base);
      for (let i = 0; i < dropped; i++) stepAgent(base, rec.events[i]!, this.cal, (k, v) => addTo(base.contribution, k, v));
      rec.base = base;
      rec.events = rec.events.slice(dropped);
    }
  }

  /**
   * Retention: finished calls, per-day figures and events older than `cutoff` are folded into
   * each agent's base and forgotten. Runs hourly, so memory stays bounded over days of uptime.
   */
  private forgetBefore(cutoff: number): void {
    const keepDay = this.cal.dayKey(cutoff);
    for (const [id, rec] of this.calls) if (rec.facts.waiting.length === 0 && rec.facts.lastTs < cutoff) this.calls.delete(id);
    for (const rec of this.agents.values()) {
      const keep = rec.events.findIndex((ev) => ev.ts >= cutoff);
      const dropped = keep === -1 ? rec.events.length : keep;
      if (dropped === 0) continue;
      const base = cloneAgentFold(rec.base);
      for (const ev of rec.events.slice(0, dropped)) stepAgent(base, ev, this.cal, (k, v) => addTo(base.contribution, k, v));
      rec.events = rec.events.slice(dropped);
      for (const a of [base, rec.fold]) { pruneAgentDays(a, keepDay); pruneTimeline(a, this.cal.startOfDay(keepDay)); dropOldKeys(a.contribution, keepDay, this.cal.startOfDay(keepDay)); }
      rec.base = base;
    }
    const old = new Map<string, number>();
    for (const [k, v] of this.ledger.entries()) if (isOldKey(k, keepDay, this.cal.startOfDay(keepDay))) old.set(k, v);
    this.ledger.replace(old, new Map());
  }
}

/** How far the watermark moves between compactions (event time). */
const COMPACT_EVERY_MS = 5 * 60_000;

function addTo(m: Map<string, number>, k: string, v: number): void {
  if (v !== 0) m.set(k, (m.get(k) ?? 0) + v);
}

/** Keys of a past day (`…|YYYY-MM-DD|…`, `…:YYYY-MM-DD`) or of a past interval bucket. */
function isOldKey(key: string, keepDay: string, keepFromMs: number): boolean {
  const day = /\d{4}-\d{2}-\d{2}/.exec(key)?.[0];
  if (day !== undefined) return day < keepDay;
  const parts = key.split('|');
  if (parts[0] === 'ai') return Number(parts[1]) < keepFromMs;
  if (parts[0] === 'i') return Number(parts[2]) < keepFromMs;
  return false;
}

function dropOldKeys(m: Map<string, number>, keepDay: string, keepFromMs: number): void {
  for (const k of m.keys()) if (isOldKey(k, keepDay, keepFromMs)) m.delete(k);
}
