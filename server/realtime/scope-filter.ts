import type { Delta } from '../../shared/delta.ts';
import type { Alert, QueueStats, Snapshot } from '../../shared/snapshot.ts';
import type { Scope } from '../auth/principal.ts';
import { totalsOf } from '../engine/project.ts';

const inList = (list: string[] | null, id: string | undefined) => list === null || (id !== undefined && list.includes(id));

function alertVisible(a: Pick<Alert, 'teamId' | 'queueId'>, scope: Scope): boolean {
  if (a.queueId !== undefined) return inList(scope.queues, a.queueId);
  return inList(scope.teams, a.teamId);
}

/** The part of a snapshot a scope may see. When queues are limited, totals cover only those queues. */
export function scopeSnapshot(s: Snapshot, scope: Scope): Snapshot {
  if (scope.teams === null && scope.queues === null) return s;
  const queues = s.queues.filter((q) => inList(scope.queues, q.id));
  return {
    ...s,
    totals: scope.queues === null ? s.totals : totalsOf(queues),
    queues,
    agents: s.agents.filter((a) => inList(scope.teams, a.teamId)),
    teams: s.teams.filter((t) => inList(scope.teams, t.id)),
    alerts: s.alerts.filter((a) => alertVisible(a, scope)),
  };
}

export interface ScopeLookups {
  /** Team of an agent whose patch does not carry it. */
  teamOf: (agentId: string) => string | undefined;
  /** Totals over the scope's queues. */
  totalsFor: (queueIds: string[]) => QueueStats;
}

/** The part of a delta a scope may see. */
export function scopeDelta(d: Delta, scope: Scope, lookups: ScopeLookups): Omit<Delta, 'seq'> | null {
  if (scope.teams === null && scope.queues === null) return d;
  const out: Omit<Delta, 'seq'> = { asOf: d.asOf, ...(d.today ? { today: d.today } : {}), ...(d.center ? { center: d.center } : {}), ...(d.floor ? { floor: d.floor } : {}) };
  const queues = d.queues?.upsert?.filter((q) => inList(scope.queues, q.id));
  if (queues?.length) out.queues = { upsert: queues };
  if (scope.queues === null) { if (d.totals) out.totals = d.totals; } else if (queues?.length) out.totals = lookups.totalsFor(scope.queues);
  const agents = d.agents?.upsert?.filter((a) => inList(scope.teams, a.teamId ?? lookups.teamOf(a.id)));
  if (agents?.length) out.agents = { upsert: agents };
  const teams = d.teams?.upsert?.filter((t) => inList(scope.teams, t.id));
  if (teams?.length) out.teams = { upsert: teams };
  const alertUps = d.alerts?.upsert?.filter((a) => alertVisible({ teamId: a.teamId, queueId: a.queueId }, scope));
  // Removals name only ids; sending an unknown id is harmless, so they pass through.
  const alertRemoves = d.alerts?.remove;
  if (alertUps?.length || alertRemoves?.length) out.alerts = { ...(alertUps?.length ? { upsert: alertUps } : {}), ...(alertRemoves?.length ? { remove: alertRemoves } : {}) };
  const hasRows = out.queues || out.agents || out.teams || out.alerts || out.totals || out.floor || out.today || out.center;
  return hasRows ? out : null;
}
