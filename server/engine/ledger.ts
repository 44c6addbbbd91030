/**
 * Additive aggregates. Every call and agent contributes amounts to named keys; when an entity is
 * re-derived (an event arrived out of order) its old contribution is taken back and the new one
 * added, so totals always equal the fold of the events in time order, without replaying the floor.
 */
export class Ledger {
  private values = new Map<string, number>();

  constructor(private readonly onChange: (key: string) => void = () => {}) {}

  get(key: string): number { return this.values.get(key) ?? 0; }

  add(key: string, amount: number): void {
    if (amount === 0) return;
    const v = (this.values.get(key) ?? 0) + amount;
    // Sums of integers and of ms timestamps stay exact; drop keys back at zero to bound memory.
    if (v === 0) this.values.delete(key); else this.values.set(key, v);
    this.onChange(key);
  }

  /** Applies the difference between an entity's old and new contributions. */
  replace(oldContribution: ReadonlyMap<string, number>, newContribution: ReadonlyMap<string, number>): void {
    for (const [k, v] of oldContribution) {
      const next = newContribution.get(k) ?? 0;
      if (next !== v) this.add(k, next - v);
    }
    for (const [k, v] of newContribution) if (!oldContribution.has(k)) this.add(k, v);
  }

  keys(): IterableIterator<string> { return this.values.keys(); }
  entries(): IterableIterator<[string, number]> { return this.values.entries(); }
  size(): number { return this.values.size; }
  toJSON(): [string, number][] { return [...this.values]; }
  /** Replaces every value (checkpoint restore); does not report changes. */
  restore(entries: Iterable<[string, number]>): void { this.values = new Map(entries); }
  static fromJSON(entries: [string, number][], onChange?: (key: string) => void): Ledger {
    const l = new Ledger(onChange);
    l.values = new Map(entries);
    return l;
  }
}

/** A contribution being built: accumulates amounts per key. */
export class Contribution extends Map<string, number> {
  add(key: string, amount: number): void {
    if (amount === 0) return;
    const v = this.get(key);
    if (v === undefined) this.set(internKey(key), amount); else this.set(key, v + amount);
  }
}

/**
 * One shared string per ledger key: thousands of calls contribute to the same few keys, and each
 * would otherwise hold its own copy. The cache is bounded (cleared when full; only sharing is lost).
 */
const KEYS = new Map<string, string>();
const MAX_KEYS = 100_000;
export function internKey(key: string): string {
  const known = KEYS.get(key);
  if (known !== undefined) return known;
  if (KEYS.size >= MAX_KEYS) KEYS.clear();
  KEYS.set(key, key);
  return key;
}
