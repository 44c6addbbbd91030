/** Min-heap of (due time, key): what must be re-projected when time passes a boundary. */
export class TimerQueue {
  private heap: { at: number; key: string }[] = [];

  schedule(at: number, key: string): void {
    this.heap.push({ at, key });
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.heap[p]!.at <= this.heap[i]!.at) break;
      [this.heap[p], this.heap[i]] = [this.heap[i]!, this.heap[p]!];
      i = p;
    }
  }

  /** Removes and returns the keys due at or before `now`. */
  popDue(now: number): string[] {
    const due: string[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) due.push(this.pop()!.key);
    return due;
  }

  get size(): number { return this.heap.length; }

  /** The pending timers in heap order (a copy; for checkpoints). */
  toArray(): { at: number; key: string }[] { return this.heap.map((t) => ({ ...t })); }

  /** Replaces the contents with a heap as returned by `toArray`; takes ownership. */
  restore(heap: { at: number; key: string }[]): void { this.heap = heap; }

  private pop(): { at: number; key: string } | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (this.heap.length > 0 && last) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.heap[l]!.at < this.heap[m]!.at) m = l;
        if (r < this.heap.length && this.heap[r]!.at < this.heap[m]!.at) m = r;
        if (m === i) break;
        [this.heap[m], this.heap[i]] = [this.heap[i]!, this.heap[m]!];
        i = m;
      }
    }
    return top;
  }
}
