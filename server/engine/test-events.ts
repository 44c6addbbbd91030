/**
 * Terse, validated event builders for the engine tests. Every builder runs the event through the
 * API schema, so a test can only feed the engine events the ingest would accept.
 * Times are written as local wall-clock times of the center (Asia/Shanghai, UTC+8, no DST).
 */
import { EventSchema, type EventInput, type FloorEvent, type Outcome } from '../../shared/events.ts';
import { expect } from 'vitest';
import type { AgentRow, Snapshot } from '../../shared/snapshot.ts';
import { defaultEngineConfig } from './engine-config.ts';
import { FloorEngine } from './engine.ts';
import { FloorProjector } from './projector.ts';

export const TZ = 'Asia/Shanghai';
/** "Today" of most tests: a Tuesday. */
export const DAY = '2026-03-10';
export const YESTERDAY = '2026-03-09';

/** Instant of a local time "HH:mm" or "HH:mm:ss(.SSS)" on `day` in the center's zone (UTC+8). */
export function at(time: string, day = DAY): number {
  const t = time.length === 5 ? `${time}:00` : time;
  const ms = Date.parse(`${day}T${t}+08:00`);
  if (Number.isNaN(ms)) throw new Error(`bad time ${day} ${time}`);
  return ms;
}

/** ISO string the snapshot uses for an instant. */
export const iso = (ms: number) => new Date(ms).toISOString();
export const SEC = 1000;
export const MIN = 60_000;

type AgentState = 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'break' | 'away';

/** Event builders with their own id counter (ids sort in creation order). */
export function eventFactory(prefix = 'e') {
  let n = 0;
  const make = (input: Record<string, unknown>): FloorEvent =>
    EventSchema.parse({ id: `${prefix}${String(++n).padStart(6, '0')}`, ...input } satisfies Record<string, unknown> as EventInput);
  return {
    login: (ts: number, agentId: string, teamId = 't1', name?: string) => make({ ts, type: 'agent.login', agentId, teamId, ...(name ? { name } : {}) }),
    logout: (ts: number, agentId: string) => make({ ts, type: 'agent.logout', agentId }),
    state: (ts: number, agentId: string, state: AgentState, reason?: string) => make({ ts, type: 'agent.state', agentId, state, ...(reason ? { reason } : {}) }),
    queued: (ts: number, callId: string, queueId = 'q1', direction?: 'inbound' | 'outbound') => make({ ts, type: 'call.queued', callId, queueId, ...(direction ? { direction } : {}) }),
    answered: (ts: number, callId: string, agentId: string, queueId = 'q1') => make({ ts, type: 'call.answered', callId, queueId, agentId }),
    abandoned: (ts: number, callId: string, queueId = 'q1') => make({ ts, type: 'call.abandoned', callId, queueId }),
    timeout: (ts: number, callId: string, queueId = 'q1') => make({ ts, type: 'call.timeout', callId, queueId }),
    dialed: (ts: number, callId: string, agentId: string) => make({ ts, type: 'call.dialed', callId, agentId }),
    ended: (ts: number, callId: string, agentId: string, outcome?: Outcome) => make({ ts, type: 'call.ended', callId, agentId, ...(outcome ? { outcome } : {}) }),
    disposition: (ts: number, callId: string, agentId: string, outcome: Outcome) => make({ ts, type: 'call.disposition', callId, agentId, outcome }),
    transferred: (ts: number, callId: string, fromAgentId: string, to: { toQueueId?: string; toAgentId?: string }) => make({ ts, type: 'call.transferred', callId, fromAgentId, ...to }),
  };
}
export type EventFactory = ReturnType<typeof eventFactory>;

export interface CallPlan {
  callId: string;
  agentId: string;
  queueId?: string;
  queuedAt: number;
  answeredAt: number;
  endedAt: number;
  /** When the agent leaves wrap_up for available; omitted = straight to available at endedAt. */
  wrapEndAt?: number;
  outcome?: Outcome;
}

/**
 * A whole inbound call in the usual order: queued, answered (agent on_call), ended,
 * agent in wrap_up, agent available again.
 */
export function inboundCall(f: EventFactory, p: CallPlan): FloorEvent[] {
  const q = p.queueId ?? 'q1';
  const out = [
    f.queued(p.queuedAt, p.callId, q),
    f.answered(p.answeredAt, p.callId, p.agentId, q),
    f.state(p.answeredAt, p.agentId, 'on_call'),
    f.ended(p.endedAt, p.callId, p.agentId, p.outcome),
  ];
  if (p.wrapEndAt !== undefined) out.push(f.state(p.endedAt, p.agentId, 'wrap_up'), f.state(p.wrapEndAt, p.agentId, 'available'));
  else out.push(f.state(p.endedAt, p.agentId, 'available'));
  return out;
}

export const newEngine = (tz = TZ) => new FloorEngine(defaultEngineConfig(tz));

/** An engine with `events` applied in the given order. */
export function engineWith(events: readonly FloorEvent[], tz = TZ): FloorEngine {
  const e = newEngine(tz);
  for (const ev of events) e.apply(ev);
  return e;
}

/** The snapshot of a fresh projector over `events` at `now`. */
export function snapshotOf(events: readonly FloorEvent[], now: number): Snapshot {
  return new FloorProjector(engineWith(events)).snapshot(now);
}

/** Fold order of the engine: by ts, then id. */
export function sortEvents(events: readonly FloorEvent[]): FloorEvent[] {
  return [...events].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The screen's agent (advanced to now) equals the engine's, running figures to 0.1 s / 0.1 cph. */
export function expectSameAgent(shown: AgentRow, truth: AgentRow, now?: number): void {
  const where = `${truth.id}${now === undefined ? '' : ` at ${new Date(now).toISOString()}`}`;
  const { figuresAt: _a, loggedInSec: l1, breakSec: b1, cph: c1, ...restShown } = shown;
  const { figuresAt: _b, loggedInSec: l2, breakSec: b2, cph: c2, ...restTruth } = truth;
  expect(restShown, where).toEqual(restTruth);
  expect(Math.abs(l1 - l2), `${where} loggedInSec ${l1} vs ${l2}`).toBeLessThanOrEqual(0.11);
  expect(Math.abs(b1 - b2), `${where} breakSec ${b1} vs ${b2}`).toBeLessThanOrEqual(0.11);
  // cph to 0.1: the screen's unrounded figure may sit on the other side of a rounding edge (x.x5).
  if (c1 === null || c2 === null) expect(c1, `${where} cph`).toBe(c2);
  else expect(Math.abs(c1 - c2), `${where} cph ${c1} vs ${c2}`).toBeLessThanOrEqual(0.06);
}
