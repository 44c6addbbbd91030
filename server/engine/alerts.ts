import { DEFAULT_THRESHOLDS } from '../../shared/metrics.ts';
import type { AgentRow, Alert, QueueRow } from '../../shared/snapshot.ts';

/** SL and abandon alerts wait for a sample this large, so the first call of the day cannot page anyone. */
export const MIN_ALERT_SAMPLE = 10;

/** Alerts a queue raises now (the queue's thresholds from the center configuration, else SPEC §3's). */
export function queueAlerts(q: QueueRow): Alert[] {
  const out: Alert[] = [];
  if (q.severity.longestWaitSec !== 'ok' && q.oldestQueuedAt !== null) {
    const limits = q.thresholds?.longestWaitSec ?? DEFAULT_THRESHOLDS.longestWaitSec;
    const limit = q.severity.longestWaitSec === 'red' ? limits.red : limits.amber;
    const since = q.oldestQueuedAt + limit * 1000;
    out.push({ id: `long_wait:${q.id}`, rule: 'long_wait', severity: q.severity.longestWaitSec, since, queueId: q.id, value: q.longestWaitSec });
  }
  const sample = q.answered + q.abandoned + q.timedOut;
  if (sample >= MIN_ALERT_SAMPLE) {
    if (q.severity.serviceLevel !== 'ok') out.push({ id: `service_level:${q.id}`, rule: 'service_level', severity: q.severity.serviceLevel, since: 0, queueId: q.id, value: q.serviceLevel });
    if (q.severity.abandonRate !== 'ok') out.push({ id: `abandon_rate:${q.id}`, rule: 'abandon_rate', severity: q.severity.abandonRate, since: 0, queueId: q.id, value: q.abandonRate });
  }
  // SL at risk: the projected SL (roster, break plan, live load) falls below target in 15 or 30 minutes.
  const f = q.slForecast;
  const risk = f ? (f.in15 !== null && f.in15 < f.target ? { inMin: 15, value: f.in15 } : f.in30 !== null && f.in30 < f.target ? { inMin: 30, value: f.in30 } : null) : null;
  if (risk) out.push({ id: `sl_at_risk:${q.id}`, rule: 'sl_at_risk', severity: risk.value < (q.thresholds?.serviceLevel.red ?? DEFAULT_THRESHOLDS.serviceLevel.red) ? 'red' : 'amber', since: 0, queueId: q.id, value: risk.value, inMin: risk.inMin });
  return out;
}

/** Break-rule alerts an agent raises now. */
export function agentAlerts(a: AgentRow): Alert[] {
  if (!a.breakOverrun || a.overrunAt === null) return [];
  const rule = a.state === 'away' ? 'away_overrun' : 'break_overrun';
  return [{ id: `${rule}:${a.id}`, rule, severity: 'red', since: a.overrunAt, agentId: a.id, teamId: a.teamId }];
}
