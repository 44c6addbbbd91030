import type { FloorEvent } from '../../shared/events.ts';

/** The fold order: event time, then id, so equal timestamps fold the same way on every replica. */
export function compareEvents(a: FloorEvent, b: FloorEvent): number {
  return a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Inserts keeping fold order; returns false if an event with this id is already there. */
export function insertInOrder(list: FloorEvent[], event: FloorEvent): boolean {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEvents(list[mid]!, event) < 0) lo = mid + 1; else hi = mid;
  }
  if (list[lo]?.id === event.id) return false;
  list.splice(lo, 0, event);
  return true;
}
