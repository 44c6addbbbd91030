/**
 * The reorder horizon (docs/metrics.md, "Time and order"): events further behind the watermark
 * (the latest event time folded) than `reorderHorizonMs` are compacted away, and an event that
 * late is folded by the too-late rule and counted.
 */
import { describe, expect, it } from 'vitest';
import { FloorProjector } from './projector.ts';
import { at, eventFactory, newEngine } from './test-events.ts';

describe('reorder horizon', () => {
  it('compacts a quiet finished call to its facts; a too-late event adds on top and is counted', () => {
    const f = eventFactory();
    const engine = newEngine(); // horizon 2 h
    for (const ev of [f.queued(at('09:00'), 'c1'), f.answered(at('09:00:10'), 'c1', 'a1'), f.queued(at('09:30'), 'c2')]) engine.apply(ev);
    engine.apply(f.queued(at('12:00'), 'c3')); // watermark 12:00: cutoff 10:00
    expect(engine.watermark).toBe(at('12:00'));
    expect(engine.calls.get('c1')!.events).toEqual([]); // compacted, facts kept
    expect(engine.calls.get('c2')!.events).toHaveLength(1); // still waiting: kept
    const before = new FloorProjector(engine).snapshot(at('12:00'));
    expect(before.queues.find((q) => q.id === 'q1')).toMatchObject({ offered: 3, answered: 1 });

    // c1 was transferred to q2 at 09:05: too late to re-derive c1, so it is folded on its own.
    engine.apply(f.queued(at('09:05'), 'c1', 'q2'));
    expect(engine.tooLate).toBe(1);
    expect(engine.calls.get('c1')!.events).toHaveLength(1);
    const after = new FloorProjector(engine).snapshot(at('12:00'));
    expect(after.queues.find((q) => q.id === 'q1')).toMatchObject({ offered: 3, answered: 1 });
    expect(after.queues.find((q) => q.id === 'q2')).toMatchObject({ offered: 1 });
    expect(after.totals.offered).toBe(4);
  });

  it('folds a too-late agent event after the compacted history, before the kept events', () => {
    const f = eventFactory();
    const engine = newEngine();
    const late = f.state(at('08:50'), 'a1', 'away');
    for (const ev of [f.login(at('09:00'), 'a1'), f.state(at('09:01'), 'a1', 'available'), f.state(at('10:30'), 'a1', 'break', 'meal'), f.login(at('12:00'), 'a2')]) engine.apply(ev);
    const rec = engine.agents.get('a1')!;
    expect(rec.events.map((e) => e.ts)).toEqual([at('10:30')]); // 09:00 and 09:01 are in the base now
    engine.apply(late);
    expect(engine.tooLate).toBe(1);
    expect(engine.agents.get('a1')!.events.map((e) => e.id)).toEqual([late.id, rec.events[1]!.id]);
    const row = new FloorProjector(engine).snapshot(at('12:00')).agents.find((a) => a.id === 'a1')!;
    expect(row).toMatchObject({ state: 'break', stateSince: at('10:30') });
    // In-horizon late events are still exact and not counted as too late.
    engine.apply(f.state(at('11:00'), 'a1', 'available'));
    expect(engine.tooLate).toBe(1);
  });
});
