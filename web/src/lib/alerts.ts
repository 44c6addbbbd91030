import { secondsSince } from '../../../shared/live.ts';
import type { AgentRow, Alert, QueueRow } from '../../../shared/snapshot.ts';
import { Formatter, translate } from './format.ts';
import { attendanceLabel } from './labels.ts';
import type { Lang } from './messages.ts';

export interface AlertContext {
  agents: ReadonlyMap<string, AgentRow>;
  queues: ReadonlyMap<string, QueueRow>;
  teamLabel: (id: string) => string;
  queueLabel: (id: string) => string;
}

/** Red before amber, then the longest-standing first. */
export function sortAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort((a, b) => (a.severity === b.severity ? a.since - b.since : a.severity === 'red' ? -1 : 1));
}

/**
 * The alert in words. Durations that are still running (a caller waiting, an agent on break or
 * away) are computed live from `nowMs`, so the message ticks with the rest of the screen.
 */
export function alertMessage(lang: Lang, fmt: Formatter, alert: Alert, ctx: AlertContext, nowMs: number): string {
  const agent = alert.agentId !== undefined ? ctx.agents.get(alert.agentId) : undefined;
  const who = agent?.name ?? (alert.agentId ?? (alert.teamId !== undefined ? ctx.teamLabel(alert.teamId) : ''));
  const queue = alert.queueId !== undefined ? ctx.queueLabel(alert.queueId) : alert.teamId !== undefined ? ctx.teamLabel(alert.teamId) : '';
  const value = alert.value ?? null;
  switch (alert.rule) {
    case 'long_wait': {
      const q = alert.queueId !== undefined ? ctx.queues.get(alert.queueId) : undefined;
      const sec = q && q.waiting > 0 && q.oldestQueuedAt ? secondsSince(q.oldestQueuedAt, nowMs) : value;
      return translate(lang, 'alert.long_wait', { queue, value: fmt.duration(sec) });
    }
    case 'service_level':
      return translate(lang, 'alert.service_level', { queue, value: fmt.pct(value) });
    case 'abandon_rate':
      return translate(lang, 'alert.abandon_rate', { queue, value: fmt.pct(value, 1) });
    case 'break_overrun':
    case 'away_overrun': {
      const running = agent && (agent.state === 'break' || agent.state === 'away') ? secondsSince(agent.stateSince, nowMs) : value;
      return translate(lang, alert.rule === 'break_overrun' ? 'alert.break_overrun' : 'alert.away_overrun', { agent: who, value: fmt.duration(running) });
    }
    case 'early_break':
      return translate(lang, 'alert.early_break', { agent: who });
    case 'break_not_taken':
      return translate(lang, 'alert.break_not_taken', { agent: who });
    case 'break_during_work':
      return translate(lang, 'alert.break_during_work', { agent: who });
    case 'attendance':
      return translate(lang, 'alert.attendance', { agent: who, value: agent ? attendanceLabel(lang, agent.attendance) : '' });
    case 'sl_at_risk':
      return translate(lang, 'alert.sl_at_risk', { queue, min: String(alert.inMin ?? 15), value: fmt.pct(value) });
  }
}
