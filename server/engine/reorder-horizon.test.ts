/**
 * The reorder horizon (docs/metrics.md, "Time and order"): events further behind the watermark
 * (the latest event time folded) than `reorderHorizonMs` are compacted away, and an event that
 * late is folded by the too-late rule and counted.
 */
import { describe, expect, it } from 'vitest';
import { FloorProjector } from './projector.ts';
import { defaultEngineConfig } from './engine-config.ts';
import { FloorEngine } from './engine.ts';
import { at, eventFactory, TZ } from './test-events.ts';

describe('reorder horizon', () => {
  it('drops a quiet finished call (its counts stay); a too-late event adds on top and is counted', () => {
    const f = eventFactory();
    const engine = new FloorEngine({ ...defaultEngineConfig(TZ), reorderHorizonMs: 2 * 3600_000 });
    for (const ev of [f.queued(at('09:00'), 'c1'), f.answered(at('09:00:10'), 'c1', 'a1'), f.ended(at('09:03'), 'c1', 'a1'), f.queued(at('09:30'), 'c2'), f.queued(at('09:40'), 'c4'), f.answered(at('09:41'), 'c4', 'a2')]) engine.apply(ev);
    engine.apply(f.queued(at('12:00'), 'c3')); // watermark 12:00: cutoff 10:00
    expect(engine.watermark).toBe(at('12:00'));
    expect(engine.keepsCall('c1')).toBe(false); // compacted: its counts stay in the sums
    expect(engine.keepsCall('c2')).toBe(true); // still waiting: kept
    expect(engine.keepsCall('c4')).toBe(true); // still talked on: kept (its end must find the talk start)
    const before = new FloorProjector(engine).snapshot(at('12:00'));
    expect(before.queues.find((q) => q.id === 'q1')).toMatchObject({ offered: 4, answered: 2 });

    // c1 was transferred to q2 at 09:05: too late to re-derive c1, so it is folded on its own.
    engine.apply(f.queued(at('09:05'), 'c1', 'q2'));
    expect(engine.tooLate).toBe(1);
    expect(engine.keepsCall('c1')).toBe(true); // the new events only
    const after = new FloorProjector(engine).snapshot(at('12:00'));
    expect(after.queues.find((q) => q.id === 'q1')).toMatchObject({ offered: 4, answered: 2 });
    expect(after.queues.find((q) => q.id === 'q2')).toMatchObject({ offered: 1 });
    expect(after.totals.offered).toBe(5);
    // The long call ends hours later: its talk time still counts (AHT), as the call was kept.
    engine.apply(f.ended(at('12:41'), 'c4', 'a2'));
    engine.apply(f.state(at('12:41'), 'a2', 'available'));
    expect(new FloorProjector(engine).snapshot(at('12:45')).queues.find((q) => q.id === 'q1')).toMatchObject({ handled: 1, ahtSec: 3 * 3600 });
  });

  it('folds a too-late agent event after the compacted history, before the kept events', () => {
    const f = eventFactory();
    const engine = new FloorEngine({ ...defaultEngineConfig(TZ), reorderHorizonMs: 2 * 3600_000 });
    const late = f.state(at('08:50'), 'a1', 'away');
    for (const ev of [f.login(at('09:00'), 'a1'), f.state(at('09:01'), 'a1', 'available'), f.state(at('10:30'), 'a1', 'break', 'meal'), f.login(at('12:00'), 'a2')]) engine.apply(ev);
    expect(engine.windowLength('a1')).toBe(1); // 09:00 and 09:01 are in the base now, 10:30 is kept
    engine.apply(late);
    expect(engine.tooLate).toBe(1);
    expect(engine.windowLength('a1')).toBe(2); // the late one is kept before 10:30
    const row = new FloorProjector(engine).snapshot(at('12:00')).agents.find((a) => a.id === 'a1')!;
    expect(row).toMatchObject({ state: 'break', stateSince: at('10:30') });
    // In-horizon late events are still exact and not counted as too late.
    engine.apply(f.state(at('11:00'), 'a1', 'available'));
    expect(engine.tooLate).toBe(1);
  });
});
