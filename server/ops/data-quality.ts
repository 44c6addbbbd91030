import type { DataQuality, SourceQuality } from '../../shared/data-quality.ts';
import type { FloorEvent } from '../../shared/events.ts';
import type { FloorEngine } from '../engine/engine.ts';
import { QD } from '../engine/counters.ts';
import type { AppendResult } from '../store/event-log.ts';
import type { OpsMetrics } from './metrics.ts';

/** What the ingest path tells the tracker (see IngestService). */
export interface IngestMonitor {
  /** Called with a validated batch before it is appended; the answer is called once it is stored. */
  inspect(source: string, events: readonly FloorEvent[]): (result: AppendResult) => void;
}

const LAG_WINDOW_MS = 15 * 60_000;
const LAG_SAMPLES = 4096;
const SAMPLES_PER_BATCH = 64;
const MAX_ENTITIES = 200_000;
const MAX_SOURCES = 64;
const RECENT_REJECTIONS = 50;
const UNKNOWN_IDS_SHOWN = 10;

/** What is unknown about one event (see `agentUnknown` / `queueUnknown`). */
interface Unknown { agent: string | null; queue: string | null }

interface SourceState {
  source: string;
  requests: number;
  accepted: number;
  duplicates: number;
  outOfOrder: number;
  unknownAgent: number;
  unknownQueue: number;
  unknownAgentIds: string[];
  unknownQueueIds: string[];
  rejected: Map<string, number>;
  rejectedLines: number;
  /** Ring of (arrival ms, lag ms) samples. */
  lagAt: Float64Array;
  lagMs: Float64Array;
  lagNext: number;
  lagCount: number;
  lastEventAt: number | null;
  lastRequestAt: number | null;
}

/** Masks digit runs that could be phone numbers (a rejection's detail must never carry caller data). */
export function scrubDetail(s: string): string {
  return s.replace(/\+?\d[\d\s-]{5,}\d/g, '[number]').slice(0, 300);
}

function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * Data quality per source, on this instance: accepted, duplicates, out-of-order and unknown-id
 * events, rejected requests and queue_log lines with reasons, and the lag between event time and
 * arrival over the last 15 minutes. Cost per event is a few map operations; memory is bounded.
 */
export class DataQualityTracker implements IngestMonitor {
  private sources = new Map<string, SourceState>();
  /** Latest event time seen per call and per agent, for out-of-order detection. */
  private latestOfCall = new Map<string, number>();
  private latestOfAgent = new Map<string, number>();
  /** Agents seen signing in through this instance (besides what the floor knows). */
  private signedIn = new Set<string>();
  /** Queues seen offering a call through this instance. */
  private offered = new Set<string>();
  private recent: DataQuality['recentRejections'] = [];
  private readonly since: number;

  constructor(private readonly engine: () => FloorEngine, private readonly clock: () => number, private readonly metrics: OpsMetrics | null = null) {
    this.since = clock();
  }

  private state(source: string): SourceState {
    let s = this.sources.get(source);
    if (!s) {
      if (this.sources.size >= MAX_SOURCES) return this.state('other');
      s = {
        source, requests: 0, accepted: 0, duplicates: 0, outOfOrder: 0, unknownAgent: 0, unknownQueue: 0,
        unknownAgentIds: [], unknownQueueIds: [], rejected: new Map(), rejectedLines: 0,
        lagAt: new Float64Array(LAG_SAMPLES), lagMs: new Float64Array(LAG_SAMPLES), lagNext: 0, lagCount: 0,
        lastEventAt: null, lastRequestAt: null,
      };
      this.sources.set(source, s);
    }
    return s;
  }

  /** The label a source is counted under (bounded number of distinct labels). */
  sourceLabel(source: string): string {
    return this.sources.has(source) || this.sources.size < MAX_SOURCES ? source : 'other';
  }

  /** Is the agent unknown for an event at `ts`? Against the roster of that day if there is one, else by sign-ins seen. */
  private agentUnknown(engine: FloorEngine, agentId: string, ts: number, batchSignIns: Set<string>): boolean {
    const day = engine.cal.dayKey(ts);
    if (engine.schedule.hasDay(day)) return engine.schedule.shiftOf(agentId, day) === undefined;
    if (batchSignIns.has(agentId) || this.signedIn.has(agentId)) return false;
    return !engine.agent(agentId)?.everSignedIn;
  }

  /**
   * Is the queue unknown? Not in the center configuration when that lists queues; otherwise no
   * call has been offered to it (today, yesterday, earlier in the batch or through this instance).
   */
  private queueUnknown(engine: FloorEngine, queueId: string, ts: number, batchOffered: Set<string>): boolean {
    if (engine.center.queues.length > 0) return !engine.center.queues.some((q) => q.id === queueId);
    if (batchOffered.has(queueId) || this.offered.has(queueId)) return false;
    const day = engine.cal.dayKey(ts);
    return engine.queueDay(queueId, day, QD.offered) === 0 && engine.queueDay(queueId, engine.cal.previousDay(day), QD.offered) === 0;
  }

  inspect(source: string, events: readonly FloorEvent[]): (result: AppendResult) => void {
    const engine = this.engine();
    const batchSignIns = new Set<string>();
    const batchOffered = new Set<string>();
    // Judged before the append: afterwards the floor may already have folded the batch itself.
    // Only the few events with something unknown are kept (by index).
    const unknown = new Map<number, Unknown>();
    events.forEach((e, i) => {
      let agent: string | null = null;
      let queue: string | null = null;
      if (e.type === 'agent.login') batchSignIns.add(e.agentId);
      const agentId = 'agentId' in e ? e.agentId : e.type === 'call.transferred' ? e.fromAgentId : undefined;
      if (agentId !== undefined && e.type !== 'agent.login' && this.agentUnknown(engine, agentId, e.ts, batchSignIns)) agent = agentId;
      else if (e.type === 'agent.login' && engine.schedule.hasDay(engine.cal.dayKey(e.ts)) && engine.schedule.shiftOf(e.agentId, engine.cal.dayKey(e.ts)) === undefined) agent = e.agentId;
      if (e.type === 'call.queued' && engine.center.queues.length === 0) batchOffered.add(e.queueId);
      else if ('queueId' in e && this.queueUnknown(engine, e.queueId, e.ts, batchOffered)) queue = e.queueId;
      if (agent !== null || queue !== null) unknown.set(i, { agent, queue });
    });
    return (result) => this.record(source, events, unknown, result, batchSignIns, batchOffered);
  }

  private record(source: string, events: readonly FloorEvent[], unknown: Map<number, Unknown>, result: AppendResult, signIns: Set<string>, offered: Set<string>): void {
    const now = this.clock();
    const s = this.state(source);
    s.requests++;
    s.lastRequestAt = now;
    s.accepted += result.appended.length;
    s.duplicates += result.duplicates;
    for (const a of signIns) this.signedIn.add(a);
    for (const q of offered) this.offered.add(q);
    const appended = result.duplicates === 0 ? null : new Set(result.appended.map((e) => e.event.id));
    const lagChild = this.metrics?.eventLag.series(source) ?? null;
    const step = Math.max(1, Math.floor(result.appended.length / SAMPLES_PER_BATCH));
    let n = 0;
    let late = 0;
    let unknownAgents = 0;
    let unknownQueues = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (appended && !appended.delete(e.id)) continue; // a duplicate (of an earlier batch or within this one)
      const lagMs = now - e.ts;
      lagChild?.observe(lagMs / 1000);
      if (n++ % step === 0) {
        s.lagAt[s.lagNext] = now;
        s.lagMs[s.lagNext] = lagMs;
        s.lagNext = (s.lagNext + 1) % LAG_SAMPLES;
        s.lagCount = Math.min(LAG_SAMPLES, s.lagCount + 1);
      }
      if (s.lastEventAt === null || e.ts > s.lastEventAt) s.lastEventAt = e.ts;
      const lateForCall = 'callId' in e && olderThanLatest(this.latestOfCall, e.callId, e.ts);
      const lateForAgent = 'agentId' in e && olderThanLatest(this.latestOfAgent, e.agentId, e.ts);
      if (lateForCall || lateForAgent) late++;
      const u = unknown.get(i);
      if (u) {
        if (u.agent !== null) { unknownAgents++; remember(s.unknownAgentIds, u.agent); }
        if (u.queue !== null) { unknownQueues++; remember(s.unknownQueueIds, u.queue); }
      }
    }
    s.outOfOrder += late;
    s.unknownAgent += unknownAgents;
    s.unknownQueue += unknownQueues;
    if (this.latestOfCall.size + this.latestOfAgent.size > MAX_ENTITIES) {
      // Forget the entities first seen longest ago (mostly old calls), a tenth at a time.
      forgetOldest(this.latestOfCall, Math.ceil(this.latestOfCall.size / 10));
      forgetOldest(this.latestOfAgent, Math.ceil(this.latestOfAgent.size / 10));
    }
    if (this.signedIn.size > MAX_ENTITIES) this.signedIn.clear();
    const m = this.metrics;
    if (m) {
      m.ingestEvents.labels(source).inc(result.appended.length);
      if (result.duplicates) m.ingestDuplicates.labels(source).inc(result.duplicates);
      if (late) m.ingestOutOfOrder.labels(source).inc(late);
      if (unknownAgents) m.ingestUnknown.labels(source, 'agent').inc(unknownAgents);
      if (unknownQueues) m.ingestUnknown.labels(source, 'queue').inc(unknownQueues);
    }
  }

  /** A request refused as a whole (`reason`: the error code), or `count` queue_log lines rejected (`malformed_line`). */
  rejection(source: string, reason: string, detail: string, count = 1): void {
    const label = this.sourceLabel(source);
    const s = this.state(label);
    s.lastRequestAt = this.clock();
    if (reason === 'malformed_line') s.rejectedLines += count;
    else s.rejected.set(reason, (s.rejected.get(reason) ?? 0) + count);
    this.metrics?.ingestRejected.labels(label, reason).inc(count);
    this.recent.unshift({ at: new Date(this.clock()).toISOString(), source: label, reason, detail: scrubDetail(detail) });
    if (this.recent.length > RECENT_REJECTIONS) this.recent.length = RECENT_REJECTIONS;
  }

  /** Lag percentiles of one source over the window. */
  private lagOf(s: SourceState, now: number): SourceQuality['lag'] {
    const values: number[] = [];
    for (let i = 0; i < s.lagCount; i++) if (s.lagAt[i]! >= now - LAG_WINDOW_MS) values.push(s.lagMs[i]!);
    const sorted = Float64Array.from(values).sort();
    const sec = (v: number | null) => (v === null ? null : Math.round(v) / 1000);
    return { samples: sorted.length, p50Sec: sec(percentile(sorted, 0.5)), p95Sec: sec(percentile(sorted, 0.95)), maxSec: sec(sorted.length ? sorted[sorted.length - 1]! : null) };
  }

  report(): DataQuality {
    const now = this.clock();
    const engine = this.engine();
    const today = engine.cal.dayKey(now);
    return {
      asOf: new Date(now).toISOString(),
      since: new Date(this.since).toISOString(),
      lagWindowSec: LAG_WINDOW_MS / 1000,
      unknownRule: { agents: engine.schedule.hasDay(today) ? 'roster' : 'never_logged_in', queues: engine.center.queues.length > 0 ? 'center_config' : 'never_offered' },
      floor: { eventsApplied: engine.eventsApplied, outOfOrder: engine.outOfOrder, tooLate: engine.tooLate },
      sources: [...this.sources.values()].sort((a, b) => a.source.localeCompare(b.source)).map((s) => ({
        source: s.source, requests: s.requests, accepted: s.accepted, duplicates: s.duplicates, outOfOrder: s.outOfOrder,
        unknownAgent: s.unknownAgent, unknownQueue: s.unknownQueue,
        unknownAgentIds: [...s.unknownAgentIds], unknownQueueIds: [...s.unknownQueueIds],
        rejected: Object.fromEntries(s.rejected), rejectedLines: s.rejectedLines,
        lag: this.lagOf(s, now),
        lastEventAt: s.lastEventAt === null ? null : new Date(s.lastEventAt).toISOString(),
        lastRequestAt: s.lastRequestAt === null ? null : new Date(s.lastRequestAt).toISOString(),
      })),
      recentRejections: [...this.recent],
    };
  }
}

/** Is `ts` older than the latest time of `id`? If not, it becomes the latest. */
function olderThanLatest(latest: Map<string, number>, id: string, ts: number): boolean {
  const prev = latest.get(id);
  if (prev !== undefined && ts < prev) return true;
  latest.set(id, ts);
  return false;
}

/** Drops the `count` entries inserted first. */
function forgetOldest(map: Map<string, number>, count: number): void {
  for (const k of map.keys()) {
    if (count-- <= 0) break;
    map.delete(k);
  }
}

function remember(list: string[], id: string): void {
  const i = list.indexOf(id);
  if (i === 0) return;
  if (i > 0) list.splice(i, 1);
  list.unshift(id);
  if (list.length > UNKNOWN_IDS_SHOWN) list.length = UNKNOWN_IDS_SHOWN;
}
