/** A sorted multiset of instants with window counts by binary search. */
export class SortedTimes {
  private times: number[] = [];

  add(t: number): void { this.times.splice(this.lowerBound(t), 0, t); }

  remove(t: number): void {
    const i = this.lowerBound(t);
    if (this.times[i] === t) this.times.splice(i, 1);
  }

  /** How many instants lie in (from, to]. */
  countIn(from: number, to: number): number {
    return this.lowerBound(to + 1) - this.lowerBound(from + 1);
  }

  dropBefore(t: number): void {
    const i = this.lowerBound(t);
    if (i > 0) this.times.splice(0, i);
  }

  get size(): number { return this.times.length; }

  /** The instants in order (a copy; for checkpoints). */
  toArray(): number[] { return [...this.times]; }

  /** Replaces the contents with `sorted` (ascending, as returned by `toArray`); takes ownership. */
  restore(sorted: number[]): void { this.times = sorted; }

  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
}
