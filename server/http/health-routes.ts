import { Router } from 'express';
import type { FloorService } from '../floor/floor-service.ts';
import type { EventLog } from '../store/event-log.ts';

/** `/healthz`: the process answers. `/readyz`: the log answers and this replica has caught up. */
export function healthRoutes(log: EventLog, floor: FloorService): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  r.get('/readyz', async (_req, res) => {
    const storeHealthy = log.healthy();
    // Caught up: folded everything the log held when asked (an unreachable store answers false).
    const caughtUp = storeHealthy ? await floor.caughtUp().catch(() => false) : false;
    const ready = storeHealthy && caughtUp && log.healthy();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', store: log.kind, storeHealthy: log.healthy(), caughtUp, position: floor.position });
  });
  return r;
}
