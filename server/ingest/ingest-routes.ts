import express, { Router } from 'express';
import type { AuthService } from '../auth/auth-service.ts';
import { requireRole } from '../http/middleware.ts';
import { eventsFromBody } from './body.ts';
import type { IngestService } from './ingest-service.ts';

export const INGEST_BODY_LIMIT = '10mb';

/** `POST /api/v1/events`: validate the whole batch, append it, answer 202 once it is in the log. */
export function ingestRoutes(auth: AuthService, ingest: IngestService): Router {
  const r = Router();
  r.post(
    '/api/v1/events',
    requireRole(auth, ['ingest']),
    express.json({ limit: INGEST_BODY_LIMIT, strict: false, type: 'application/json' }),
    express.text({ limit: INGEST_BODY_LIMIT, type: 'application/x-ndjson' }),
    async (req, res) => {
      const { items, indexed } = eventsFromBody(req);
      const result = await ingest.ingest(items, indexed);
      res.status(202).json(result);
    },
  );
  return r;
}
