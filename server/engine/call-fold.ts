import type { DayCalendar } from './calendar.ts';
import { QB, QD, type Counters } from './counters.ts';
import type { EngineConfig } from './engine-config.ts';
import { CK, entryKind, entryPayload } from './entries.ts';

type LegStatus = 'waiting' | 'answered' | 'abandoned' | 'timedOut';

interface Leg { queue: number; queuedAt: number | null; status: LegStatus; transferred: boolean }

/** A leg still waiting in a queue: its queue index, when it was queued, and its number in the call. */
export interface WaitingLeg { queue: number; queuedAt: number; leg: number }

/** What one call (all its legs, across queues) adds to the floor besides its counts. */
export interface CallFacts {
  waiting: WaitingLeg[];
  /** Time of the call's last `call.ended` (a handled call for floor CPH), if any. */
  endedAt: number | null;
  /** Answered (or dialed) and not ended since: an agent is talking on it. */
  talking: boolean;
}

export interface CallFoldContext {
  cal: DayCalendar;
  cfg: EngineConfig;
  counters: Counters;
  /** A queue's SL threshold (the center configuration's per-queue setting), by queue index. */
  slThresholdSecOf: (queue: number) => number;
}

/** A call with no facts yet (shared, never mutated). */
export const NO_FACTS: CallFacts = { waiting: [], endedAt: null, talking: false };

/**
 * Folds a call's entries (`entries[from..]`, (ts, code) pairs in fold order) and adds what they
 * count to the floor's sums times `sign` (-1 takes a call's old counts back before its
 * re-derivation; 0 only derives the facts). A call re-entering a queue (transfer to a queue)
 * opens a new leg; each leg is offered once and ends once (answer, abandon or timeout).
 * An entry counts only what the entries before it decided, so `countFrom` (an entry offset)
 * folds the earlier ones for their facts only: for an entry appended at the end, that adds just
 * its own amounts, and `before` receives the facts as they were without it.
 */
export function foldCall(entries: readonly number[], from: number, ctx: CallFoldContext, sign: number, countFrom = from, before?: (facts: CallFacts) => void): CallFacts {
  if (entries.length <= from) return NO_FACTS;
  const { cal, cfg, counters } = ctx;
  const legs: Leg[] = [];
  let endedAt: number | null = null;
  let talkFrom: number | null = null;
  const counting = sign === 0 ? null : { cal, counters, sign };
  let count = countFrom > from ? null : counting;

  for (let k = from; k < entries.length; k += 2) {
    if (k === countFrom && k > from) { before?.(factsOf(legs, endedAt, talkFrom)); count = counting; }
    const ts = entries[k]!;
    const code = entries[k + 1]!;
    const kind = entryKind(code);
    const queue = entryPayload(code);
    switch (kind) {
      case CK.queued: {
        legs.push({ queue, queuedAt: ts, status: 'waiting', transferred: false });
        add(count, queue, ts, QD.offered, QB.offered);
        break;
      }
      case CK.answered: {
        let leg = openLeg(legs, queue);
        if (!leg) {
          // Answered without a (known) queued event: count the answer, with no measurable wait.
          if (legs.some((l) => l.queue === queue && l.status === 'answered')) break;
          leg = { queue, queuedAt: null, status: 'waiting', transferred: false };
          legs.push(leg);
        }
        leg.status = 'answered';
        talkFrom = ts;
        const waitMs = leg.queuedAt === null ? 0 : Math.max(0, ts - leg.queuedAt);
        add(count, queue, ts, QD.answered, QB.answered);
        add(count, queue, ts, QD.waitSum, QB.waitSum, waitMs);
        if (waitMs <= ctx.slThresholdSecOf(queue) * 1000) add(count, queue, ts, QD.withinSl, QB.withinSl);
        add(count, queue, ts, null, QB.slDenominator);
        break;
      }
      case CK.abandoned: {
        const leg = openLeg(legs, queue);
        if (!leg) break;
        leg.status = 'abandoned';
        const waitMs = leg.queuedAt === null ? 0 : Math.max(0, ts - leg.queuedAt);
        if (waitMs < cfg.shortAbandonSec * 1000) {
          add(count, queue, ts, QD.shortAbandoned, null);
        } else {
          add(count, queue, ts, QD.abandoned, QB.abandoned);
          add(count, queue, ts, null, QB.slDenominator);
        }
        break;
      }
      case CK.timeout: {
        const leg = openLeg(legs, queue);
        if (!leg) break;
        leg.status = 'timedOut';
        add(count, queue, ts, QD.timedOut, QB.slDenominator);
        break;
      }
      case CK.transferred: {
        // A transfer counts once against the queue whose leg was answered before it.
        for (let i = legs.length - 1; i >= 0; i--) {
          const leg = legs[i]!;
          if (leg.status !== 'answered') continue;
          if (!leg.transferred) { leg.transferred = true; add(count, leg.queue, ts, QD.transferred, null); }
          break;
        }
        break;
      }
      case CK.ended:
        endedAt = ts;
        break;
      case CK.dialed:
        talkFrom ??= ts;
        break;
      default:
        break;
    }
  }
  return factsOf(legs, endedAt, talkFrom);
}

function factsOf(legs: readonly Leg[], endedAt: number | null, talkFrom: number | null): CallFacts {
  const waiting: WaitingLeg[] = [];
  for (let i = 0; i < legs.length; i++) {
    const l = legs[i]!;
    if (l.status === 'waiting' && l.queuedAt !== null) waiting.push({ queue: l.queue, queuedAt: l.queuedAt, leg: i });
  }
  return { waiting, endedAt, talking: talkFrom !== null && (endedAt === null || endedAt < talkFrom) };
}

/** The latest leg of `queue` if it is still waiting. */
function openLeg(legs: readonly Leg[], queue: number): Leg | null {
  for (let i = legs.length - 1; i >= 0; i--) if (legs[i]!.queue === queue) return legs[i]!.status === 'waiting' ? legs[i]! : null;
  return null;
}

/** Adds `amount` × sign to a queue's day and/or interval counter (nothing when only deriving facts). */
function add(c: { cal: DayCalendar; counters: Counters; sign: number } | null, queue: number, ts: number, dayField: number | null, intervalField: number | null, amount = 1): void {
  if (!c) return;
  if (dayField !== null) c.counters.addQueueDay(queue, c.cal.dayKey(ts), dayField, c.sign * amount);
  if (intervalField !== null) c.counters.addQueueBucket(queue, c.cal.bucketOf(ts), intervalField, c.sign * amount);
}
