import express, { Router, type Request } from 'express';
import { centerLimits } from '../../shared/center-config.ts';
import { fieldIssues } from '../../shared/errors.ts';
import { IdSchema } from '../../shared/ids.ts';
import { auditSource } from '../auth/audit-log.ts';
import { smallJson } from '../auth/auth-routes.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { DASHBOARD_ROLES } from '../auth/principal.ts';
import type { FloorService } from '../floor/floor-service.ts';
import { ApiError, validationFailed } from '../http/api-error.ts';
import { requireRole } from '../http/middleware.ts';
import type { CenterConfigService } from './center-config-service.ts';

function jsonBody(req: Request): unknown {
  if (!req.is('application/json')) throw new ApiError(415, 'unsupported_media_type', 'send Content-Type: application/json');
  return req.body;
}

function idParam(req: Request, name: string): string {
  const parsed = IdSchema.safeParse(req.params[name]);
  if (!parsed.success) throw validationFailed(fieldIssues(parsed.error, ['params', name]));
  return parsed.data;
}

/** A whole configuration (up to 500 queues and 500 teams) is larger than a form. */
const configJson = express.json({ limit: '1mb', type: 'application/json' });

const inList = (list: string[] | null, id: string) => list === null || list.includes(id);

/**
 * Center configuration (SPEC §4 "Configure"): team and queue display names, per-queue SL threshold
 * and target, and thresholds per queue / team with center-wide defaults.
 *   GET    /api/v1/config/center           dashboard roles (scoped: a scope sees its own teams/queues)
 *   PUT    /api/v1/config/center           admin: the whole configuration
 *   PUT    /api/v1/config/defaults         admin: center-wide SL settings and thresholds
 *   PUT    /api/v1/config/queues/:queueId  admin: one queue (name, slThresholdSec, slTarget, thresholds)
 *   DELETE /api/v1/config/queues/:queueId  admin
 *   PUT    /api/v1/config/teams/:teamId    admin: one team (name, thresholds)
 *   DELETE /api/v1/config/teams/:teamId    admin
 * Every change is audited (`center-config.*`).
 */
export function centerConfigRoutes(auth: AuthService, svc: CenterConfigService, floor: FloorService, env: { slThresholdSec: number; slTarget: number }): Router {
  const r = Router();
  const readers = requireRole(auth, DASHBOARD_ROLES);
  const admin = requireRole(auth, ['admin']);
  r.use('/api/v1/config', (_req, res, next) => { res.setHeader('Cache-Control', 'no-store'); next(); });

  r.get('/api/v1/config/center', readers, async (req, res) => {
    const doc = await svc.get();
    const { scope } = req.principal!;
    const engine = floor.engine;
    const known = {
      queues: [...engine.queueIds].filter((id) => inList(scope.queues, id)).sort(),
      teams: [...engine.teamIds].filter((id) => id !== 'unassigned' && inList(scope.teams, id)).sort(),
    };
    res.json({
      ...doc,
      queues: doc.queues.filter((q) => inList(scope.queues, q.id)),
      teams: doc.teams.filter((t) => inList(scope.teams, t.id)),
      /** What applies where nothing is configured: the environment's SL settings and SPEC §3's thresholds. */
      builtin: { slThresholdSec: env.slThresholdSec, slTarget: env.slTarget, thresholds: centerLimits(null) },
      /** Queues and teams the floor has seen (configured or not). */
      known,
    });
  });

  r.put('/api/v1/config/center', admin, configJson, async (req, res) => {
    res.json(await svc.put(jsonBody(req), auditSource(req)));
  });
  r.put('/api/v1/config/defaults', admin, smallJson, async (req, res) => {
    res.json(await svc.putDefaults(jsonBody(req), auditSource(req)));
  });
  r.put('/api/v1/config/queues/:queueId', admin, smallJson, async (req, res) => {
    res.json(await svc.putQueue(idParam(req, 'queueId'), jsonBody(req), auditSource(req)));
  });
  r.delete('/api/v1/config/queues/:queueId', admin, async (req, res) => {
    res.json(await svc.deleteQueue(idParam(req, 'queueId'), auditSource(req)));
  });
  r.put('/api/v1/config/teams/:teamId', admin, smallJson, async (req, res) => {
    res.json(await svc.putTeam(idParam(req, 'teamId'), jsonBody(req), auditSource(req)));
  });
  r.delete('/api/v1/config/teams/:teamId', admin, async (req, res) => {
    res.json(await svc.deleteTeam(idParam(req, 'teamId'), auditSource(req)));
  });
  return r;
}
