/**
 * Synthetic but realistic floor traffic for the benchmarks: agents log in to teams, then cycle
 * through calls (queued → answered → on_call → ended → wrap_up → available). Deterministic.
 */
import type { EventInput } from '../../shared/events.ts';

export const TEAMS = 20;
export const QUEUES = 8;

export const agentId = (i: number) => `ag${i}`;
export const teamOf = (i: number) => `team${i % TEAMS}`;

/** Steps of one call cycle; the `agent.state` ones change the agent's row (and its `stateSince`). */
const CYCLE = ['queued', 'answered', 'on_call', 'ended', 'wrap_up', 'available'] as const;
export const STATE_STEPS = new Set<string>(['on_call', 'wrap_up', 'available']);

/** Where a FloorTraffic is in its sequence (to carry it on in another thread and back). */
export interface TrafficState { agents: number; prefix: string; step: Uint8Array; calls: Uint32Array; seq: number; seed: number }

export class FloorTraffic {
  private step: Uint8Array;
  private calls: Uint32Array;
  private seq = 0;
  private seed: number;

  constructor(readonly agents: number, readonly prefix: string, seed = 1) {
    this.step = new Uint8Array(agents);
    this.calls = new Uint32Array(agents);
    this.seed = seed >>> 0;
  }

  private rnd(): number {
    const s = this.seed = (this.seed + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  state(): TrafficState {
    return { agents: this.agents, prefix: this.prefix, step: this.step.slice(), calls: this.calls.slice(), seq: this.seq, seed: this.seed };
  }

  /** Continues from `st` (made by state(), here or in another thread). */
  adopt(st: TrafficState): void {
    if (st.agents !== this.agents || st.prefix !== this.prefix) throw new Error('traffic state of another floor');
    this.step = Uint8Array.from(st.step);
    this.calls = Uint32Array.from(st.calls);
    this.seq = st.seq;
    this.seed = st.seed;
  }

  static from(st: TrafficState): FloorTraffic {
    const t = new FloorTraffic(st.agents, st.prefix);
    t.adopt(st);
    return t;
  }

  private id(): string { return `${this.prefix}-${(this.seq++).toString(36)}`; }

  /** Login events for agents [from, to). */
  logins(ts: number, from = 0, to = this.agents): EventInput[] {
    const out: EventInput[] = [];
    for (let i = from; i < to; i++) out.push({ id: this.id(), ts, type: 'agent.login', agentId: agentId(i), teamId: teamOf(i), name: `Agent ${i}` });
    return out;
  }

  /** The next event of a random agent's call cycle, at `ts`. */
  next(ts: number, agent = Math.floor(this.rnd() * this.agents)): EventInput {
    const k = this.step[agent]!;
    this.step[agent] = (k + 1) % CYCLE.length;
    const a = agentId(agent);
    const queueId = `q${agent % QUEUES}`;
    if (k === 0) this.calls[agent]!++;
    const callId = `${this.prefix}-c${agent}-${this.calls[agent]}`;
    switch (CYCLE[k]!) {
      case 'queued': return { id: this.id(), ts, type: 'call.queued', callId, queueId };
      case 'answered': return { id: this.id(), ts, type: 'call.answered', callId, queueId, agentId: a };
      case 'ended': return { id: this.id(), ts, type: 'call.ended', callId, agentId: a, outcome: this.rnd() < 0.8 ? 'success' : 'failure' };
      default: return { id: this.id(), ts, type: 'agent.state', agentId: a, state: CYCLE[k] as 'on_call' | 'wrap_up' | 'available' };
    }
  }

  /** The next agent.state event of an agent, skipping its call events (returned too, in order). */
  nextStateChange(ts: number, agent: number): EventInput[] {
    const out: EventInput[] = [];
    for (;;) {
      const isState = STATE_STEPS.has(CYCLE[this.step[agent]!]!);
      out.push(this.next(ts, agent));
      if (isState) return out;
    }
  }
}
