import type { AgentRow, QueueRow, Snapshot, TeamRow } from '../../../shared/snapshot.ts';

/** Test data builders: complete, valid rows with only the fields a test cares about overridden. */
export const T0 = Date.UTC(2026, 10, 23, 2, 0, 0); // 10:00 in Asia/Shanghai

export function queueRow(over: Partial<QueueRow> = {}): QueueRow {
  return {
    id: 'sales',
    waiting: 0,
    longestWaitSec: 0,
    oldestQueuedAt: null,
    offered: 100,
    answered: 90,
    abandoned: 6,
    shortAbandoned: 2,
    timedOut: 2,
    answeredWithinSl: 72,
    serviceLevel: 0.735,
    abandonRate: 0.061,
    answerRate: 0.9,
    asaSec: 14.2,
    ahtSec: 245,
    handled: 88,
    transferred: 3,
    transferRate: 0.033,
    severity: { serviceLevel: 'amber', abandonRate: 'amber', longestWaitSec: 'ok' },
    ...over,
  };
}

export function agentRow(over: Partial<AgentRow> = {}): AgentRow {
  return {
    id: 'a1',
    name: 'Lily Xu',
    teamId: 't1',
    state: 'available',
    reason: null,
    stateSince: T0 - 60_000,
    figuresAt: T0,
    loggedInSec: 3600,
    handled: 14,
    success: 9,
    failure: 3,
    cph: 14,
    successRate: 0.75,
    grade: 'C',
    breakSec: 300,
    breakOverrun: false,
    overrunAt: null,
    currentCallQueueId: null,
    adherence: 0.95,
    conformance: 1,
    attendance: 'on_time',
    ...over,
  };
}

export function teamRow(over: Partial<TeamRow> = {}): TeamRow {
  return {
    id: 't1',
    agents: 2,
    scheduledNow: 2,
    loggedIn: 2,
    available: 1,
    ringing: 0,
    onCall: 1,
    wrapUp: 0,
    onBreak: 0,
    away: 0,
    handled: 20,
    cph: 10,
    successRate: 0.7,
    breakOverruns: 0,
    attendanceRate: 1,
    adherence: 0.93,
    ...over,
  };
}

export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  const queue = queueRow();
  const { id: _id, severity: _sev, ...totals } = queue;
  return {
    asOf: new Date(T0).toISOString(),
    seq: 1,
    center: { tz: 'Asia/Shanghai', today: '2026-11-23', slThresholdSec: 20, shortAbandonSec: 5, slTarget: 0.8 },
    totals,
    queues: [queue],
    agents: [agentRow(), agentRow({ id: 'a2', name: '冯敏', state: 'on_call', currentCallQueueId: 'sales' })],
    teams: [teamRow()],
    floor: { cphLastHour: 40, agentsLoggedIn: 2, agentsAvailable: 1, agentsOnCall: 1, agentsOnBreak: 0, adherence: 0.93 },
    alerts: [],
    ...over,
  };
}
