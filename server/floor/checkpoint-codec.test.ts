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
    expect(restored.exportState().ledger).toEqual(original.exportState().ledger);
  });

  it('rejects text of another format and a state of another version', async () => {
    expect(() => decodeEngineState('v9:abc')).toThrow(RangeError);
    const state = new FloorEngine(defaultEngineConfig()).exportState();
    const wrong = decodeEngineState(await encodeEngineState({ ...state, version: 99 as 1 }));
    expect(() => FloorEngine.importState(defaultEngineConfig(), wrong)).toThrow(RangeError);
  });
});
