import type { FloorEvent } from '../../shared/events.ts';
import { comparePositions, type AppendResult, type Checkpoint, type EventLog, type LogEntry, type LogPosition } from './event-log.ts';

/**
 * In-process event log (the default, for the demo and single-instance use). Nothing survives a
 * restart; de-duplication remembers every id still in the log.
 */
export class MemoryLog implements EventLog {
  readonly kind = 'memory' as const;
  private entries: LogEntry[] = [];
  private next = 1;
  private ids = new Set<string>();
  private followers = new Set<(entries: LogEntry[]) => void>();
  private checkpoint: Checkpoint | null = null;

  async append(events: readonly FloorEvent[]): Promise<AppendResult> {
    const appended: LogEntry[] = [];
    let duplicates = 0;
    for (const event of events) {
      if (this.ids.has(event.id)) { duplicates++; continue; }
      this.ids.add(event.id);
      const entry = { pos: `${this.next++}-0`, event };
      this.entries.push(entry);
      appended.push(entry);
    }
    if (appended.length > 0) for (const f of this.followers) f(appended);
    return { appended, duplicates };
  }

  async readAfter(after: LogPosition, limit: number): Promise<LogEntry[]> {
    const start = this.indexAfter(after);
    return this.entries.slice(start, start + limit);
  }

  follow(after: LogPosition, onEntries: (entries: LogEntry[]) => void): () => void {
    const backlog = this.entries.slice(this.indexAfter(after));
    if (backlog.length > 0) onEntries(backlog);
    this.followers.add(onEntries);
    return () => this.followers.delete(onEntries);
  }

  async saveCheckpoint(cp: Checkpoint): Promise<void> { this.checkpoint = cp; }
  async loadCheckpoint(): Promise<Checkpoint | null> { return this.checkpoint; }

  async trimThrough(pos: LogPosition): Promise<number> {
    const cut = this.indexAfter(pos);
    const removed = this.entries.splice(0, cut);
    for (const e of removed) this.ids.delete(e.event.id);
    return removed.length;
  }

  healthy(): boolean { return true; }
  async close(): Promise<void> { this.followers.clear(); }

  /** Index of the first entry after `pos` (binary search: positions are increasing). */
  private indexAfter(pos: LogPosition): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePositions(this.entries[mid]!.pos, pos) <= 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
}
