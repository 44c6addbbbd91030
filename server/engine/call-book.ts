import type { FloorEvent } from '../../shared/events.ts';
import { foldCall, NO_FACTS, type CallFacts, type CallFoldContext } from './call-fold.ts';
import { callEntry, entryPayload, entryPosition, insertAt, type EntryIndexes } from './entries.ts';

/** Call record layout: [seq, open (waiting legs, +1 while talking), ts, code, ts, code, ...]. */
const SEQ = 0;
const OPEN = 1;
const FROM = 2;

/** A waiting leg's key in its queue's waiting map. */
const legKey = (seq: number, leg: number) => seq * 1024 + Math.min(leg, 1023);

/** What a call's facts change outside the call book. */
export interface CallHooks {
  /** A leg of `queue` started (queuedAt) or stopped (null) waiting. */
  waiting(queue: number, key: number, queuedAt: number | null): void;
  /** The call's handled instant (its last end) went from `prev` to `next`. */
  ended(prev: number | null, next: number | null): void;
}

/** The calls as plain data (checkpoints). */
export interface CallBookState { calls: [string, number[]][]; seq: number; queue: string[]; inUse: string[]; compacted: number }

/**
 * The calls the engine keeps: each one's entries (calls.ts encoding, in fold order) for as long as
 * a late event of it may still come within the reorder horizon, or while it is open. A call event
 * re-folds its call (a handful of entries) and passes on what changed: counts to the floor's sums
 * (through the fold context), waiting legs and the handled instant (through the hooks).
 */
export class CallBook {
  private readonly calls = new Map<string, number[]>();
  private seq = 0;
  /** Calls to look at when compacting: new ones in the order first seen, and the ones in use last time. */
  private queue: string[] = [];
  private head = 0;
  private inUse: string[] = [];
  /** Calls dropped by compaction so far. */
  compacted = 0;
  /** About the last `apply`: the call was first seen behind the horizon (too late); the event came out of order. */
  lastTooLate = false;
  lastOutOfOrder = false;

  constructor(private readonly ctx: CallFoldContext, private readonly ix: EntryIndexes, private readonly hooks: CallHooks) {}

  get size(): number { return this.calls.size; }
  has(callId: string): boolean { return this.calls.has(callId); }

  /**
   * Folds a call event; returns the call's seq (agents' entries refer to it). `lastTooLate` tells
   * whether the call was first seen behind `compactedBefore` (the too-late rule), `lastOutOfOrder`
   * whether the event came out of order.
   */
  apply(e: FloorEvent & { callId: string }, compactedBefore: number): number {
    let rec = this.calls.get(e.callId);
    this.lastTooLate = false;
    this.lastOutOfOrder = false;
    if (!rec) {
      // A call first seen behind the horizon: if it had events, they were compacted away.
      this.lastTooLate = e.ts < compactedBefore;
      rec = [++this.seq, 0];
      this.calls.set(e.callId, rec);
      this.queue.push(e.callId);
    }
    const seq = rec[SEQ]!;
    const code = callEntry(e, this.ix);
    const at = entryPosition(rec, FROM, 2, e.ts, code, 0);
    if (at < 0) { this.lastTooLate = false; return seq; }
    if (at === rec.length) {
      // In order: only the new entry adds anything; one pass gives the facts before and after it.
      rec = insertAt(rec, at, 2, e.ts, code, 0);
      this.calls.set(e.callId, rec);
      let prev: CallFacts = NO_FACTS;
      const next = foldCall(rec, FROM, this.ctx, 1, at, (f) => { prev = f; });
      this.replaceFacts(rec, prev, next);
      return seq;
    }
    const prev = foldCall(rec, FROM, this.ctx, -1);
    rec = insertAt(rec, at, 2, e.ts, code, 0);
    this.calls.set(e.callId, rec);
    this.replaceFacts(rec, prev, foldCall(rec, FROM, this.ctx, 1));
    this.lastOutOfOrder = true;
    return seq;
  }

  /** Re-folds the calls with an entry on one of `queues`, taking their counts back as `before` folded them. */
  refold(queues: ReadonlySet<number>, before: CallFoldContext): void {
    for (const rec of this.calls.values()) {
      if (!touches(rec, queues)) continue;
      const prev = foldCall(rec, FROM, before, -1);
      this.replaceFacts(rec, prev, foldCall(rec, FROM, this.ctx, 1));
    }
  }

  /**
   * Drops the calls quiet since `cutoff` that no leg waits on and no agent talks on (their counts
   * stay in the sums), and calls open but quiet since `staleBefore` (their end was lost). Looks at
   * the calls first seen before the cutoff and those kept last time, never at all of them.
   */
  compact(cutoff: number, staleBefore: number): void {
    const inUse: string[] = [];
    const look = (callId: string) => {
      const rec = this.calls.get(callId);
      if (!rec) return;
      const lastTs = rec[rec.length - 2]!;
      if (lastTs >= cutoff || (rec[OPEN]! > 0 && lastTs >= staleBefore)) { inUse.push(callId); return; }
      if (rec[OPEN]! > 0) this.replaceFacts(rec, foldCall(rec, FROM, this.ctx, 0), NO_FACTS, false);
      this.calls.delete(callId);
      this.compacted++;
    };
    while (this.head < this.queue.length) {
      const callId = this.queue[this.head]!;
      const rec = this.calls.get(callId);
      if (rec && rec[FROM]! >= cutoff) break; // first seen after the cutoff: so are the ones behind it
      this.head++;
      look(callId);
    }
    for (const callId of this.inUse) look(callId);
    this.inUse = inUse;
    if (this.head * 4 > this.queue.length) { this.queue = this.queue.slice(this.head); this.head = 0; }
  }

  /** Waiting legs and the handled instant of a call whose facts went from `prev` to `next`. */
  private replaceFacts(rec: number[], prev: CallFacts, next: CallFacts, handled = true): void {
    const seq = rec[SEQ]!;
    for (const w of prev.waiting) this.hooks.waiting(w.queue, legKey(seq, w.leg), null);
    for (const w of next.waiting) this.hooks.waiting(w.queue, legKey(seq, w.leg), w.queuedAt);
    rec[OPEN] = next.waiting.length + (next.talking ? 1 : 0);
    if (handled && prev.endedAt !== next.endedAt) this.hooks.ended(prev.endedAt, next.endedAt);
  }

  toJSON(): CallBookState {
    return { calls: [...this.calls], seq: this.seq, queue: this.queue.slice(this.head), inUse: this.inUse, compacted: this.compacted };
  }

  restore(s: CallBookState): void {
    for (const [id, rec] of s.calls) this.calls.set(id, rec);
    this.seq = s.seq;
    this.queue = s.queue;
    this.head = 0;
    this.inUse = s.inUse;
    this.compacted = s.compacted;
  }
}

/** Does a call record have an entry on one of `queues`? */
function touches(rec: readonly number[], queues: ReadonlySet<number>): boolean {
  for (let k = FROM; k < rec.length; k += 2) if (queues.has(entryPayload(rec[k + 1]!))) return true;
  return false;
}
