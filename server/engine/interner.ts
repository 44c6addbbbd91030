/**
 * Strings the engine meets over and over (team, queue and agent ids, reasons, names) as small
 * numbers, so folds can keep them in numeric arrays. Index 0 means "none" (null); a string's index
 * never changes, so indexes can be stored and compared.
 */
export class Interner {
  private readonly index = new Map<string, number>();
  private readonly values: string[] = [''];

  /** The index of `s`, adding it when new. */
  idOf(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  /** The index of `s` when known, else 0. */
  find(s: string): number { return this.index.get(s) ?? 0; }

  /** The string of index `i` (null for 0). */
  get(i: number): string | null { return i === 0 ? null : this.values[i]!; }

  /** Like `get` for an index known to be set. */
  at(i: number): string { return this.values[i]!; }

  get size(): number { return this.values.length - 1; }

  /** Every string in index order (index 1 first), for checkpoints. */
  toJSON(): string[] { return this.values.slice(1); }
}
