import type { BreakSlot } from '../../../../shared/roster.ts';

/** Minutes since local midnight of `HH:mm` (`24:00` = 1440). */
export function toMin(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function toHhmm(min: number): string {
  const m = Math.max(0, Math.min(1440, Math.round(min)));
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export interface ShiftInfo { agentId: string; shiftStart: string; shiftEnd: string }

/**
 * Moves a slot by `deltaMin` (snapped to 5 minutes), kept inside the agent's shift and out of its
 * first 30 minutes. The server checks every rule again on preview and save.
 */
export function moveSlot(slots: readonly BreakSlot[], index: number, deltaMin: number, shifts: readonly ShiftInfo[]): BreakSlot[] {
  const s = slots[index];
  if (!s) return [...slots];
  const shift = shifts.find((x) => x.agentId === s.agentId);
  const len = toMin(s.end) - toMin(s.start);
  let start = Math.round((toMin(s.start) + deltaMin) / 5) * 5;
  if (shift) start = Math.max(toMin(shift.shiftStart) + 30, Math.min(toMin(shift.shiftEnd) - len, start));
  return slots.map((x, i) => (i === index ? { ...x, start: toHhmm(start), end: toHhmm(start + len) } : x));
}

/** Swaps all breaks of two agents (each takes the other's times). */
export function swapAgents(slots: readonly BreakSlot[], a: string, b: string): BreakSlot[] {
  return slots.map((s) => (s.agentId === a ? { ...s, agentId: b } : s.agentId === b ? { ...s, agentId: a } : s));
}

/** How many slots differ from the saved plan. */
export function changedCount(saved: readonly BreakSlot[], edited: readonly BreakSlot[]): number {
  const key = (s: BreakSlot) => `${s.agentId}|${s.type}|${s.start}|${s.end}`;
  const a = new Set(saved.map(key));
  return edited.filter((s) => !a.has(key(s))).length;
}

/** Breaks starting after `nowMin`, earliest first. */
export function nextBreaks(slots: readonly BreakSlot[], nowMin: number, n = 5): BreakSlot[] {
  return slots.filter((s) => toMin(s.start) > nowMin).sort((x, y) => toMin(x.start) - toMin(y.start)).slice(0, n);
}
