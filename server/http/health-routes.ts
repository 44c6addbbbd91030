import { Router } from 'express';
import type { FloorService } from '../floor/floor-service.ts';
import type { EventLog } from '../store/event-log.ts';

/** `/healthz`: the process answers. `/readyz`: the log answers and this replica has caught up. */
export function healthRoutes(log: EventLog, floor: FloorService): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  r.get('/readyz', (_req, res) => {
    const ready = log.healthy();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', store: log.kind, storeHealthy: log.healthy(), position: floor.position });
  });
  return r;
}
