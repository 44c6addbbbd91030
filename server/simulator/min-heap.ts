/**
 * A binary min-heap of timed items, ordered by `at` then by insertion order, so items due at
 * the same millisecond pop in the order they were scheduled (the simulation stays deterministic).
 */
interface Slot<T> { at: number; seq: number; item: T }

export class TimerHeap<T> {
  private readonly slots: Slot<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.slots.length;
  }

  push(at: number, item: T): void {
    this.slots.push({ at, seq: this.seq++, item });
    this.up(this.slots.length - 1);
  }

  /** Time of the earliest item, or Infinity when empty. */
  peekTime(): number {
    return this.slots[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  pop(): { at: number; item: T } | undefined {
    const top = this.slots[0];
    if (top === undefined) return undefined;
    const last = this.slots.pop() as Slot<T>;
    if (this.slots.length > 0) {
      this.slots[0] = last;
      this.down(0);
    }
    return { at: top.at, item: top.item };
  }

  private less(i: number, j: number): boolean {
    const a = this.slots[i] as Slot<T>;
    const b = this.slots[j] as Slot<T>;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const tmp = this.slots[i] as Slot<T>;
    this.slots[i] = this.slots[j] as Slot<T>;
    this.slots[j] = tmp;
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(index: number): void {
    let i = index;
    const n = this.slots.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}
