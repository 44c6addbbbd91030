import { rate } from '../../shared/metrics.ts';
import type { Intraday, IntervalPoint } from '../../shared/snapshot.ts';
import { BUCKET_MS } from './calendar.ts';
import type { FloorEngine } from './engine.ts';
import { FB, QB, type IntervalCounter } from './counters.ts';
import { round1, round4 } from './project.ts';

export type IntervalMinutes = 15 | 30 | 60;

/**
 * Today's interval series (SPEC §3): call counts per interval, and agents logged in / on break as
 * the time-weighted average number of agents over the interval (so far, for the current one).
 */
export function intraday(engine: FloorEngine, now: number, intervalMinutes: IntervalMinutes, queueId: string | null): Intraday {
  const today = engine.cal.dayOf(now);
  const queues = queueId === null ? [...engine.queueIds] : [queueId];
  const counter = (b: number, f: IntervalCounter) => queues.reduce((s, q) => s + engine.queueBucket(q, b, QB[f]), 0);
  const floor = (b: number, f: keyof typeof FB) => engine.counters.floorBucket(b, FB[f]);
  // Open login/break stretches are filed under the bucket they began in: carry them forward from yesterday.
  let openLogin = 0;
  let openBreak = 0;
  for (let b = engine.cal.dayOf(today.start - 1).start; b < today.start; b += BUCKET_MS) {
    openLogin += floor(b, 'openLogin');
    openBreak += floor(b, 'openBreak');
  }
  const group = intervalMinutes * 60_000;
  const points: IntervalPoint[] = [];
  let cur: { start: number; c: Record<IntervalCounter, number>; loginMs: number; breakMs: number; spanMs: number } | null = null;
  const flush = () => {
    if (!cur) return;
    const c = cur.c;
    points.push({
      start: new Date(cur.start).toISOString(),
      offered: c.offered, answered: c.answered, abandoned: c.abandoned,
      serviceLevel: round4(rate(c.withinSl, c.slDenominator)),
      asaSec: round1(c.answered > 0 ? c.waitSum / c.answered / 1000 : null),
      agentsLoggedIn: cur.spanMs > 0 ? round1(cur.loginMs / cur.spanMs)! : 0,
      agentsOnBreak: cur.spanMs > 0 ? round1(cur.breakMs / cur.spanMs)! : 0,
    });
  };
  for (let b = today.start; b <= now && b < today.end; b += BUCKET_MS) {
    const end = Math.min(b + BUCKET_MS, now);
    const span = end - b;
    const newLogin = floor(b, 'openLogin');
    const newBreak = floor(b, 'openBreak');
    const loginMs = floor(b, 'loginMs') + openLogin * span + newLogin * span - floor(b, 'openLoginSince');
    const breakMs = floor(b, 'breakMs') + openBreak * span + newBreak * span - floor(b, 'openBreakSince');
    openLogin += newLogin;
    openBreak += newBreak;
    const groupStart = today.start + Math.floor((b - today.start) / group) * group;
    if (!cur || cur.start !== groupStart) {
      flush();
      cur = { start: groupStart, c: { offered: 0, answered: 0, abandoned: 0, withinSl: 0, slDenominator: 0, waitSum: 0 }, loginMs: 0, breakMs: 0, spanMs: 0 };
    }
    for (const f of Object.keys(cur.c) as IntervalCounter[]) cur.c[f] += counter(b, f);
    cur.loginMs += Math.max(0, loginMs);
    cur.breakMs += Math.max(0, breakMs);
    cur.spanMs += span;
  }
  flush();
  return { asOf: new Date(now).toISOString(), day: today.key, intervalMinutes, queueId, points };
}
