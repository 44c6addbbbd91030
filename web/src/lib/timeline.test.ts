import { describe, expect, it } from 'vitest';
import type { AgentTimeline } from '../../../shared/agent-timeline.ts';
import { actualStretches, hourTicks, percentOf, planStretches, timelineRange } from './timeline.ts';

const H = 3600_000;
const MIDNIGHT = Date.parse('2026-03-10T00:00:00+08:00');
const at = (h: number, m = 0) => MIDNIGHT + h * H + m * 60_000;

const base = (over: Partial<AgentTimeline> = {}): AgentTimeline => ({
  agentId: 'a1', day: '2026-03-10', asOf: at(10), shiftStart: null, shiftEnd: null, scheduled: [],
  stateChanges: [{ at: MIDNIGHT, state: 'offline', reason: null }, { at: at(8), state: 'available', reason: null }, { at: at(9, 30), state: 'break', reason: 'short_break' }],
  ...over,
});

describe('agent timeline geometry', () => {
  it('spans the shift when scheduled, else midnight to now', () => {
    expect(timelineRange(base({ shiftStart: at(8), shiftEnd: at(16) }), at(10))).toEqual({ from: at(8), to: at(16) });
    expect(timelineRange(base(), at(10, 5))).toEqual({ from: MIDNIGHT, to: at(10, 5) });
  });

  it('clips plan and state stretches to the range; the last state runs until now', () => {
    const tl = base({ shiftStart: at(8), shiftEnd: at(16), scheduled: [{ type: 'work', start: at(8), end: at(10) }, { type: 'short_break', start: at(10), end: at(10, 10) }] });
    const r = timelineRange(tl, at(10));
    expect(planStretches(tl, r)).toHaveLength(2);
    expect(actualStretches(tl, r, at(10))).toEqual([
      { state: 'available', reason: null, start: at(8), end: at(9, 30) },
      { state: 'break', reason: 'short_break', start: at(9, 30), end: at(10) },
    ]);
  });

  it('puts hour ticks on full local hours, at most about six', () => {
    expect(hourTicks({ from: at(8), to: at(16) }, MIDNIGHT)).toEqual([8, 10, 12, 14, 16].map((h) => at(h)));
    expect(hourTicks({ from: at(9, 30), to: at(13, 30) }, MIDNIGHT)).toEqual([10, 11, 12, 13].map((h) => at(h)));
    expect(hourTicks({ from: MIDNIGHT, to: at(23) }, MIDNIGHT).length).toBeLessThanOrEqual(7);
    expect(percentOf({ from: at(8), to: at(16) }, at(12))).toBe(50);
  });
});
