import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { fieldIssues } from '../../shared/errors.ts';
import { IdSchema } from '../../shared/ids.ts';
import { DateSchema } from '../../shared/roster.ts';
import { auditSource } from '../auth/audit-log.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { ApiError, validationFailed } from '../http/api-error.ts';
import { requireRole } from '../http/middleware.ts';
import { checkTeamScope, type WorkforceService } from './workforce-service.ts';

/** Rosters can be large (one entry per agent): 5 MB. */
const rosterJson = express.json({ limit: '5mb', type: 'application/json' });
const planJson = express.json({ limit: '1mb', type: 'application/json' });

export const DateQuerySchema = z.strictObject({ date: DateSchema.optional() });
export const SendNextSchema = z.strictObject({ agentId: IdSchema.optional(), force: z.boolean().optional() });
export const HoldSchema = z.strictObject({ minutes: z.number().int().min(5, 'at least 5 minutes').max(120, 'at most 120 minutes').default(15) });

function jsonBody(req: Request): unknown {
  if (!req.is('application/json')) throw new ApiError(415, 'unsupported_media_type', 'send Content-Type: application/json');
  return req.body;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, prefix: string[] = []): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw validationFailed(fieldIssues(r.error, prefix));
  return r.data;
}

function teamParam(req: Request): string {
  return parse(IdSchema, req.params.teamId, ['params', 'teamId']);
}

/**
 * Rosters (SPEC §4 `PUT/GET /api/v1/roster`) and team break rotations (`GET/PUT
 * /api/v1/teams/:teamId/break-plan`, its projection `POST …/preview`, and the team lead's
 * controls `POST …/send-next` and `POST …/hold`).
 */
export function workforceRoutes(auth: AuthService, wf: WorkforceService): Router {
  const r = Router();
  const editors = requireRole(auth, ['admin', 'supervisor']);
  const readers = requireRole(auth, ['admin', 'supervisor', 'teamlead']);

  r.put('/api/v1/roster', editors, rosterJson, async (req, res) => {
    const p = req.principal!;
    const doc = await wf.putRoster(jsonBody(req), auditSource(req), p.role === 'admin' ? null : p.scope.teams);
    res.json({ date: doc.date, entries: doc.entries.length, updatedAt: doc.updatedAt, updatedBy: doc.updatedBy });
  });

  r.get('/api/v1/roster', readers, async (req, res) => {
    const q = parse(DateQuerySchema, req.query, ['query']);
    const date = q.date ?? wf.today();
    const doc = await wf.getRoster(date);
    if (!doc) throw new ApiError(404, 'not_found', `no roster for ${date}`);
    const teams = req.principal!.role === 'admin' ? null : req.principal!.scope.teams;
    res.setHeader('Cache-Control', 'no-store');
    res.json(teams === null ? doc : { ...doc, entries: doc.entries.filter((e) => teams.includes(e.teamId)) });
  });

  r.get('/api/v1/teams/:teamId/break-plan', readers, async (req, res) => {
    const teamId = teamParam(req);
    checkTeamScope(req.principal!, teamId, false);
    const q = parse(DateQuerySchema, req.query, ['query']);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await wf.getPlan(teamId, q.date ?? wf.today()));
  });

  r.put('/api/v1/teams/:teamId/break-plan', readers, planJson, async (req, res) => {
    const teamId = teamParam(req);
    checkTeamScope(req.principal!, teamId, true);
    res.json(await wf.putPlan(teamId, jsonBody(req), auditSource(req)));
  });

  r.post('/api/v1/teams/:teamId/break-plan/preview', readers, planJson, async (req, res) => {
    const teamId = teamParam(req);
    checkTeamScope(req.principal!, teamId, false);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await wf.preview(teamId, jsonBody(req)));
  });

  r.post('/api/v1/teams/:teamId/break-plan/send-next', readers, planJson, async (req, res) => {
    const teamId = teamParam(req);
    checkTeamScope(req.principal!, teamId, true);
    const body = parse(SendNextSchema, jsonBody(req) ?? {});
    res.json(await wf.sendNextBreak(teamId, body, auditSource(req)));
  });

  r.post('/api/v1/teams/:teamId/break-plan/hold', readers, planJson, async (req, res) => {
    const teamId = teamParam(req);
    checkTeamScope(req.principal!, teamId, true);
    const body = parse(HoldSchema, jsonBody(req) ?? {});
    res.json(await wf.holdBreaks(teamId, body.minutes, auditSource(req)));
  });
  return r;
}
