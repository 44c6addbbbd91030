import { describe, expect, it } from 'vitest';
import { FloorEngine } from '../engine/engine.ts';
import { defaultEngineConfig } from '../engine/engine-config.ts';
import { FloorProjector } from '../engine/projector.ts';
import { simEvents } from '../test-support/floor-fixtures.ts';
import { EventSchema } from '../../shared/events.ts';
import { decodeEngineState, encodeEngineState } from './checkpoint-codec.ts';

const NOW = Date.UTC(2026, 2, 10, 6, 0, 0);

describe('engine checkpoint codec', () => {
  it('export → encode → decode → import gives an engine that projects and folds on exactly like the original', async () => {
    const events = simEvents(NOW, 3, 3).map((e) => EventSchema.parse(e));
    const cut = Math.floor(events.length * 0.7);
    const cfg = defaultEngineConfig();
    const original = new FloorEngine(cfg);
    for (const e of events.slice(0, cut)) original.apply(e);
    original.tick(NOW - 3600_000);

    const text = await encodeEngineState(original.exportState());
    expect(text.startsWith('jz1:')).toBe(true);
    const restored = FloorEngine.importState(cfg, decodeEngineState(text));
    // the restored engine owns its state: folding into the original does not touch it
    const rest = events.slice(cut).reverse(); // late and out of order, on both
    for (const e of rest) { original.apply(e); restored.apply(e); }
    for (const engine of [original, restored]) engine.tick(NOW);
    const snap = (e: FloorEngine) => new FloorProjector(e).snapshot(NOW);
    expect(snap(restored)).toEqual(snap(original));
    expect(restored.eventsApplied).toBe(original.eventsApplied);
    expect(restored.exportState().counters).toEqual(original.exportState().counters);
  });

  it('keeps the reorder horizon bookkeeping: watermark, compaction cutoff and too-late count', async () => {
    const events = simEvents(NOW, 3, 3).map((e) => EventSchema.parse(e));
    const cfg = { ...defaultEngineConfig(), reorderHorizonMs: 15 * 60_000 };
    const original = new FloorEngine(cfg);
    for (const e of events) original.apply(e);
    const first = events.find((e) => 'callId' in e && e.type === 'call.queued')!;
    original.apply({ ...first, id: `${first.id}-late`, queueId: 'q-late' } as typeof first); // too late for its compacted call
    expect(original.tooLate).toBeGreaterThan(0);
    const restored = FloorEngine.importState(cfg, decodeEngineState(await encodeEngineState(original.exportState())));
    expect(restored.watermark).toBe(original.watermark);
    expect(restored.watermark).toBe(Math.max(...events.map((e) => e.ts)));
    expect(restored.tooLate).toBe(original.tooLate);
    const { compactedAt, compactedBefore } = original.exportState();
    expect(restored.exportState()).toMatchObject({ compactedAt, compactedBefore });
    // …so both go on deciding alike: the same too-late event again, and a new one.
    const again = { ...first, id: `${first.id}-later`, queueId: 'q-late' } as typeof first;
    for (const engine of [original, restored]) engine.apply(again);
    expect(restored.tooLate).toBe(original.tooLate);
    expect(new FloorProjector(restored).snapshot(NOW)).toEqual(new FloorProjector(original).snapshot(NOW));
  });

  it('rejects text of another format and a state of another version', async () => {
    expect(() => decodeEngineState('v9:abc')).toThrow(RangeError);
    const state = new FloorEngine(defaultEngineConfig()).exportState();
    const wrong = decodeEngineState(await encodeEngineState({ ...state, version: 99 as 2 }));
    expect(() => FloorEngine.importState(defaultEngineConfig(), wrong)).toThrow(RangeError);
  });
});
