/**
 * Test support: turns a list of abstract floor actions (what fast-check generates) into a
 * coherent, valid event sequence for a small floor — agents log in before they take calls, a call
 * is queued before it is answered, answered before it ends, and so on.
 */
import type { FloorEvent, Outcome } from '../../shared/events.ts';
import { eventFactory } from './test-events.ts';

/** Action kinds, repeated to weight them (a floor mostly answers and ends calls). */
export const SIM_KINDS = [
  'arrive', 'arrive', 'answer', 'answer', 'answer', 'abandon', 'timeout', 'end', 'end', 'end', 'wrapDone', 'wrapDone',
  'login', 'login', 'login', 'logout', 'break', 'away', 'back', 'back', 'dispose', 'transfer', 'dial',
] as const;
export type SimKind = (typeof SIM_KINDS)[number];

export interface SimAction {
  /** Milliseconds after the previous action (0 makes equal timestamps). */
  dt: number;
  kind: SimKind;
  /** Picks which call / agent / queue / team the action applies to. */
  pick: number;
  outcome: Outcome | null;
  reason: 'short_break' | 'meal' | 'training' | null;
}

type Status = 'offline' | 'available' | 'on_call' | 'wrap_up' | 'break' | 'away';

export const SIM_AGENTS = ['a1', 'a2', 'a3', 'a4'] as const;
export const SIM_QUEUES = ['q1', 'q2'] as const;
export const SIM_TEAMS = ['t1', 't2'] as const;

/** Events of the actions from `start`; actions that do not apply to the current floor are skipped. */
export function simulate(start: number, actions: readonly SimAction[]): FloorEvent[] {
  const f = eventFactory('s');
  const out: FloorEvent[] = [];
  const status = new Map<string, Status>(SIM_AGENTS.map((a) => [a, 'offline']));
  const callOf = new Map<string, string>();
  const waiting: { callId: string; queueId: string }[] = [];
  const ended: { callId: string; agentId: string }[] = [];
  let t = start;
  let n = 0;
  const pickOf = <T>(xs: readonly T[], k: number): T | undefined => (xs.length === 0 ? undefined : xs[k % xs.length]);
  const agentsIn = (...s: Status[]) => SIM_AGENTS.filter((a) => s.includes(status.get(a)!));

  for (const act of actions) {
    t += act.dt;
    switch (act.kind) {
      case 'arrive': {
        const callId = `c${++n}`;
        const queueId = pickOf(SIM_QUEUES, act.pick)!;
        out.push(f.queued(t, callId, queueId));
        waiting.push({ callId, queueId });
        break;
      }
      case 'answer': {
        const agent = pickOf(agentsIn('available'), act.pick);
        if (!agent || waiting.length === 0) break;
        const [w] = waiting.splice(act.pick % waiting.length, 1);
        out.push(f.answered(t, w!.callId, agent, w!.queueId), f.state(t, agent, 'on_call'));
        status.set(agent, 'on_call');
        callOf.set(agent, w!.callId);
        break;
      }
      case 'abandon':
      case 'timeout': {
        if (waiting.length === 0) break;
        const [w] = waiting.splice(act.pick % waiting.length, 1);
        out.push(act.kind === 'abandon' ? f.abandoned(t, w!.callId, w!.queueId) : f.timeout(t, w!.callId, w!.queueId));
        break;
      }
      case 'dial': {
        const agent = pickOf(agentsIn('available'), act.pick);
        if (!agent) break;
        const callId = `o${++n}`;
        out.push(f.dialed(t, callId, agent), f.state(t, agent, 'on_call'));
        status.set(agent, 'on_call');
        callOf.set(agent, callId);
        break;
      }
      case 'end': {
        const agent = pickOf(agentsIn('on_call'), act.pick);
        if (!agent) break;
        const callId = callOf.get(agent)!;
        out.push(f.ended(t, callId, agent, act.outcome ?? undefined));
        ended.push({ callId, agentId: agent });
        callOf.delete(agent);
        // Half the time the agent wraps up, otherwise straight back to available.
        const next = act.pick % 2 === 0 ? 'wrap_up' : 'available';
        out.push(f.state(t, agent, next));
        status.set(agent, next);
        break;
      }
      case 'transfer': {
        const agent = pickOf(agentsIn('on_call'), act.pick);
        if (!agent) break;
        const callId = callOf.get(agent)!;
        if (callId.startsWith('o')) break;
        const toQueueId = pickOf(SIM_QUEUES, act.pick + 1)!;
        out.push(f.transferred(t, callId, agent, { toQueueId }), f.queued(t, callId, toQueueId), f.ended(t, callId, agent), f.state(t, agent, 'wrap_up'));
        waiting.push({ callId, queueId: toQueueId });
        ended.push({ callId, agentId: agent });
        callOf.delete(agent);
        status.set(agent, 'wrap_up');
        break;
      }
      case 'wrapDone': {
        const agent = pickOf(agentsIn('wrap_up'), act.pick);
        if (!agent) break;
        out.push(f.state(t, agent, 'available'));
        status.set(agent, 'available');
        break;
      }
      case 'login': {
        const agent = pickOf(agentsIn('offline'), act.pick);
        if (!agent) break;
        // Mostly the agent's own team; sometimes the other one (team moves happen).
        const team = act.pick % 5 === 0 ? SIM_TEAMS[(SIM_AGENTS.indexOf(agent as never) + 1) % 2]! : SIM_TEAMS[SIM_AGENTS.indexOf(agent as never) % 2]!;
        out.push(f.login(t, agent, team));
        status.set(agent, 'available');
        break;
      }
      case 'logout': {
        const agent = pickOf(agentsIn('available', 'wrap_up', 'break', 'away'), act.pick);
        if (!agent) break;
        out.push(f.logout(t, agent));
        status.set(agent, 'offline');
        break;
      }
      case 'break':
      case 'away': {
        const agent = pickOf(agentsIn('available', 'break'), act.pick);
        if (!agent) break;
        out.push(act.kind === 'break' ? f.state(t, agent, 'break', act.reason ?? undefined) : f.state(t, agent, 'away'));
        status.set(agent, act.kind);
        break;
      }
      case 'back': {
        const agent = pickOf(agentsIn('break', 'away'), act.pick);
        if (!agent) break;
        out.push(f.state(t, agent, 'available'));
        status.set(agent, 'available');
        break;
      }
      case 'dispose': {
        const c = pickOf(ended, act.pick);
        if (!c) break;
        out.push(f.disposition(t, c.callId, c.agentId, act.outcome ?? 'success'));
        break;
      }
    }
  }
  return out;
}
