import type { EventInput, Outcome } from '../../shared/events.ts';
import { DateTime } from 'luxon';
import { buildFloor, type AgentDef, type FloorDef, type QueueDef } from './floor-config.ts';
import { dayFractionPerHour, MAX_DAY_FRACTION_PER_HOUR, MAX_WEEKDAY_FACTOR, weekdayFactor } from './arrival-curve.ts';
import { localDayOf, nextLocalDay, planAgentDay, rosterForDate, type LocalDay, type PlannedActivity, type RosterEntry } from './day-plan.ts';
import { EventBuffer, type EventBody } from './event-buffer.ts';
import { TimerHeap } from './min-heap.ts';
import { Rng } from './prng.ts';

/**
 * A discrete-event model of a contact-center floor that speaks API v1 events.
 *
 * Time is whatever the caller says it is: `advanceTo(nowMs)` runs every model step due up to
 * `nowMs` and returns the events they produced, in timestamp order. The model never reads the
 * clock and draws every random number from one seeded stream, in the order its steps are due,
 * so the same seed and start give the same event stream however the advances are chunked.
 * Memory stays bounded: only calls in progress and the timers of the near future are kept.
 *
 * Conventions of the stream:
 * - ids: `sim-<seed>.<local start yyyyMMddTHHmmss>-e<n>` for events, `…-c<n>` for calls, so a
 *   restarted backfill of the same day with the same seed repeats the same ids (deduplicated).
 * - causally linked events get distinct timestamps 1 ms apart (login → available, answered →
 *   on_call, ended → wrap_up), so sorting by `ts` alone reproduces the stream order.
 * - a transfer ends the transferring agent's part with `call.ended {resolved: false}` right after
 *   `call.transferred`; then either `call.queued` of the same callId in the target queue, or (to an
 *   agent) the colleague rings and sends `call.answered` for the same queue leg.
 * - inbound `call.ended` carries `resolved` (first-contact resolution); telesales calls carry an
 *   outcome, `other` ones get a `call.disposition` with the final outcome during wrap-up.
 */

export const DEFAULT_CENTER_TZ = 'Asia/Shanghai';

export interface FloorModelOptions {
  /** Model start (epoch ms): the first day's history begins here (usually local midnight). */
  startMs: number;
  seed?: number;
  /** IANA time zone of the center (`CENTER_TZ`). */
  tz?: string;
  /** The floor to simulate; default `buildFloor(seed)`. */
  floor?: FloorDef;
}

export interface FloorStatus {
  nowMs: number;
  eventsEmitted: number;
  loggedIn: number;
  available: number;
  onCall: number;
  onBreak: number;
  waiting: number;
  /** Counters since the model start. */
  offered: number;
  answered: number;
  abandoned: number;
  timedOut: number;
  transferred: number;
  dialed: number;
}

type AgentStatus = 'offline' | 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'break' | 'away';

interface OutboundCall { id: string; outcome: Outcome; disposition: Outcome | null; connected: boolean }

interface AgentRt {
  def: AgentDef;
  index: number;
  status: AgentStatus;
  /** Bumped whenever the agent's state changes: timers carrying an older token are stale. */
  token: number;
  idleSince: number;
  loggedInAt: number;
  /** Date of the shift being worked (or about to be), guards timers of other days. */
  shiftDate: string | null;
  ending: boolean;
  /** Planned activities that fell due while the agent was busy. */
  pending: PlannedActivity[];
  deferredSince: number | null;
  inboundCallId: string | null;
  outbound: OutboundCall | null;
  /** Median talk time of this telesales agent, calibrated to hit their CPH. */
  outboundTalkMedianSec: number;
}

interface CallRt {
  id: string;
  queueId: string;
  caller: string;
  leg: number;
  queuedAt: number;
  state: 'waiting' | 'ringing' | 'talking';
  agent: number | null;
  transfers: number;
  /** Ringing or talking after a transfer straight to an agent (same leg, not a new offer). */
  direct: boolean;
}

interface Spike { queueId: string; startMs: number; endMs: number; factor: number }

type Timer =
  | { k: 'arrival' }
  | { k: 'planDay'; day: LocalDay }
  | { k: 'login'; a: number; date: string }
  | { k: 'shiftEnd'; a: number; date: string }
  | { k: 'activity'; a: number; date: string; act: PlannedActivity }
  | { k: 'awayChance'; a: number; date: string }
  | { k: 'agent'; a: number; token: number; step: 'answer' | 'talkEnd' | 'wrapEnd' | 'activityEnd' | 'awayEnd' | 'dial' | 'outboundEnd' | 'logout' | 'retryActivity' }
  | { k: 'patience'; callId: string; leg: number; timeout: boolean }
  | { k: 'disposition'; callId: string; agentId: string; outcome: Outcome };

const SEC = 1000;
const MIN = 60 * SEC;
/** Short-abandon boundary of SPEC §3 (wait < 5 s). */
const SHORT_ABANDON_SEC = 5;
/** Rule of SPEC §2: no break or sign-out within 30 minutes of signing in. */
const NO_BREAK_AFTER_LOGIN_MS = 30 * MIN;
const MAX_SPIKE_FACTOR = 3.2;
/** Share of logged-in time a telesales agent spends out of breaks (for CPH calibration). */
const OUTBOUND_WORKING_SHARE = 0.82;

export class FloorModel {
  readonly floor: FloorDef;
  readonly tz: string;
  readonly seed: number;
  readonly startMs: number;
  private readonly rng: Rng;
  private readonly out: EventBuffer;
  private readonly heap = new TimerHeap<Timer>();
  private readonly agents: AgentRt[];
  private readonly queues = new Map<string, QueueDef>();
  private readonly waiting = new Map<string, string[]>();
  private readonly calls = new Map<string, CallRt>();
  private readonly callPrefix: string;
  private spikes: Spike[] = [];
  private day: LocalDay;
  private clock: number;
  private callSeq = 0;
  private readonly maxArrivalPerMs: number;
  private readonly counters = { offered: 0, answered: 0, abandoned: 0, timedOut: 0, transferred: 0, dialed: 0 };

  constructor(options: FloorModelOptions) {
    this.seed = options.seed ?? 1;
    this.tz = options.tz ?? DEFAULT_CENTER_TZ;
    this.startMs = Math.floor(options.startMs);
    this.floor = options.floor ?? buildFloor(this.seed);
    this.rng = new Rng(this.seed);
    this.clock = this.startMs;
    this.day = localDayOf(this.startMs, this.tz);
    const runKey = `${this.seed}.${DateTime.fromMillis(this.startMs, { zone: this.tz }).toFormat("yyyyMMdd'T'HHmmss")}`;
    this.out = new EventBuffer(`sim-${runKey}-e`);
    this.callPrefix = `sim-${runKey}-c`;
    for (const q of this.floor.queues) {
      this.queues.set(q.id, q);
      this.waiting.set(q.id, []);
    }
    this.agents = this.floor.agents.map((def, index) => ({
      def,
      index,
      status: 'offline',
      token: 0,
      idleSince: 0,
      loggedInAt: 0,
      shiftDate: null,
      ending: false,
      pending: [],
      deferredSince: null,
      inboundCallId: null,
      outbound: null,
      outboundTalkMedianSec: def.outbound ? outboundTalkMedian(def.outbound.cph) : 0,
    }));
    this.maxArrivalPerMs = (this.floor.dailyVolume * MAX_WEEKDAY_FACTOR * MAX_DAY_FRACTION_PER_HOUR * MAX_SPIKE_FACTOR) / 3_600_000;
    this.planDay(this.day, this.startMs);
    this.heap.push(this.startMs + this.rng.exponential(1 / this.maxArrivalPerMs), { k: 'arrival' });
  }

  /** Model time: everything up to here has been simulated. */
  get nowMs(): number {
    return this.clock;
  }

  /** Runs the model up to `nowMs` (never backwards) and returns the new events, sorted by ts. */
  advanceTo(nowMs: number): EventInput[] {
    const target = Math.floor(nowMs);
    if (target <= this.clock) return [];
    while (this.heap.peekTime() <= target) {
      const next = this.heap.pop();
      if (next === undefined) break;
      this.clock = Math.max(this.clock, next.at);
      this.handle(next.item, this.clock);
    }
    this.clock = target;
    return this.out.release(target);
  }

  /**
   * Replays the history from the model's current time up to `toMs` quickly, yielding batches of
   * at most `maxBatch` events (in order). Afterwards, keep going live with `advanceTo`.
   */
  *backfill(toMs: number, maxBatch = 5000, stepMs = 5 * MIN): Generator<EventInput[]> {
    let buffer: EventInput[] = [];
    while (this.clock < toMs) {
      const events = this.advanceTo(Math.min(this.clock + stepMs, toMs));
      for (const e of events) buffer.push(e);
      while (buffer.length >= maxBatch) {
        yield buffer.slice(0, maxBatch);
        buffer = buffer.slice(maxBatch);
      }
    }
    if (buffer.length > 0) yield buffer;
  }

  /** The roster this model follows on a date, in the shape of `PUT /api/v1/roster`. */
  roster(date: string): { date: string; entries: RosterEntry[] } {
    return rosterForDate(this.floor, date, this.tz);
  }

  status(): FloorStatus {
    let loggedIn = 0;
    let available = 0;
    let onCall = 0;
    let onBreak = 0;
    for (const a of this.agents) {
      if (a.status === 'offline') continue;
      loggedIn += 1;
      if (a.status === 'available') available += 1;
      else if (a.status === 'on_call' || a.status === 'ringing') onCall += 1;
      else if (a.status === 'break' || a.status === 'away') onBreak += 1;
    }
    let waiting = 0;
    for (const list of this.waiting.values()) waiting += list.length;
    return { nowMs: this.clock, eventsEmitted: this.out.emitted, loggedIn, available, onCall, onBreak, waiting, ...this.counters };
  }

  /** Sizes of the model's working sets: they stay bounded however long the model runs. */
  footprint(): { activeCalls: number; timers: number; heldEvents: number } {
    return { activeCalls: this.calls.size, timers: this.heap.size, heldEvents: this.out.held };
  }

  // ---------------------------------------------------------------- dispatch

  private handle(timer: Timer, t: number): void {
    switch (timer.k) {
      case 'arrival': return this.onArrival(t);
      case 'planDay': return this.planDay(timer.day, t);
      case 'login': return this.onLogin(timer.a, timer.date, t);
      case 'shiftEnd': return this.onShiftEnd(timer.a, timer.date, t);
      case 'activity': return this.onActivityDue(timer.a, timer.date, timer.act, t);
      case 'awayChance': return this.onAwayChance(timer.a, timer.date, t);
      case 'patience': return this.onPatience(timer.callId, timer.leg, timer.timeout, t);
      case 'disposition':
        return this.emit(t, { type: 'call.disposition', callId: timer.callId, agentId: timer.agentId, outcome: timer.outcome });
      case 'agent': {
        const agent = this.agents[timer.a] as AgentRt;
        if (agent.token !== timer.token) return;
        switch (timer.step) {
          case 'answer': return this.onAnswer(agent, t);
          case 'talkEnd': return this.onTalkEnd(agent, t);
          case 'wrapEnd': return this.agentFree(agent, t);
          case 'activityEnd': return this.agentFree(agent, t);
          case 'awayEnd': return this.agentFree(agent, t);
          case 'dial': return this.onDial(agent, t);
          case 'outboundEnd': return this.onOutboundEnd(agent, t);
          case 'logout': return this.logout(agent, t);
          case 'retryActivity': return this.agentFree(agent, t);
        }
      }
    }
  }

  private emit(ts: number, body: EventBody): void {
    this.out.emit(ts, body);
  }

  private agentTimer(agent: AgentRt, at: number, step: Extract<Timer, { k: 'agent' }>['step']): void {
    this.heap.push(Math.round(at), { k: 'agent', a: agent.index, token: agent.token, step });
  }

  private setStatus(agent: AgentRt, status: AgentStatus, t: number, reason?: string): void {
    agent.status = status;
    agent.token += 1;
    if (status === 'offline') return;
    const body: EventBody = reason === undefined
      ? { type: 'agent.state', agentId: agent.def.id, state: status }
      : { type: 'agent.state', agentId: agent.def.id, state: status, reason };
    this.emit(t, body);
  }

  // ---------------------------------------------------------------- days and shifts

  private planDay(day: LocalDay, t: number): void {
    const next = nextLocalDay(day, this.tz);
    this.heap.push(Math.max(t, next.startMs - 30 * MIN), { k: 'planDay', day: next });
    this.spikes = this.spikes.filter((s) => s.endMs > t);
    if (this.rng.chance(0.85)) {
      const queueId = this.floor.queues[this.rng.weighted(this.floor.queues.map((q) => (q.id === 'support' ? 3 : 1)))]?.id ?? 'support';
      const startMs = day.startMs + this.rng.uniform(9.5, 15) * 3_600_000;
      this.spikes.push({ queueId, startMs, endMs: startMs + this.rng.uniform(25, 45) * MIN, factor: this.rng.uniform(2.2, MAX_SPIKE_FACTOR) });
    }
    this.agents.forEach((agent, a) => {
      const plan = planAgentDay(this.floor, agent.def, day, this.tz);
      const lateness = agent.def.lateness;
      const r = this.rng.float();
      let offsetMs: number;
      if (r < 0.004 * lateness) return; // a no-show: absent all day
      if (r < 0.014 * lateness) offsetMs = this.rng.uniform(15.5, 28) * MIN;
      else if (r < 0.03 * lateness) offsetMs = this.rng.uniform(10, 15) * MIN;
      else if (r < 0.09 * lateness) offsetMs = this.rng.uniform(3.2, 10) * MIN;
      else if (r < 0.09 * lateness + 0.15) offsetMs = this.rng.uniform(1, 3) * MIN;
      else offsetMs = -this.rng.uniform(0, 6) * MIN + this.rng.uniform(0, 1) * MIN;
      const e = this.rng.float();
      const earlyMs = e < 0.008 ? this.rng.uniform(16, 40) * MIN : e < 0.045 ? this.rng.uniform(5, 15) * MIN : 0;
      const endAt = plan.shiftEndMs - earlyMs;
      // A shift already running when the model starts: the agent is there from the start.
      const floorStart = this.startMs + this.rng.uniform(0, 30) * SEC;
      const loginAt = Math.max(plan.shiftStartMs + offsetMs, floorStart);
      if (loginAt >= endAt - 10 * MIN) return;
      this.heap.push(Math.round(loginAt), { k: 'login', a, date: day.date });
      this.heap.push(Math.round(endAt), { k: 'shiftEnd', a, date: day.date });
      for (const act of plan.activities) {
        if (act.startMs >= loginAt && act.startMs < endAt) this.heap.push(act.startMs, { k: 'activity', a, date: day.date, act });
      }
      this.heap.push(Math.round(loginAt + this.rng.exponential(3 * 60 * MIN)), { k: 'awayChance', a, date: day.date });
    });
  }

  private onLogin(a: number, date: string, t: number): void {
    const agent = this.agents[a] as AgentRt;
    agent.shiftDate = date;
    agent.ending = false;
    if (agent.status !== 'offline') return; // still signed in from an earlier shift: keep going
    agent.loggedInAt = t;
    agent.pending = [];
    agent.deferredSince = null;
    this.emit(t, { type: 'agent.login', agentId: agent.def.id, teamId: agent.def.teamId, name: agent.def.name });
    this.becomeAvailable(agent, t + 1);
  }

  private onShiftEnd(a: number, date: string, t: number): void {
    const agent = this.agents[a] as AgentRt;
    if (agent.shiftDate !== date || agent.status === 'offline') return;
    agent.ending = true;
    agent.pending = [];
    if (agent.status === 'available') this.agentTimer(agent, t + this.rng.uniform(0, 90) * SEC, 'logout');
    else if (agent.status === 'break' || agent.status === 'away') this.logout(agent, t);
    // ringing, on a call or in wrap-up: signs out once the call is done (see agentFree)
  }

  private logout(agent: AgentRt, t: number): void {
    this.emit(t, { type: 'agent.logout', agentId: agent.def.id });
    this.setStatus(agent, 'offline', t);
    agent.ending = false;
    agent.pending = [];
    agent.deferredSince = null;
    agent.outbound = null;
    agent.inboundCallId = null;
  }

  // ---------------------------------------------------------------- agent availability

  /** The agent has finished what they were doing: sign out, start a due activity, or take calls. */
  private agentFree(agent: AgentRt, t: number): void {
    if (agent.ending) return this.logout(agent, t);
    while (agent.pending.length > 0) {
      const act = agent.pending[0] as PlannedActivity;
      if (t > act.endMs + 15 * MIN) {
        agent.pending.shift(); // missed; the next one will do
        continue;
      }
      if (act.type === 'short_break' && this.congested(agent, t)) {
        agent.deferredSince ??= t;
        if (t - agent.deferredSince < 12 * MIN) {
          // the team lead holds the break back while callers wait
          if (agent.status !== 'available') this.becomeAvailable(agent, t);
          else this.takeNextCall(agent, t);
          if (agent.status === 'available') this.agentTimer(agent, t + 2 * MIN, 'retryActivity');
          return;
        }
      }
      agent.pending.shift();
      agent.deferredSince = null;
      return this.startActivity(agent, act, t);
    }
    if (agent.status === 'available') this.takeNextCall(agent, t);
    else this.becomeAvailable(agent, t);
  }

  private becomeAvailable(agent: AgentRt, t: number): void {
    this.setStatus(agent, 'available', t);
    agent.idleSince = t;
    this.takeNextCall(agent, t);
  }

  /** An available agent picks up work: the longest-waiting call of their queues, or the next dial. */
  private takeNextCall(agent: AgentRt, t: number): void {
    if (agent.status !== 'available' || agent.ending) return;
    if (agent.def.outbound) {
      agent.token += 1;
      this.agentTimer(agent, t + this.rng.uniform(4, 12) * SEC, 'dial');
      return;
    }
    let best: CallRt | null = null;
    for (const queueId of agent.def.queues) {
      const head = this.waiting.get(queueId)?.[0];
      const call = head === undefined ? undefined : this.calls.get(head);
      if (call && (best === null || call.queuedAt < best.queuedAt)) best = call;
    }
    if (best) {
      this.waiting.get(best.queueId)?.shift();
      this.offer(best, agent, t + 1);
    }
  }

  private congested(agent: AgentRt, t: number): boolean {
    let waiting = 0;
    for (const queueId of agent.def.queues) {
      const list = this.waiting.get(queueId) ?? [];
      waiting += list.length;
      const head = list[0] === undefined ? undefined : this.calls.get(list[0]);
      if (head && t - head.queuedAt > 30 * SEC) return true;
    }
    return waiting >= 3;
  }

  private onActivityDue(a: number, date: string, act: PlannedActivity, t: number): void {
    const agent = this.agents[a] as AgentRt;
    if (agent.shiftDate !== date || agent.status === 'offline' || agent.ending) return;
    if (t < agent.loggedInAt + NO_BREAK_AFTER_LOGIN_MS) return;
    agent.pending.push(act);
    if (agent.status === 'available') this.agentFree(agent, t);
  }

  private startActivity(agent: AgentRt, act: PlannedActivity, t: number): void {
    const plannedMs = act.endMs - act.startMs;
    let durationMs: number;
    if (act.type === 'short_break') {
      durationMs = plannedMs * this.rng.lognormal(0.9, 0.06) + (this.rng.chance(agent.def.overrun) ? this.rng.uniform(1, 5) * MIN : 0);
    } else if (act.type === 'meal') {
      durationMs = plannedMs + this.rng.uniform(-2, 1) * MIN + (this.rng.chance(0.1) ? this.rng.uniform(2, 8) * MIN : 0);
    } else {
      durationMs = plannedMs + this.rng.uniform(-1, 1) * MIN;
    }
    this.setStatus(agent, 'break', t, act.type);
    this.agentTimer(agent, t + durationMs, 'activityEnd');
  }

  private onAwayChance(a: number, date: string, t: number): void {
    const agent = this.agents[a] as AgentRt;
    if (agent.shiftDate !== date || agent.status === 'offline' || agent.ending) return;
    if (agent.status !== 'available' || agent.pending.length > 0 || t < agent.loggedInAt + NO_BREAK_AFTER_LOGIN_MS) {
      this.heap.push(t + 5 * MIN, { k: 'awayChance', a, date });
      return;
    }
    const durationMs = this.rng.chance(0.07) ? this.rng.uniform(10.5, 16) * MIN : Math.min(9.5 * MIN, this.rng.lognormal(3.5 * MIN, 0.5));
    this.setStatus(agent, 'away', t);
    this.agentTimer(agent, t + durationMs, 'awayEnd');
    this.heap.push(Math.round(t + durationMs + this.rng.exponential(3 * 60 * MIN)), { k: 'awayChance', a, date });
  }

  // ---------------------------------------------------------------- inbound calls

  private onArrival(t: number): void {
    this.heap.push(Math.round(t + this.rng.exponential(1 / this.maxArrivalPerMs)), { k: 'arrival' });
    if (t >= this.day.endMs) this.day = localDayOf(t, this.tz);
    const hour = (t - this.day.startMs) / 3_600_000;
    const base = (this.floor.dailyVolume * weekdayFactor(this.day.weekday) * dayFractionPerHour(hour)) / 3_600_000;
    const rates = this.floor.queues.map((q) => {
      const spike = this.spikes.find((s) => s.queueId === q.id && s.startMs <= t && t < s.endMs);
      return base * q.share * (spike ? spike.factor : 1);
    });
    const total = rates.reduce((s, r) => s + r, 0);
    if (this.rng.float() * this.maxArrivalPerMs >= total) return; // thinning
    const queue = this.floor.queues[this.rng.weighted(rates)] as QueueDef;
    this.callSeq += 1;
    const call: CallRt = {
      id: `${this.callPrefix}${this.callSeq.toString(36)}`,
      queueId: queue.id,
      caller: this.fakeCaller(),
      leg: 0,
      queuedAt: t,
      state: 'waiting',
      agent: null,
      transfers: 0,
      direct: false,
    };
    this.calls.set(call.id, call);
    this.enqueue(call, t, false);
  }

  private fakeCaller(): string {
    const prefix = this.rng.pick(['130', '133', '135', '136', '137', '138', '139', '150', '151', '158', '159', '186', '188', '189']);
    return `+86 ${prefix} ${String(this.rng.int(0, 9999)).padStart(4, '0')} ${String(this.rng.int(0, 9999)).padStart(4, '0')}`;
  }

  /** `call.queued` in the call's queue; routes it at once if an agent is free. */
  private enqueue(call: CallRt, t: number, transferred: boolean): void {
    call.leg += 1;
    call.queuedAt = t;
    call.state = 'waiting';
    call.agent = null;
    call.direct = false;
    this.counters.offered += 1;
    this.emit(t, { type: 'call.queued', callId: call.id, queueId: call.queueId, direction: 'inbound', caller: call.caller });
    const patienceSec = transferred
      ? this.rng.lognormal(150, 0.6)
      : this.rng.chance(0.035) ? this.rng.uniform(1, SHORT_ABANDON_SEC - 0.2) : this.rng.lognormal(140, 0.9);
    const maxWaitSec = this.queues.get(call.queueId)?.maxWaitSec ?? this.floor.maxWaitSec;
    const timeout = patienceSec >= maxWaitSec;
    this.heap.push(Math.round(t + (timeout ? maxWaitSec : patienceSec) * SEC), { k: 'patience', callId: call.id, leg: call.leg, timeout });
    const agent = this.longestIdle(call.queueId);
    if (agent) this.offer(call, agent, t + 1);
    else this.waiting.get(call.queueId)?.push(call.id);
  }

  private longestIdle(queueId: string): AgentRt | null {
    let best: AgentRt | null = null;
    for (const agent of this.agents) {
      if (agent.status !== 'available' || agent.ending || agent.def.outbound || !agent.def.queues.includes(queueId)) continue;
      if (best === null || agent.idleSince < best.idleSince) best = agent;
    }
    return best;
  }

  private offer(call: CallRt, agent: AgentRt, t: number): void {
    call.state = 'ringing';
    call.agent = agent.index;
    agent.inboundCallId = call.id;
    this.setStatus(agent, 'ringing', t);
    this.agentTimer(agent, t + this.rng.uniform(2, 6) * SEC, 'answer');
  }

  private onAnswer(agent: AgentRt, t: number): void {
    const call = agent.inboundCallId === null ? undefined : this.calls.get(agent.inboundCallId);
    if (!call || call.state !== 'ringing') return this.agentFree(agent, t);
    call.state = 'talking';
    // after a transfer straight to a colleague the colleague answers the same leg (not a new offer)
    if (!call.direct) this.counters.answered += 1;
    this.emit(t, { type: 'call.answered', callId: call.id, queueId: call.queueId, agentId: agent.def.id });
    this.setStatus(agent, 'on_call', t + 1);
    const queue = this.queues.get(call.queueId) as QueueDef;
    const talkSec = Math.min(40 * 60, Math.max(20, this.rng.lognormal(queue.talkMedianSec * agent.def.talkFactor, 0.5)));
    this.agentTimer(agent, t + 1 + talkSec * SEC, 'talkEnd');
  }

  private onPatience(callId: string, leg: number, timeout: boolean, t: number): void {
    const call = this.calls.get(callId);
    if (!call || call.leg !== leg) return;
    if (call.state === 'talking' || (call.state === 'ringing' && timeout)) return;
    if (call.state === 'waiting') {
      const list = this.waiting.get(call.queueId) ?? [];
      const i = list.indexOf(call.id);
      if (i >= 0) list.splice(i, 1);
    }
    this.calls.delete(call.id);
    if (timeout) {
      this.counters.timedOut += 1;
      this.emit(t, { type: 'call.timeout', callId: call.id, queueId: call.queueId });
    } else {
      this.counters.abandoned += 1;
      this.emit(t, { type: 'call.abandoned', callId: call.id, queueId: call.queueId });
    }
    if (call.state === 'ringing' && call.agent !== null) {
      const agent = this.agents[call.agent] as AgentRt;
      agent.inboundCallId = null;
      this.agentFree(agent, t + 1); // the caller hung up while it rang: back to available
    }
  }

  private onTalkEnd(agent: AgentRt, t: number): void {
    const call = agent.inboundCallId === null ? undefined : this.calls.get(agent.inboundCallId);
    agent.inboundCallId = null;
    if (!call) return this.agentFree(agent, t);
    const queue = this.queues.get(call.queueId) as QueueDef;
    if (call.transfers === 0) {
      // escalation to a colleague of the same team, if one is free
      if (this.rng.chance(0.01)) {
        const colleague = this.agents.find((o) => o !== agent && o.status === 'available' && !o.ending && o.def.teamId === agent.def.teamId);
        if (colleague) {
          call.transfers += 1;
          this.counters.transferred += 1;
          this.emit(t, { type: 'call.transferred', callId: call.id, fromAgentId: agent.def.id, toAgentId: colleague.def.id });
          this.endLegByTransfer(call, agent, t + 1);
          call.leg += 1; // the caller's queue patience no longer applies
          call.direct = true;
          this.offer(call, colleague, t + 3);
          return;
        }
      }
      for (const target of queue.transferTo) {
        if (!this.rng.chance(target.p)) continue;
        call.transfers += 1;
        this.counters.transferred += 1;
        this.emit(t, { type: 'call.transferred', callId: call.id, fromAgentId: agent.def.id, toQueueId: target.queueId });
        this.endLegByTransfer(call, agent, t + 1);
        call.queueId = target.queueId;
        this.enqueue(call, t + 3, true);
        return;
      }
    }
    this.calls.delete(call.id);
    this.emit(t, { type: 'call.ended', callId: call.id, agentId: agent.def.id, resolved: this.rng.chance(call.transfers > 0 ? 0.7 : 0.78) });
    this.startWrapUp(agent, t + 1, Math.min(90, Math.max(15, this.rng.lognormal(38, 0.3))));
  }

  /** The transferring agent's part of the call ends (their handled call and handle time). */
  private endLegByTransfer(call: CallRt, agent: AgentRt, t: number): void {
    this.emit(t, { type: 'call.ended', callId: call.id, agentId: agent.def.id, resolved: false });
    this.startWrapUp(agent, t + 1, this.rng.uniform(10, 30));
  }

  private startWrapUp(agent: AgentRt, t: number, seconds: number): void {
    this.setStatus(agent, 'wrap_up', t);
    this.agentTimer(agent, t + seconds * SEC, 'wrapEnd');
  }

  // ---------------------------------------------------------------- outbound (telesales)

  private onDial(agent: AgentRt, t: number): void {
    const profile = agent.def.outbound;
    if (!profile || agent.status !== 'available' || agent.ending) return;
    this.callSeq += 1;
    const id = `${this.callPrefix}${this.callSeq.toString(36)}`;
    this.counters.dialed += 1;
    this.emit(t, { type: 'call.dialed', callId: id, agentId: agent.def.id, campaignId: profile.campaignId });
    this.setStatus(agent, 'on_call', t + 1);
    const r = this.rng.float();
    let durationSec: number;
    let call: OutboundCall;
    if (r < 0.25) {
      durationSec = this.rng.uniform(20, 35);
      call = { id, outcome: 'no_answer', disposition: null, connected: false };
    } else if (r < 0.32) {
      durationSec = this.rng.uniform(3, 8);
      call = { id, outcome: 'busy', disposition: null, connected: false };
    } else {
      durationSec = Math.min(30 * 60, Math.max(25, this.rng.lognormal(agent.outboundTalkMedianSec, 0.55)));
      const sale: Outcome = this.rng.chance(profile.successRate) ? 'success' : 'failure';
      // a tenth of connected calls end pending ("other") and get their result coded in wrap-up
      call = this.rng.chance(0.1) ? { id, outcome: 'other', disposition: sale, connected: true } : { id, outcome: sale, disposition: null, connected: true };
    }
    agent.outbound = call;
    this.agentTimer(agent, t + 1 + durationSec * SEC, 'outboundEnd');
  }

  private onOutboundEnd(agent: AgentRt, t: number): void {
    const call = agent.outbound;
    agent.outbound = null;
    if (!call) return this.agentFree(agent, t);
    this.emit(t, { type: 'call.ended', callId: call.id, agentId: agent.def.id, outcome: call.outcome });
    const wrapSec = call.connected ? this.rng.uniform(15, 45) : this.rng.uniform(3, 10);
    if (call.disposition !== null) {
      this.heap.push(Math.round(t + this.rng.uniform(2, wrapSec - 1) * SEC), { k: 'disposition', callId: call.id, agentId: agent.def.id, outcome: call.disposition });
    }
    this.startWrapUp(agent, t + 1, wrapSec);
  }
}

/**
 * Median talk time that makes a telesales agent work at `cph` calls per logged-in hour:
 * cycle = dial gap 8 s + unconnected attempts (25 % × 27.5 s + 7 % × 5.5 s) + wrap-ups
 * (68 % × 30 s + 32 % × 6.5 s) + 68 % × mean talk; lognormal mean = median × e^(σ²/2), σ = 0.55.
 */
function outboundTalkMedian(cph: number): number {
  const cycleSec = (3600 * OUTBOUND_WORKING_SHARE) / cph;
  const overheadSec = 8 + 0.25 * 27.5 + 0.07 * 5.5 + 0.68 * 30 + 0.32 * 6.5;
  const meanTalkSec = Math.max(40, (cycleSec - overheadSec) / 0.68);
  return meanTalkSec / Math.exp((0.55 * 0.55) / 2);
}
