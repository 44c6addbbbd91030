/** FloorProjector: deltas carry only what changed, with seq + 1; no change gives null; size budget. */
import { describe, expect, it } from 'vitest';
import { applyDelta, type Delta } from '../../shared/delta.ts';
import { advanceAgent } from '../../shared/live.ts';
import type { Snapshot } from '../../shared/snapshot.ts';
import { agentRow } from './project.ts';
import { FloorProjector } from './projector.ts';
import { at, engineWith, eventFactory, expectSameAgent, SEC, type EventFactory } from './test-events.ts';

/** A small, busy floor at 10:00: 20 agents in two teams, calls in two queues. */
function busyFloor(f: EventFactory) {
  const events = [];
  for (let i = 1; i <= 20; i++) events.push(f.login(at('08:00') + i * SEC, `agent-${String(i).padStart(3, '0')}`, i <= 10 ? 'team-north' : 'team-south', `Agent ${i}`));
  for (let i = 0; i < 30; i++) {
    const t = at('08:30') + i * 60 * SEC;
    const agent = `agent-${String((i % 20) + 1).padStart(3, '0')}`;
    const call = `call-${i}`;
    const q = i % 3 ? 'queue-sales' : 'queue-support';
    events.push(f.queued(t, call, q), f.answered(t + 12 * SEC, call, agent, q), f.state(t + 12 * SEC, agent, 'on_call'),
      f.ended(t + 200 * SEC, call, agent, i % 4 ? 'success' : 'failure'), f.state(t + 200 * SEC, agent, 'wrap_up'), f.state(t + 230 * SEC, agent, 'available'));
  }
  return events;
}

function setup() {
  const f = eventFactory();
  const engine = engineWith(busyFloor(f));
  const projector = new FloorProjector(engine);
  const t0 = at('10:00');
  engine.tick(t0);
  const first = projector.delta(t0)!;
  return { f, engine, projector, t0, first };
}

const bytes = (d: Delta) => Buffer.byteLength(JSON.stringify(d));

describe('FloorProjector.delta', () => {
  it('the first delta carries every row, and the next one only what changed', () => {
    const { projector, first } = setup();
    expect(first.seq).toBe(1);
    expect(first.agents?.upsert).toHaveLength(20);
    expect(first.queues?.upsert).toHaveLength(2);
    expect(first.teams?.upsert).toHaveLength(2);
    expect(projector.seq).toBe(1);
  });

  it('no change → null, and seq stays', () => {
    const { projector, t0 } = setup();
    expect(projector.delta(t0 + 1 * SEC)).toBeNull();
    expect(projector.delta(t0 + 2 * SEC)).toBeNull();
    expect(projector.seq).toBe(1);
  });

  it('one agent state change → only that agent\'s changed fields, its team\'s counts, seq + 1', () => {
    const { f, engine, projector, t0 } = setup();
    const t1 = t0 + 3 * SEC;
    engine.apply(f.state(t1, 'agent-007', 'on_call'));
    const d = projector.delta(t1)!;
    expect(d.seq).toBe(2);
    expect(d.agents?.upsert).toHaveLength(1);
    const patch = d.agents!.upsert![0]!;
    expect(patch).toMatchObject({ id: 'agent-007', state: 'on_call', stateSince: t1 });
    // Nothing that did not change: name, team, handled, outcomes, grade …
    for (const k of ['name', 'teamId', 'handled', 'success', 'failure', 'successRate', 'grade', 'attendance']) expect(patch).not.toHaveProperty(k);
    expect(d.teams?.upsert).toEqual([{ id: 'team-north', available: 9, onCall: 1 }]);
    expect(d.queues).toBeUndefined();
    expect(d.totals).toBeUndefined();
    expect(projector.delta(t1 + SEC)).toBeNull();
  });

  it('a single state change delta is at most 300 bytes of JSON (SPEC §8)', () => {
    const sizes: Record<string, number> = {};
    for (const [name, state, reason] of [['on_call', 'on_call', undefined], ['short break', 'break', 'short_break'], ['away', 'away', undefined]] as const) {
      const { f, engine, projector, t0 } = setup();
      const t1 = t0 + 3 * SEC;
      engine.apply(f.state(t1, 'agent-007', state, reason));
      const d = projector.delta(t1)!;
      sizes[name] = bytes(d);
      console.log(`single state change (${name}): ${sizes[name]} B  ${JSON.stringify(d)}`);
      expect(sizes[name]).toBeLessThanOrEqual(300);
    }
  });

  it('a screen applying the deltas shows the same agents as the engine, running figures included', () => {
    const { f, engine, projector, t0 } = setup();
    let screen: Snapshot = projector.snapshot(t0);
    const ids = ['agent-007', 'agent-008', 'agent-009', 'agent-010'];
    /** Events at `t`, then a delta at `t`; the screen is checked at `t` and `checkAfter` later. */
    const step = (t: number, evs: ReturnType<EventFactory['state']>[], checkAfter = 90 * SEC) => {
      for (const ev of evs) engine.apply(ev);
      engine.tick(t);
      const d = projector.delta(t);
      if (d) screen = applyDelta(screen, d);
      for (const now of [t, t + checkAfter]) {
        for (const id of ids) expectSameAgent(advanceAgent(screen.agents.find((a) => a.id === id)!, now), agentRow(engine, id, now)!, now);
      }
    };
    // Long after the last figures were sent (t0), agents change state.
    const m = (min: number) => t0 + min * 60 * SEC;
    step(m(20), [f.state(m(20), 'agent-007', 'break', 'short_break')]);
    step(m(24), [f.state(m(24), 'agent-007', 'available')]);
    step(m(25), [f.logout(m(25), 'agent-008')]);
    step(m(40), [f.login(m(40), 'agent-008', 'team-north')]);
    step(m(45), [f.state(m(45), 'agent-009', 'away')]);
    step(m(50), [f.state(m(50), 'agent-009', 'break', 'meal')]);
    step(m(55), [f.state(m(55), 'agent-009', 'break', 'training')]);
    step(m(80), [f.state(m(80), 'agent-009', 'available')], 30 * 60 * SEC);
  });

  it('a screen that connected between two deltas still converges when a value changes back (regression)', () => {
    const f = eventFactory();
    const engine = engineWith([f.login(at('09:00'), 'a1')]);
    const projector = new FloorProjector(engine);
    const t = at('09:10');
    engine.apply(f.queued(t, 'c1'));
    projector.delta(t); // screens know: q1 waiting 1, longest wait 0 s; a1 available
    engine.apply(f.state(t + 8 * SEC, 'a1', 'break', 'short_break'));
    let screen = projector.snapshot(t + 8 * SEC); // a new screen: longest wait 8 s, a1 on break
    expect(screen.queues[0]).toMatchObject({ waiting: 1, longestWaitSec: 8 });
    engine.apply(f.answered(t + 9 * SEC, 'c1', 'a2'));
    engine.apply(f.state(t + 9 * SEC, 'a1', 'available'));
    const d = projector.delta(t + 9 * SEC)!; // back to what the older screens already show
    screen = applyDelta(screen, d);
    expect(screen.queues[0]).toMatchObject({ waiting: 0, longestWaitSec: 0, oldestQueuedAt: null });
    expect(screen.totals).toMatchObject({ waiting: 0, longestWaitSec: 0 });
    expect(screen.agents[0]).toMatchObject({ state: 'available', reason: null });
    expect(screen.teams[0]).toMatchObject({ available: 1, onBreak: 0 });
    expect(screen.floor).toMatchObject({ agentsAvailable: 1, agentsOnBreak: 0 });
    // …and the next delta owes nothing any more.
    expect(projector.delta(t + 10 * SEC)).toBeNull();
  });

  it('a team left without agents is removed from screens, as from the snapshot', () => {
    const f = eventFactory();
    const engine = engineWith([f.login(at('09:00'), 'a1', 't1'), f.login(at('09:00'), 'a2', 't2')]);
    const projector = new FloorProjector(engine);
    let screen = projector.snapshot(at('09:01'));
    screen = applyDelta(screen, projector.delta(at('09:01'))!);
    engine.apply(f.logout(at('09:02'), 'a1'));
    engine.apply(f.login(at('09:03'), 'a1', 't2'));
    const d = projector.delta(at('09:03'))!;
    expect(d.teams?.remove).toEqual(['t1']);
    screen = applyDelta(screen, d);
    expect(screen.teams.map((t) => t.id)).toEqual(projector.snapshot(at('09:03')).teams.map((t) => t.id));
  });
});

