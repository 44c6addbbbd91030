/**
 * A sorted multiset of instants with window counts by binary search. Instants mostly arrive in
 * order and leave from the front (a rolling window), so they live in a Float64Array between a
 * head and a tail: dropping moves the head, appending fills the tail, and the live part is moved
 * down (or, when over 4/5 of it is live, the array grown by a quarter) only when the tail reaches
 * the end: 8 bytes an instant and at most a quarter more.
 */
export class SortedTimes {
  private times = new Float64Array(256);
  private head = 0;
  private tail = 0;

  add(t: number): void {
    if (this.tail === this.times.length) this.makeRoom();
    const i = this.lowerBound(t);
    if (i < this.tail) this.times.copyWithin(i + 1, i, this.tail);
    this.times[i] = t;
    this.tail++;
  }

  remove(t: number): void {
    const i = this.lowerBound(t);
    if (i === this.tail || this.times[i] !== t) return;
    this.times.copyWithin(i, i + 1, this.tail);
    this.tail--;
  }

  /** How many instants lie in (from, to]. */
  countIn(from: number, to: number): number {
    return this.lowerBound(to + 1) - this.lowerBound(from + 1);
  }

  dropBefore(t: number): void { this.head = this.lowerBound(t); }

  get size(): number { return this.tail - this.head; }

  /** The instants in order (a copy; for checkpoints). */
  toArray(): number[] { return [...this.times.subarray(this.head, this.tail)]; }

  /** Replaces the contents with `sorted` (ascending, as returned by `toArray`). */
  restore(sorted: readonly number[]): void {
    this.times = Float64Array.from(sorted.length > 0 ? sorted : [0]);
    this.head = 0;
    this.tail = sorted.length;
  }

  private makeRoom(): void {
    const live = this.tail - this.head;
    const grown = live * 5 > this.times.length * 4 ? new Float64Array(Math.ceil(this.times.length * 1.25) + 16) : this.times;
    grown.set(this.times.subarray(this.head, this.tail));
    if (grown !== this.times) this.times = grown;
    this.head = 0;
    this.tail = live;
  }

  private lowerBound(t: number): number {
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
}
