/**
 * The frame schedule of phase groups, on a simulated clock (timers that fire on time, late or a
 * little early): each group's frames are numbered contiguously, at least FRAME_MS apart, and
 * together carry exactly what was published; groups are spread over the slots of the period.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDelta, type Delta } from '../../shared/delta.ts';
import type { Snapshot } from '../../shared/snapshot.ts';
import { FRAME_MS } from '../floor/floor-service.ts';
import { FrameGroups, GRID_SLACK_MS, type FrameGroup, type FrameTiming } from './frame-groups.ts';

/** A clock and timer queue under the test's control; `jitter` says how late (or early, > −1 ms) each timer fires. */
class SimTiming implements FrameTiming {
  t = 1000;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  constructor(private readonly jitter: () => number = () => 0) {}
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    // As Node's: a delay under 1 ms is 1 ms, and a timer may fire a little (< 1 ms) early or late.
    this.timers.set(id, { at: this.t + Math.max(1, ms) + this.jitter(), fn });
    return id;
  }
  clearTimeout(handle: unknown): void { this.timers.delete(handle as number); }
  /** Runs every timer due until `to`, in order, with the clock at each one's firing time. */
  advance(to: number): void {
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= to && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = Math.max(this.t, to);
  }
}

const base = { seq: 0, asOf: 'x', center: {}, totals: {}, floor: {}, queues: [], agents: [], teams: [], alerts: [] } as unknown as Snapshot;
const patch = (n: number, agent: string, state: string): Delta => ({ seq: n, asOf: `t${n}`, agents: { upsert: [{ id: agent, state } as never] }, ...(n % 3 === 0 ? { totals: { waiting: n } } : {}) });

function harness(opts: { jitter?: () => number; phases?: number } = {}) {
  const timing = new SimTiming(opts.jitter);
  const sent: { group: FrameGroup; delta: Delta; at: number }[] = [];
  /** What happened, in order: a send must come right after a flush at the same instant. */
  const ops: string[] = [];
  let flushes = 0;
  const frames = new FrameGroups({
    timing, phases: opts.phases ?? 5,
    flush: () => { flushes++; ops.push(`flush@${timing.now()}`); },
    send: (group, delta) => { sent.push({ group, delta, at: timing.now() }); ops.push(`send@${timing.now()}`); },
  });
  return { timing, sent, frames, ops, flushes: () => flushes };
}

/**
 * A snapshot made between two flushes is newer than what a group has pending; the flush right
 * before the group's frame carries the fields the snapshot shows newer (the projector's owed
 * fields), so the frame does not take the screen back. Every send must follow a flush directly.
 */
function expectFlushBeforeEverySend(ops: string[]): void {
  let flushedAt: string | null = null;
  for (const op of ops) {
    if (op.startsWith('flush@')) { flushedAt = op.slice(6); continue; }
    if (op.startsWith('send@')) expect(flushedAt).toBe(op.slice(5));
    else flushedAt = null;
  }
}

describe('frame groups', () => {
  it('spreads a room\'s screens evenly over the groups and forgets a room when its last screen leaves', () => {
    const { frames } = harness();
    const joined = Array.from({ length: 12 }, () => frames.join('r'));
    expect(frames.groupsOf('r').map((g) => g.members)).toEqual([3, 3, 2, 2, 2]);
    for (const g of joined.slice(1)) expect(frames.leave(g)).toBe(false);
    expect(frames.leave(joined[0]!)).toBe(true);
    expect(frames.groupsOf('r')).toEqual([]);
  });

  it('sends each group at its own slot of the period, all within one period', () => {
    const { timing, sent, frames, flushes } = harness();
    for (let i = 0; i < 5; i++) frames.join('r');
    frames.publish('r', patch(1, 'a1', 'on_call'));
    timing.advance(timing.t + FRAME_MS + GRID_SLACK_MS);
    expect(sent).toHaveLength(5);
    expect(new Set(sent.map((s) => s.group.phase)).size).toBe(5);
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at);
    for (const g of gaps) expect(g).toBeCloseTo((FRAME_MS + GRID_SLACK_MS) / 5, 6);
    // Every send comes right after a flush of the floor.
    expect(flushes()).toBeGreaterThanOrEqual(5);
    for (const s of sent) expect(s.delta).toEqual({ ...patch(1, 'a1', 'on_call'), seq: 1 });
    // Nothing pending: the schedule goes quiet.
    timing.advance(timing.t + 10 * FRAME_MS);
    expect(sent).toHaveLength(5);
  });

  it('per group: contiguous seq, frames ≥ FRAME_MS apart; every screen ends on what was published (timers late or early)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ dt: fc.integer({ min: 0, max: 40 }), agent: fc.constantFrom('a1', 'a2', 'a3'), state: fc.constantFrom('available', 'on_call', 'wrap_up'), join: fc.boolean() }), { minLength: 1, maxLength: 80 }),
      fc.array(fc.integer({ min: -9, max: 120 }).map((x) => x / 10), { minLength: 1, maxLength: 16 }),
      (steps, jitters) => {
        let j = 0;
        const { timing, sent, frames, ops } = harness({ jitter: () => jitters[j++ % jitters.length]! });
        const published: Delta[] = [];
        // A screen joins a group and starts from a snapshot (what was published so far), then
        // applies its group's frames sent after it joined.
        const screens: { group: FrameGroup; snapshot: Snapshot; sentBefore: number }[] = [];
        const join = () => screens.push({ group: frames.join('r'), snapshot: published.reduce(applyDelta, base), sentBefore: sent.length });
        join();
        let n = 0;
        for (const s of steps) {
          timing.advance(timing.t + s.dt);
          if (s.join) join();
          const d = patch(++n, s.agent, s.state);
          published.push(d);
          ops.push('publish');
          frames.publish('r', d);
        }
        timing.advance(timing.t + 10 * FRAME_MS);
        expectFlushBeforeEverySend(ops);
        const expected = published.reduce(applyDelta, base);
        for (const g of new Set(screens.map((x) => x.group))) {
          const mine = sent.filter((x) => x.group === g);
          expect(mine.map((x) => x.delta.seq)).toEqual(mine.map((_, i) => i + 1));
          for (let i = 1; i < mine.length; i++) expect(mine[i]!.at - mine[i - 1]!.at).toBeGreaterThanOrEqual(FRAME_MS);
        }
        for (const sc of screens) {
          const frames = sent.slice(sc.sentBefore).filter((x) => x.group === sc.group).map((x) => x.delta);
          const shown = frames.reduce(applyDelta, sc.snapshot);
          expect({ agents: shown.agents, totals: shown.totals }).toEqual({ agents: expected.agents, totals: expected.totals });
        }
      },
    ), { numRuns: 300 });
  });

  it('a group that went out late gets back onto its slot within a few frames (it does not stay late)', () => {
    let calls = 0;
    // Timers fire 0.5 ms late, except one that fires 8 ms late.
    const { timing, sent, frames } = harness({ jitter: () => (++calls === 40 ? 8 : 0.5) });
    frames.join('r');
    for (let i = 0; i < 400; i++) { frames.publish('r', patch(i + 1, 'a1', i % 2 ? 'on_call' : 'wrap_up')); timing.advance(timing.t + 5); }
    const period = FRAME_MS + GRID_SLACK_MS;
    const offGrid = sent.map((x) => (x.at - 1000) % period);
    const late = offGrid.findIndex((o) => o > 5);
    expect(late).toBeGreaterThan(0);
    // Within 6 frames of the late one, back to half a millisecond of its slot, and it stays there.
    for (const o of offGrid.slice(late + 6)) expect(o).toBeLessThanOrEqual(0.5 + 1e-6);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(FRAME_MS);
  });

  it('with one phase, every screen of a room is in the same group (one broadcast per frame)', () => {
    const { timing, sent, frames } = harness({ phases: 1 });
    for (let i = 0; i < 4; i++) frames.join('r');
    expect(frames.groupsOf('r').map((g) => g.members)).toEqual([4]);
    frames.publish('r', patch(1, 'a1', 'on_call'));
    timing.advance(timing.t + FRAME_MS + GRID_SLACK_MS);
    expect(sent).toHaveLength(1);
  });
});

