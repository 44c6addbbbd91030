import type { FloorEvent } from '../../shared/events.ts';

/**
 * Position of an entry in the log. Opaque to callers but totally ordered by `comparePositions`.
 * The memory log uses "<n>-0", the Redis log uses stream ids ("<ms>-<n>"); both compare the same way.
 */
export type LogPosition = string;
export const LOG_START: LogPosition = '0-0';

export interface LogEntry { pos: LogPosition; event: FloorEvent }

export interface AppendResult {
  /** Events appended, in log order (duplicates of earlier ids — or within the batch — are left out). */
  appended: LogEntry[];
  duplicates: number;
}

export interface Checkpoint { pos: LogPosition; state: string; savedAt: number }

/**
 * The event log: the source of truth. Append is all-or-nothing and de-duplicates by event id
 * atomically with the append, so concurrent writers (several server instances) keep one copy.
 */
export interface EventLog {
  readonly kind: 'memory' | 'redis';
  /** Resolves only once the events are durable in the store. Rejects with StoreUnavailableError when the store is down. */
  append(events: readonly FloorEvent[]): Promise<AppendResult>;
  /** Up to `limit` entries strictly after `after`, in log order. */
  readAfter(after: LogPosition, limit: number): Promise<LogEntry[]>;
  /**
   * Delivers every entry strictly after `after` to `onEntries`, in order, now and as they are appended
   * (by this or any other instance). Returns a stop function.
   */
  follow(after: LogPosition, onEntries: (entries: LogEntry[]) => void): () => void;
  /** Position of the newest entry ever appended (LOG_START when none): how far a replica must fold to be caught up. */
  lastPosition(): Promise<LogPosition>;
  saveCheckpoint(cp: Checkpoint): Promise<void>;
  loadCheckpoint(): Promise<Checkpoint | null>;
  /** Drops entries at or before `pos` (never the ones after the newest checkpoint). Returns how many. */
  trimThrough(pos: LogPosition): Promise<number>;
  /** True while the store answers. */
  healthy(): boolean;
  close(): Promise<void>;
}

export class StoreUnavailableError extends Error {
  constructor(message = 'event store unavailable', readonly retryAfterSec = 2) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  const [am = '0', an = '0'] = a.split('-');
  const [bm = '0', bn = '0'] = b.split('-');
  const d = Number(am) - Number(bm);
  return d !== 0 ? Math.sign(d) : Math.sign(Number(an) - Number(bn));
}
