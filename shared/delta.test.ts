/**
 * mergeDeltas: one delta that does what consecutive deltas do. The socket server merges the
 * deltas a screen group has not been sent yet; a screen must end up exactly where it would have
 * been had it applied them one after the other.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDelta, mergeDeltas, type Delta } from './delta.ts';
import type { Snapshot } from './snapshot.ts';

const mergeDelta = (a: Delta, b: Delta) => mergeDeltas([a, b]);

const RUNS = Number(process.env.FC_RUNS ?? 500);

// Few ids and few fields, so that the same row is patched, removed and re-added often.
const idArb = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const valueArb = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', 'y', null), fc.constant(undefined), fc.constant({ n: 1 }));
const fieldsArb = fc.dictionary(fc.constantFrom('f1', 'f2', 'f3', 'state'), valueArb, { maxKeys: 3 });
const rowArb = fc.record({ id: idArb, fields: fieldsArb }).map(({ id, fields }) => ({ ...fields, id }));
const rowsArb = fc.uniqueArray(rowArb, { selector: (r) => r.id, maxLength: 4 });
const keyedArb = fc.option(fc.record({ upsert: fc.option(fc.array(rowArb, { maxLength: 4 }), { nil: undefined }), remove: fc.option(fc.array(idArb, { maxLength: 3 }), { nil: undefined }) }, { requiredKeys: [] }), { nil: undefined });
const flatArb = fc.option(fieldsArb, { nil: undefined });
const todayArb = fc.option(fc.constantFrom('2026-11-23', '2026-11-24', ''), { nil: undefined });
const centerArb = fc.option(fc.dictionary(fc.constantFrom('tz', 'today', 'slTarget'), fc.constantFrom('v1', 'v2', '2026-11-25'), { maxKeys: 2 }), { nil: undefined });

const deltaArb = (seq: number): fc.Arbitrary<Delta> => fc.record({
  asOf: fc.constantFrom('2026-11-23T10:00:00.000Z', '2026-11-23T10:00:00.050Z'),
  today: todayArb, center: centerArb, totals: flatArb, floor: flatArb,
  queues: keyedArb, agents: keyedArb, teams: keyedArb, alerts: keyedArb,
}, { requiredKeys: ['asOf'] }).map((d) => ({ ...d, seq }) as unknown as Delta);

const snapshotArb: fc.Arbitrary<Snapshot> = fc.record({
  center: fc.dictionary(fc.constantFrom('tz', 'today', 'slTarget'), fc.constantFrom('v0', '2026-11-22')),
  totals: fieldsArb, floor: fieldsArb, queues: rowsArb, agents: rowsArb, teams: rowsArb, alerts: rowsArb,
}).map((s) => ({ ...s, seq: 7, asOf: '2026-11-23T09:59:59.000Z' }) as unknown as Snapshot);

describe('mergeDelta', () => {
  it('applying the merge equals applying both deltas in order (rows, order of rows, removals, center, totals)', () => {
    fc.assert(fc.property(snapshotArb, deltaArb(8), deltaArb(9), (s, a, b) => {
      expect(applyDelta(s, mergeDelta(a, b))).toStrictEqual(applyDelta(applyDelta(s, a), b));
    }), { numRuns: RUNS });
  });

  it('is associative, so a group of screens can fold any number of pending deltas one by one', () => {
    fc.assert(fc.property(snapshotArb, deltaArb(8), deltaArb(9), deltaArb(10), (s, a, b, c) => {
      const sequential = applyDelta(applyDelta(applyDelta(s, a), b), c);
      expect(applyDelta(s, mergeDelta(mergeDelta(a, b), c))).toStrictEqual(sequential);
      expect(applyDelta(s, mergeDelta(a, mergeDelta(b, c)))).toStrictEqual(sequential);
    }), { numRuns: RUNS });
  });

  it('merges any number of deltas at once like applying them in order', () => {
    fc.assert(fc.property(snapshotArb, fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 6 }).chain((xs) => fc.tuple(...xs.map((_, i) => deltaArb(8 + i)))), (s, ds) => {
      expect(applyDelta(s, mergeDeltas(ds))).toStrictEqual(ds.reduce(applyDelta, s));
    }), { numRuns: RUNS });
  });

  it('does not modify what it merges', () => {
    fc.assert(fc.property(deltaArb(8), deltaArb(9), deltaArb(10), (a, b, c) => {
      const before = JSON.stringify([a, b, c]);
      mergeDeltas([a, b, c]);
      expect(JSON.stringify([a, b, c])).toBe(before);
    }), { numRuns: RUNS });
  });

  it('keeps the later seq and asOf, and drops rows removed after being upserted', () => {
    const a = { seq: 3, asOf: 'A', agents: { upsert: [{ id: 'x', state: 'on_call' }] }, alerts: { upsert: [{ id: 'al1', kind: 'sl' }] } } as unknown as Delta;
    const b = { seq: 4, asOf: 'B', alerts: { remove: ['al1'] } } as unknown as Delta;
    expect(mergeDelta(a, b)).toEqual({ seq: 4, asOf: 'B', agents: { upsert: [{ id: 'x', state: 'on_call' }] }, alerts: { remove: ['al1'] } });
  });
});
