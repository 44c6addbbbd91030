import { Router } from 'express';
import { z } from 'zod';
import { fieldIssues } from '../../shared/errors.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { DASHBOARD_ROLES } from '../auth/principal.ts';
import type { FloorService } from '../floor/floor-service.ts';
import { scopeSnapshot } from '../realtime/scope-filter.ts';
import { validationFailed } from './api-error.ts';
import { requireRole } from './middleware.ts';

export const IntradayQuerySchema = z.object({
  interval: z.enum(['15', '30', '60']).default('15').transform(Number),
  queueId: z.string().min(1).max(128).optional(),
});

/** Read API: the snapshot and the intraday series, limited to the caller's scope. */
export function readRoutes(auth: AuthService, floor: FloorService): Router {
  const r = Router();
  const dashboard = requireRole(auth, DASHBOARD_ROLES);
  r.get('/api/v1/snapshot', dashboard, (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(scopeSnapshot(floor.snapshot(), req.principal!.scope));
  });
  r.get('/api/v1/intraday', dashboard, (req, res) => {
    const q = IntradayQuerySchema.safeParse(req.query);
    if (!q.success) throw validationFailed(fieldIssues(q.error, ['query']));
    const allowed = req.principal!.scope.queues;
    if (q.data.queueId && allowed && !allowed.includes(q.data.queueId)) throw validationFailed([{ path: 'query.queueId', message: 'queue outside your scope' }]);
    // A caller limited to some queues never gets the all-queues series: one queue, named or implied.
    const queueId = q.data.queueId ?? (allowed?.length === 1 ? allowed[0]! : null);
    if (queueId === null && allowed !== null) throw validationFailed([{ path: 'query.queueId', message: `name one of your queues: ${allowed.join(', ')}` }]);
    res.setHeader('Cache-Control', 'no-store');
    res.json(floor.intraday(q.data.interval as 15 | 30 | 60, queueId));
  });
  return r;
}
