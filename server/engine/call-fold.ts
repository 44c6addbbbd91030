import type { FloorEvent } from '../../shared/events.ts';
import type { DayCalendar } from './calendar.ts';
import type { EngineConfig } from './engine-config.ts';
import { iKey, qKey } from './keys.ts';
import { Contribution } from './ledger.ts';

type LegStatus = 'waiting' | 'answered' | 'abandoned' | 'timedOut';

interface Leg { queueId: string; queuedAt: number | null; status: LegStatus; transferred: boolean }

/** What one call (all its legs, across queues) adds to the floor. */
export interface CallFacts {
  contribution: Contribution;
  /** Legs still waiting in a queue. */
  waiting: { queueId: string; queuedAt: number }[];
  /** Time of the call's last `call.ended` (a handled call for floor CPH), if any. */
  endedAt: number | null;
  /** Time of the call's latest event: finished calls are forgotten after the retention window. */
  lastTs: number;
}

/**
 * Derives a call's facts from its events in time order. A call re-entering a queue (transfer to a
 * queue) opens a new leg; each leg is offered once and ends once (answer, abandon or timeout).
 * `slThresholdSecOf` gives a queue's SL threshold (the center configuration's per-queue setting).
 */
export function foldCall(events: readonly FloorEvent[], cal: DayCalendar, cfg: EngineConfig, slThresholdSecOf: (queueId: string) => number = () => cfg.slThresholdSec): CallFacts {
  const c = new Contribution();
  const legs: Leg[] = [];
  let endedAt: number | null = null;
  const openLeg = (queueId: string) => {
    for (let i = legs.length - 1; i >= 0; i--) if (legs[i]!.queueId === queueId) return legs[i]!.status === 'waiting' ? legs[i]! : null;
    return null;
  };
  const count = (queueId: string, ts: number, dayField: Parameters<typeof qKey>[2], intervalField?: Parameters<typeof iKey>[2], amount = 1) => {
    c.add(qKey(queueId, cal.dayKey(ts), dayField), amount);
    if (intervalField) c.add(iKey(queueId, cal.bucketOf(ts), intervalField), amount);
  };

  for (const e of events) {
    switch (e.type) {
      case 'call.queued': {
        legs.push({ queueId: e.queueId, queuedAt: e.ts, status: 'waiting', transferred: false });
        count(e.queueId, e.ts, 'offered', 'offered');
        break;
      }
      case 'call.answered': {
        let leg = openLeg(e.queueId);
        if (!leg) {
          // Answered without a (known) queued event: count the answer, with no measurable wait.
          if (legs.some((l) => l.queueId === e.queueId && l.status === 'answered')) break;
          leg = { queueId: e.queueId, queuedAt: null, status: 'waiting', transferred: false };
          legs.push(leg);
        }
        leg.status = 'answered';
        const waitMs = leg.queuedAt === null ? 0 : Math.max(0, e.ts - leg.queuedAt);
        count(e.queueId, e.ts, 'answered', 'answered');
        count(e.queueId, e.ts, 'waitSum', 'waitSum', waitMs);
        if (waitMs <= slThresholdSecOf(e.queueId) * 1000) count(e.queueId, e.ts, 'withinSl', 'withinSl');
        c.add(iKey(e.queueId, cal.bucketOf(e.ts), 'slDenominator'), 1);
        break;
      }
      case 'call.abandoned': {
        const leg = openLeg(e.queueId);
        if (!leg) break;
        leg.status = 'abandoned';
        const waitMs = leg.queuedAt === null ? 0 : Math.max(0, e.ts - leg.queuedAt);
        if (waitMs < cfg.shortAbandonSec * 1000) {
          count(e.queueId, e.ts, 'shortAbandoned');
        } else {
          count(e.queueId, e.ts, 'abandoned', 'abandoned');
          c.add(iKey(e.queueId, cal.bucketOf(e.ts), 'slDenominator'), 1);
        }
        break;
      }
      case 'call.timeout': {
        const leg = openLeg(e.queueId);
        if (!leg) break;
        leg.status = 'timedOut';
        count(e.queueId, e.ts, 'timedOut');
        c.add(iKey(e.queueId, cal.bucketOf(e.ts), 'slDenominator'), 1);
        break;
      }
      case 'call.transferred': {
        // A transfer counts once against the queue whose leg was answered before it.
        for (let i = legs.length - 1; i >= 0; i--) {
          const leg = legs[i]!;
          if (leg.status !== 'answered') continue;
          if (!leg.transferred) { leg.transferred = true; count(leg.queueId, e.ts, 'transferred'); }
          break;
        }
        break;
      }
      case 'call.ended':
        endedAt = e.ts;
        break;
      default:
        break;
    }
  }
  const waiting = legs.filter((l): l is Leg & { queuedAt: number } => l.status === 'waiting' && l.queuedAt !== null).map((l) => ({ queueId: l.queueId, queuedAt: l.queuedAt }));
  return { contribution: c, waiting, endedAt, lastTs: events.length > 0 ? events[events.length - 1]!.ts : 0 };
}
