import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { OpsMetrics } from './metrics.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id (`X-Request-Id`: the caller's when well-formed, else a new UUID). */
    requestId?: string;
    /** The app logger bound to this request's id. */
    log?: Logger;
  }
}

/** An incoming `X-Request-Id` we are willing to propagate (log-safe, bounded). */
const REQUEST_ID = /^[\w.:@/+-]{1,128}$/;
/** Paths logged at debug level only (probes, scrapes and static files would drown the log). */
const QUIET = /^\/(healthz|readyz|metrics|assets\/|favicon)/;

export interface HttpState { inFlight: number; draining: boolean }

/**
 * Request ids and one structured log line per answered request: id, method, path (never the query
 * string, which may hold a display token), status, duration, bytes, who (role and name). Bodies
 * are never logged, so caller numbers of `call.queued` cannot reach the log from here.
 * While draining (shutdown), answers carry `Connection: close`.
 */
export function requestLog(logger: Logger, metrics: OpsMetrics | null, state: HttpState): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    const id = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.requestId = id;
    req.log = logger.child({ reqId: id });
    res.setHeader('X-Request-Id', id);
    if (state.draining) res.setHeader('Connection', 'close');
    const t0 = performance.now();
    state.inFlight++;
    res.once('close', () => { state.inFlight--; });
    res.once('finish', () => {
      const ms = performance.now() - t0;
      const status = res.statusCode;
      metrics?.httpRequests.labels(req.method, `${Math.floor(status / 100)}xx`).inc();
      metrics?.httpSeconds.labels(req.method).observe(ms / 1000);
      const path = (req.originalUrl.split('?')[0] ?? '').slice(0, 200);
      const line = {
        reqId: id, method: req.method, path, status, ms: Math.round(ms * 10) / 10,
        bytes: Number(res.getHeader('content-length') ?? 0) || undefined,
        ...(req.principal ? { role: req.principal.role, principal: req.principal.name } : {}),
      };
      if (status >= 500) logger.error(line, 'request failed');
      else if (QUIET.test(path) && status < 400) logger.debug(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  };
}
