import type { FloorEvent } from '../../shared/events.ts';
import { comparePositions, type AppendResult, type Checkpoint, type EventLog, type LogEntry, type LogPosition } from './event-log.ts';

export interface MemoryLogOptions {
  /** How long an event id is remembered for de-duplication, independent of trimming (default 3 days). */
  dedupTtlMs?: number;
  /** Hard cap on remembered ids (oldest forgotten first) so memory stays bounded (default 5,000,000). */
  maxDedupIds?: number;
  /** Wall clock for the de-dup window (injectable for tests). */
  now?: () => number;
  /** Told when a follow callback throws (the append itself still succeeds). Default: console.error. */
  onError?: (message: string, err: unknown) => void;
}

/** `last`: the number of the newest entry it has been given (entry n is at position `n-0`). */
interface Follower { fn: (entries: LogEntry[]) => void; last: number }
/** Appended entries waiting to be delivered; `first` is the number of the first. */
interface Pending { first: number; entries: LogEntry[] }
/**
 * The events of one append as one JSON string, `first` the number of its first entry. A day of
 * events kept as objects is millions of objects for every GC to copy or trace; a string is one.
 */
interface Chunk { first: number; count: number; json: string }

/** The entry number a position stands for (the memory log writes `n-0`; a suffix never counts). */
const entryNumber = (pos: LogPosition): number => {
  const dash = pos.indexOf('-');
  return Number(dash < 0 ? pos : pos.slice(0, dash));
};

/**
 * In-process event log (the default, for the demo and single-instance use). Nothing survives a
 * restart. De-duplication remembers ids for a time window (like the Redis log's TTL keys), not
 * "while the entry is in the log", so trimming never re-opens the door to a duplicate.
 */
export class MemoryLog implements EventLog {
  readonly kind = 'memory' as const;
  private chunks: Chunk[] = [];
  /** Entries numbered up to this one are trimmed (the first chunk may be partly trimmed). */
  private trimmedThrough = 0;
  /** The chunk a read parsed last, and its events: paging through one chunk parses it once. */
  private parsed: { chunk: Chunk; events: FloorEvent[] } | null = null;
  private next = 1;
  /** id → expiry (ms). Insertion order is time order, so expired ids are pruned from the front. */
  private ids = new Map<string, number>();
  private followers = new Set<Follower>();
  private pending: Pending[] = [];
  private delivering = false;
  private checkpoint: Checkpoint | null = null;
  private readonly dedupTtlMs: number;
  private readonly maxDedupIds: number;
  private readonly now: () => number;
  private readonly onError: (message: string, err: unknown) => void;

  constructor(opts: MemoryLogOptions = {}) {
    this.dedupTtlMs = opts.dedupTtlMs ?? 3 * 24 * 3600 * 1000;
    this.maxDedupIds = opts.maxDedupIds ?? 5_000_000;
    this.now = opts.now ?? Date.now;
    this.onError = opts.onError ?? ((message, err) => console.error(`[memory-log] ${message}`, err));
  }

  async append(events: readonly FloorEvent[]): Promise<AppendResult> {
    const now = this.now();
    this.forgetExpiredIds(now);
    const expiresAt = now + this.dedupTtlMs;
    const first = this.next;
    const appended: LogEntry[] = [];
    const kept: FloorEvent[] = [];
    let duplicates = 0;
    for (const event of events) {
      const exp = this.ids.get(event.id);
      if (exp !== undefined && exp > now) { duplicates++; continue; }
      if (exp !== undefined) this.ids.delete(event.id); // re-insert at the back (time order)
      this.ids.set(event.id, expiresAt);
      appended.push({ pos: `${this.next++}-0`, event });
      kept.push(event);
    }
    while (this.ids.size > this.maxDedupIds) this.ids.delete(this.ids.keys().next().value!);
    if (appended.length > 0) {
      this.chunks.push({ first, count: kept.length, json: JSON.stringify(kept) });
      this.deliver({ first, entries: appended });
    }
    return { appended, duplicates };
  }

  async readAfter(after: LogPosition, limit: number): Promise<LogEntry[]> {
    return this.entriesAfter(after, limit);
  }

  follow(after: LogPosition, onEntries: (entries: LogEntry[]) => void): () => void {
    const backlog = this.entriesAfter(after, Infinity);
    const follower: Follower = { fn: onEntries, last: backlog.length > 0 ? this.next - 1 : entryNumber(after) };
    this.followers.add(follower);
    if (backlog.length > 0) this.call(follower, backlog);
    return () => { this.followers.delete(follower); };
  }

  async lastPosition(): Promise<LogPosition> { return `${this.next - 1}-0`; }

  /** Keeps the newest checkpoint: an older position never replaces a newer one. */
  async saveCheckpoint(cp: Checkpoint): Promise<void> {
    if (this.checkpoint && comparePositions(cp.pos, this.checkpoint.pos) < 0) return;
    this.checkpoint = cp;
  }

  async loadCheckpoint(): Promise<Checkpoint | null> { return this.checkpoint; }

  /** Drops entries at or before `pos`, never past the checkpoint (without one, nothing). */
  async trimThrough(pos: LogPosition): Promise<number> {
    if (!this.checkpoint) return 0;
    const through = comparePositions(pos, this.checkpoint.pos) <= 0 ? pos : this.checkpoint.pos;
    const removed = Math.max(0, Math.min(entryNumber(through), this.next - 1) - this.trimmedThrough);
    this.trimmedThrough += removed;
    const gone = (c: Chunk) => c.first + c.count - 1 <= this.trimmedThrough;
    let drop = 0;
    while (drop < this.chunks.length && gone(this.chunks[drop]!)) drop++;
    this.chunks.splice(0, drop);
    if (this.parsed && gone(this.parsed.chunk)) this.parsed = null;
    return removed;
  }

  healthy(): boolean { return true; }
  async close(): Promise<void> { this.followers.clear(); this.pending = []; }

  /**
   * Delivers batches in log order even when a callback appends or follows re-entrantly: batches
   * queue up, and each follower only gets entries after the last one it has seen.
   */
  private deliver(batch: Pending): void {
    this.pending.push(batch);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let b = this.pending.shift(); b; b = this.pending.shift()) {
        const last = b.first + b.entries.length - 1;
        for (const f of [...this.followers]) {
          if (!this.followers.has(f)) continue; // stopped meanwhile
          const from = f.last + 1 - b.first; // index of the first entry it has not been given
          if (from >= b.entries.length) continue;
          f.last = last;
          this.call(f, from <= 0 ? b.entries : b.entries.slice(from));
        }
      }
    } finally {
      this.delivering = false;
    }
  }

  private call(f: Follower, entries: LogEntry[]): void {
    try { f.fn(entries); } catch (err) { this.onError('follow callback threw', err); }
  }

  private forgetExpiredIds(now: number): void {
    for (const [id, exp] of this.ids) {
      if (exp > now) break;
      this.ids.delete(id);
    }
  }

  /** Up to `limit` entries strictly after `pos`, in order (entry numbers are contiguous from 1). */
  private entriesAfter(pos: LogPosition, limit: number): LogEntry[] {
    const out: LogEntry[] = [];
    let n = Math.max(entryNumber(pos) + 1, this.trimmedThrough + 1);
    for (let c = this.chunkOf(n); c < this.chunks.length && out.length < limit; c++) {
      const chunk = this.chunks[c]!;
      const events = this.eventsOf(chunk);
      for (; n < chunk.first + chunk.count && out.length < limit; n++) out.push({ pos: `${n}-0`, event: events[n - chunk.first]! });
    }
    return out;
  }

  /** Index of the chunk that holds entry `n` (or of the first one after it). */
  private chunkOf(n: number): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.chunks[mid]!;
      if (c.first + c.count <= n) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  private eventsOf(chunk: Chunk): FloorEvent[] {
    if (this.parsed?.chunk !== chunk) this.parsed = { chunk, events: JSON.parse(chunk.json) as FloorEvent[] };
    return this.parsed.events;
  }
}
