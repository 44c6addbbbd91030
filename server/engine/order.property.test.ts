/**
 * SPEC §4: events may arrive out of order and more than once; the same id counts once; the result
 * equals the fold of the events sorted by ts. And the projector's deltas keep a screen equal to
 * the floor.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDelta } from '../../shared/delta.ts';
import { advanceAgent } from '../../shared/live.ts';
import type { FloorEvent } from '../../shared/events.ts';
import type { Snapshot } from '../../shared/snapshot.ts';
import { intraday } from './intraday.ts';
import { agentRow } from './project.ts';
import { FloorProjector } from './projector.ts';
import { SIM_KINDS, simulate, type SimAction } from './sim-events.ts';
import { at, eventFactory, expectSameAgent, newEngine, SEC, sortEvents, TZ, YESTERDAY } from './test-events.ts';
import { defaultEngineConfig } from './engine-config.ts';
import { FloorEngine } from './engine.ts';

/** FC_RUNS=5000 npx vitest run server/engine/order.property.test.ts for a longer search. */
const RUNS = Number(process.env.FC_RUNS ?? 200);
const TIMEOUT = Math.max(30_000, RUNS * 60);

const actionArb: fc.Arbitrary<SimAction> = fc.record({
  dt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8_000 }), fc.integer({ min: 1_000, max: 15 * 60_000 })),
  kind: fc.constantFrom(...SIM_KINDS),
  pick: fc.nat({ max: 1000 }),
  outcome: fc.constantFrom(null, 'success', 'failure', 'no_answer', 'busy', 'other'),
  reason: fc.constantFrom(null, 'short_break', 'meal', 'training'),
});

/** A floor's events: starting mid-morning, or just before local midnight so "today" changes. */
const scenarioArb = fc.record({
  start: fc.constantFrom(at('09:00'), at('23:20', YESTERDAY), at('07:50')),
  actions: fc.array(actionArb, { minLength: 1, maxLength: 120, size: 'max' }),
  /** How long after the last event we look. */
  lookAfter: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * 3600_000 })),
}).map(({ start, actions, lookAfter }) => {
  const events = simulate(start, actions);
  const last = events.length > 0 ? events[events.length - 1]!.ts : start;
  return { events, now: last + lookAfter };
});

/** Delivery: any permutation, plus re-sent copies (same id) and the very same objects again. */
const deliveryArb = scenarioArb.chain(({ events, now }) =>
  fc.record({
    shuffled: fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
    dups: fc.array(fc.record({ i: fc.nat(), pos: fc.nat(), copy: fc.boolean() }), { maxLength: events.length > 0 ? 25 : 0, size: 'max' }),
    tickEvery: fc.integer({ min: 1, max: 40 }),
  }).map(({ shuffled, dups, tickEvery }) => {
    const delivered = [...shuffled];
    for (const d of dups) {
      const ev = events[d.i % events.length]!;
      delivered.splice(d.pos % (delivered.length + 1), 0, d.copy ? structuredClone(ev) : ev);
    }
    return { events, now, delivered, tickEvery };
  }));

/** An engine whose reorder horizon is `horizonMs` (default: wider than any generated floor, so nothing is compacted). */
const engineWithHorizon = (horizonMs = 72 * 3600_000) => new FloorEngine({ ...defaultEngineConfig(TZ), reorderHorizonMs: horizonMs });

/** Folds `events` in the given order, ticking the engine with the latest time seen every `tickEvery` events. */
function fold(events: readonly FloorEvent[], tickEvery: number, engine = engineWithHorizon()) {
  let maxTs = 0;
  events.forEach((ev, i) => {
    engine.apply(ev);
    maxTs = Math.max(maxTs, ev.ts);
    if ((i + 1) % tickEvery === 0) engine.tick(maxTs);
  });
  return engine;
}

describe('any delivery order with duplicates folds to the sorted, de-duplicated result', () => {
  it('same snapshot and same intraday series', () => {
    fc.assert(
      fc.property(deliveryArb, ({ events, now, delivered, tickEvery }) => {
        const sorted = sortEvents(events);
        const reference = fold(sorted, tickEvery);
        const scrambled = fold(delivered, tickEvery);
        expect(new FloorProjector(scrambled).snapshot(now)).toEqual(new FloorProjector(reference).snapshot(now));
        expect(intraday(scrambled, now, 15, null)).toEqual(intraday(reference, now, 15, null));
        expect(intraday(scrambled, now, 60, 'q1')).toEqual(intraday(reference, now, 60, 'q1'));
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('delays within the reorder horizon fold exactly, while calls and agents are compacted', () => {
    const DELAY_MS = 30 * 60_000;
    let compactedCalls = 0;
    let compactedAgents = 0;
    fc.assert(
      fc.property(deliveryArb.chain((d) => fc.record({
        delays: fc.array(fc.integer({ min: 0, max: DELAY_MS }), { minLength: d.delivered.length, maxLength: d.delivered.length }),
      }).map(({ delays }) => ({ ...d, delays }))), ({ events, now, delivered, tickEvery, delays }) => {
        // Each copy arrives at most DELAY_MS after its own time: the log is in (ts + delay) order.
        const order = delivered.map((ev, i) => ({ ev, at: ev.ts + delays[i]!, i }))
          .sort((a, b) => a.at - b.at || a.i - b.i).map((x) => x.ev);
        // A call quiet for longer than the horizon is compacted even in order (the too-late rule),
        // and so is an agent's note of a call it has had no event of for that long: the horizon
        // covers the delay plus the longest quiet gap within any call, and within any call's events of one agent.
        const last = new Map<string, number>();
        let gap = 0;
        for (const ev of sortEvents(events)) {
          if (!('callId' in ev)) continue;
          for (const key of ['agentId' in ev ? `${ev.callId}|${ev.agentId}` : null, ev.callId]) {
            if (key === null) continue;
            gap = Math.max(gap, ev.ts - (last.get(key) ?? ev.ts));
            last.set(key, ev.ts);
          }
        }
        const reference = fold(sortEvents(events), tickEvery);
        const scrambled = fold(order, tickEvery, engineWithHorizon(DELAY_MS + gap + 1));
        expect(scrambled.tooLate).toBe(0);
        expect(new FloorProjector(scrambled).snapshot(now)).toEqual(new FloorProjector(reference).snapshot(now));
        expect(intraday(scrambled, now, 15, null)).toEqual(intraday(reference, now, 15, null));
        compactedCalls += scrambled.callsCompacted;
        compactedAgents += scrambled.agentEventsCompacted;
      }),
      { numRuns: RUNS },
    );
    expect(compactedCalls).toBeGreaterThan(0);
    expect(compactedAgents).toBeGreaterThan(0);
  }, TIMEOUT);

  it('applying the very same event object twice counts it once', () => {
    const f = eventFactory();
    const events = [
      f.login(at('09:00'), 'a1'), f.queued(at('09:01'), 'c1'), f.answered(at('09:01:15'), 'c1', 'a1'), f.state(at('09:01:15'), 'a1', 'on_call'),
      f.ended(at('09:04'), 'c1', 'a1', 'success'), f.state(at('09:04'), 'a1', 'wrap_up'), f.state(at('09:05'), 'a1', 'available'),
      f.queued(at('09:06'), 'c2'), f.abandoned(at('09:06:30'), 'c2'), f.transferred(at('09:03'), 'c1', 'a1', { toAgentId: 'a2' }),
      f.disposition(at('09:07'), 'c1', 'a1', 'failure'),
    ];
    const once = newEngine();
    for (const ev of events) once.apply(ev);
    const twice = newEngine();
    for (const ev of events) { twice.apply(ev); twice.apply(ev); }
    // …and again later, out of order, after newer events (the duplicate is not the last event any more).
    for (const ev of [...events].reverse()) twice.apply(ev);
    const now = at('09:30');
    const snap = new FloorProjector(twice).snapshot(now);
    expect(snap).toEqual(new FloorProjector(once).snapshot(now));
    expect(snap.totals).toMatchObject({ offered: 2, answered: 1, abandoned: 1, transferred: 1, handled: 1 });
    expect(snap.agents[0]).toMatchObject({ id: 'a1', handled: 1, success: 0, failure: 1 });
    expect(snap.floor.cphLastHour).toBe(1);
  });
});

describe('a screen applying the deltas equals a fresh snapshot', () => {
  const screenArb = scenarioArb.chain(({ events, now }) =>
    fc.record({
      /** Delta times: the events are applied in time order in chunks, one delta per chunk. */
      cuts: fc.uniqueArray(fc.nat({ max: Math.max(0, events.length - 1) }), { maxLength: 25, size: 'max' }),
      /** The screen connects (takes a snapshot) right after this chunk's delta (0 = before any event). */
      connectAt: fc.nat(),
    }).map(({ cuts, connectAt }) => ({ events, now, cuts: [...cuts].sort((a, b) => a - b), connectAt })));

  it('for every queue, team, agent (advanced to now), totals, floor and alerts', () => {
    fc.assert(
      fc.property(screenArb, ({ events, now, cuts, connectAt }) => {
        const sorted = sortEvents(events);
        const engine = newEngine();
        const projector = new FloorProjector(engine);
        const chunks: FloorEvent[][] = [];
        let from = 0;
        for (const c of [...cuts, sorted.length]) { chunks.push(sorted.slice(from, c + 1)); from = c + 1; }
        const connectChunk = connectAt % (chunks.length + 1);
        let screen: Snapshot | null = null;
        let t = sorted[0]?.ts ?? now;
        const frame = (time: number) => {
          engine.tick(time);
          const d = projector.delta(time);
          if (screen && d) {
            expect(d.seq).toBe(screen.seq + 1);
            screen = applyDelta(screen, d);
          }
        };
        if (connectChunk === 0) { frame(t); screen = projector.snapshot(t); }
        chunks.forEach((chunk, i) => {
          for (const ev of chunk) engine.apply(ev);
          t = Math.max(t, chunk.at(-1)?.ts ?? t);
          frame(t);
          if (i + 1 === connectChunk) screen = projector.snapshot(t);
        });
        // The last look, at least one refresh period after the last frame.
        const end = Math.max(now, t + 15 * SEC);
        frame(end);
        const fresh = projector.snapshot(end);
        const s = screen as unknown as Snapshot;
        const byId = <R extends { id: string }>(rows: R[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));
        expect(s.seq).toBe(fresh.seq);
        expect(byId(s.queues)).toEqual(fresh.queues);
        expect(s.totals).toEqual(fresh.totals);
        expect(byId(s.teams)).toEqual(fresh.teams);
        expect(s.floor).toEqual(fresh.floor);
        expect(byId(s.alerts)).toEqual(byId(fresh.alerts));
        expect(s.center).toEqual(fresh.center);
        expect(byId(s.agents).map((a) => a.id)).toEqual(fresh.agents.map((a) => a.id));
        for (const a of s.agents) expectSameAgent(advanceAgent(a, end), agentRow(engine, a.id, end)!, end);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});
