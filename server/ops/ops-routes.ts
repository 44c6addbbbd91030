import { timingSafeEqual } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AuthService } from '../auth/auth-service.ts';
import { ApiError } from '../http/api-error.ts';
import { credentialOf, requireRole } from '../http/middleware.ts';
import type { DataQualityTracker } from './data-quality.ts';
import type { OpsMetrics } from './metrics.ts';

/** Roles that see the data-quality panel (operations data: not team leads' or TV screens'). */
export const DATA_QUALITY_ROLES = ['admin', 'supervisor'] as const;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * `GET /metrics` (Prometheus text format): open when `METRICS_TOKEN` is unset (scrape it on the
 * internal network only); with it set, `Authorization: Bearer <METRICS_TOKEN>` or an admin's
 * credentials. `GET /api/v1/data-quality` (admin, supervisor).
 */
export function opsRoutes(auth: AuthService, metrics: OpsMetrics, tracker: DataQualityTracker, opts: { metricsToken?: string | undefined }): Router {
  const r = Router();
  const admin = requireRole(auth, ['admin']);
  r.get('/metrics', (req: Request, res: Response, next: NextFunction) => {
    const token = opts.metricsToken;
    if (token === undefined) return next();
    const secret = credentialOf(req);
    if (secret !== null && sameSecret(secret, token)) return next();
    if (secret === null) return next(new ApiError(401, 'unauthorized', 'missing or invalid credentials'));
    void admin(req, res, next);
  }, async (_req, res) => {
    const { contentType, body } = await metrics.render();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  });
  r.get('/api/v1/data-quality', requireRole(auth, DATA_QUALITY_ROLES), (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(tracker.report());
  });
  return r;
}
