import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../http/api-error.ts';
/** What the checks need of a principal (a Principal, or any object with a role and a scope). */
export interface Caller { role: string; scope: { teams: string[] | null; queues?: string[] | null } }

/** True when the principal's scope covers team `teamId` (null teams = every team). */
export function inTeamScope(p: Caller, teamId: string): boolean {
  return p.role === 'admin' || p.scope.teams === null || p.scope.teams.includes(teamId);
}

/** True when the principal's scope covers queue `queueId`. */
export function inQueueScope(p: Caller, queueId: string): boolean {
  return p.role === 'admin' || p.scope.queues == null || p.scope.queues.includes(queueId);
}

/** May `p` read team `teamId`'s break plan / roster? Admins always; supervisors, team leads and displays within their scope. */
export function canReadTeam(p: Caller, teamId: string): boolean {
  if (p.role === 'ingest') return false;
  if (p.role === 'teamlead') return p.scope.teams !== null && p.scope.teams.includes(teamId);
  return inTeamScope(p, teamId);
}

/**
 * May `p` change team `teamId`'s break plan? SPEC §5: admin everything; supervisor within their scope;
 * team lead their own team only (a team lead's scope lists their teams; a team lead never has the whole floor).
 */
export function canEditBreakPlan(p: Caller, teamId: string): boolean {
  if (p.role === 'admin') return true;
  if (p.role === 'supervisor') return inTeamScope(p, teamId);
  if (p.role === 'teamlead') return p.scope.teams !== null && p.scope.teams.includes(teamId);
  return false;
}

/** May `p` change the roster of these teams? Admin; supervisor when every team is in scope. */
export function canEditRoster(p: Caller, teamIds: Iterable<string>): boolean {
  if (p.role === 'admin') return true;
  if (p.role !== 'supervisor') return false;
  for (const t of teamIds) if (!inTeamScope(p, t)) return false;
  return true;
}

const forbidden = (what: string) => new ApiError(403, 'forbidden', what);

/** Throws 403 unless `p` may edit the break plan of `teamId`. */
export function assertCanEditBreakPlan(p: Caller | undefined, teamId: string): void {
  if (!p || !canEditBreakPlan(p, teamId)) throw forbidden(`you may not change the break plan of team ${teamId}`);
}

/** Throws 403 naming the first team outside the supervisor's scope. */
export function assertCanEditRoster(p: Caller | undefined, teamIds: Iterable<string>): void {
  if (!p) throw forbidden('not signed in');
  if (canEditRoster(p, teamIds)) return;
  const outside = [...teamIds].find((t) => !inTeamScope(p, t));
  throw forbidden(outside ? `team ${outside} is outside your scope` : `role ${p.role} may not change rosters`);
}

/**
 * Express middleware after `requireRole`: the team named by route parameter `param` must be in the
 * caller's scope — for `mode: 'edit-break-plan'` by the break-plan rule (team lead: own team only),
 * for `mode: 'read'` by the read rule. 403 otherwise.
 *
 *   r.put('/api/v1/teams/:teamId/break-plan', requireRole(auth, ['admin','supervisor','teamlead']), requireTeamAccess('teamId', 'edit-break-plan'), handler)
 */
export function requireTeamAccess(param = 'teamId', mode: 'read' | 'edit-break-plan' = 'read') {
  return (req: Request, _res: Response, next: NextFunction) => {
    const p = req.principal;
    const raw = req.params[param];
    const teamId = typeof raw === 'string' ? raw : '';
    if (!p) return next(new ApiError(401, 'unauthorized', 'missing or invalid credentials'));
    const ok = mode === 'read' ? canReadTeam(p, teamId) : canEditBreakPlan(p, teamId);
    next(ok ? undefined : forbidden(mode === 'read' ? `team ${teamId} is outside your scope` : `you may not change the break plan of team ${teamId}`));
  };
}
