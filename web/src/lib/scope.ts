import type { QueueStats, Snapshot } from '../../../shared/snapshot.ts';

export type ScopeKind = 'all' | 'queue' | 'team';

/**
 * The part of the floor a screen is limited to (`?scope=`): a queue id shows that queue (its
 * figures become the totals); anything else is taken as a team id and shows that team's agents.
 * Queue alerts stay visible to a team screen, since the team answers those queues.
 */
export function scopeOf(snapshot: Snapshot, scope: string | null): ScopeKind {
  if (scope === null) return 'all';
  return snapshot.queues.some((q) => q.id === scope) ? 'queue' : 'team';
}

export function applyScope(snapshot: Snapshot, scope: string | null): Snapshot {
  const kind = scopeOf(snapshot, scope);
  if (kind === 'all' || scope === null) return snapshot;
  if (kind === 'queue') {
    const queue = snapshot.queues.find((q) => q.id === scope);
    if (!queue) return snapshot;
    const { id: _id, severity: _severity, ...stats } = queue;
    const totals: QueueStats = stats;
    return {
      ...snapshot,
      totals,
      queues: [queue],
      alerts: snapshot.alerts.filter((a) => a.queueId === undefined || a.queueId === scope),
    };
  }
  const agents = snapshot.agents.filter((a) => a.teamId === scope);
  const ids = new Set(agents.map((a) => a.id));
  return {
    ...snapshot,
    agents,
    teams: snapshot.teams.filter((t) => t.id === scope),
    alerts: snapshot.alerts.filter((a) => (a.agentId !== undefined ? ids.has(a.agentId) : a.teamId !== undefined ? a.teamId === scope : true)),
  };
}
