import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error.ts';
import type { Principal } from './principal.ts';
import { assertCanEditBreakPlan, assertCanEditRoster, canEditBreakPlan, canEditRoster, canReadTeam, inQueueScope, requireTeamAccess } from './scope-guard.ts';

const who = (role: Principal['role'], teams: string[] | null, queues: string[] | null = null): Principal => ({ role, name: role, scope: { teams, queues }, credential: 'x' });
const admin = who('admin', null);
const sup = who('supervisor', null);
const supT2 = who('supervisor', ['t2'], ['q2']);
const leadT1 = who('teamlead', ['t1']);
const display = who('display', ['t1']);
const ingest = who('ingest', null);

describe('scope guard', () => {
  it('break plans: admin all, supervisor in scope, team lead own team only, never display or ingest', () => {
    const table = [admin, sup, supT2, leadT1, display, ingest].map((p) => [p.role, p.scope.teams?.join() ?? '*', canEditBreakPlan(p, 't1'), canEditBreakPlan(p, 't2')]);
    expect(table).toEqual([
      ['admin', '*', true, true],
      ['supervisor', '*', true, true],
      ['supervisor', 't2', false, true],
      ['teamlead', 't1', true, false],
      ['display', 't1', false, false],
      ['ingest', '*', false, false],
    ]);
    expect(canEditBreakPlan(who('teamlead', null), 't1')).toBe(false); // a team lead never has "all teams"
    expect(() => assertCanEditBreakPlan(leadT1, 't2')).toThrow(ApiError);
  });

  it('reads and rosters', () => {
    expect([admin, sup, supT2, leadT1, display, ingest].map((p) => canReadTeam(p, 't1'))).toEqual([true, true, false, true, true, false]);
    expect(canEditRoster(supT2, ['t2'])).toBe(true);
    expect(canEditRoster(supT2, ['t2', 't1'])).toBe(false);
    expect(canEditRoster(leadT1, ['t1'])).toBe(false);
    expect(() => assertCanEditRoster(supT2, ['t2', 't1'])).toThrow(/team t1 is outside your scope/);
    expect(inQueueScope(supT2, 'q1')).toBe(false);
    expect(inQueueScope(supT2, 'q2')).toBe(true);
  });

  it('requireTeamAccess middleware answers 403 for a team outside the rule', () => {
    const run = (p: Principal | undefined, teamId: string, mode: 'read' | 'edit-break-plan') => {
      let result: unknown = 'not called';
      requireTeamAccess('teamId', mode)({ principal: p, params: { teamId } } as unknown as Request, {} as Response, (err?: unknown) => { result = err; });
      return result instanceof ApiError ? result.status : result;
    };
    expect(run(leadT1, 't1', 'edit-break-plan')).toBeUndefined();
    expect(run(leadT1, 't2', 'edit-break-plan')).toBe(403);
    expect(run(supT2, 't1', 'read')).toBe(403);
    expect(run(undefined, 't1', 'read')).toBe(401);
  });
});
