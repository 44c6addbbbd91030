import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.ts';
import type { OpsMetrics } from './metrics.ts';

/** An incoming `X-Request-Id` we are willing to propagate (log-safe, bounded). */
const REQUEST_ID = /^[\w.:@/+-]{1,128}$/;
/** Paths logged at debug level only (probes, scrapes and static files would drown the log). */
const QUIET = /^\/(healthz|readyz|metrics|assets\/|favicon)/;

export interface HttpState { inFlight: number; draining: boolean }

/** Starts the bookkeeping of one request (the express app and the lean ingest handler both call it first). */
export type RequestTracker = (req: IncomingMessage & { principal?: Principal }, res: ServerResponse) => void;

/**
 * Request ids and one structured log line per answered request: id, method, path (never the query
 * string, which may hold a display token), status, duration, bytes, who (role and name). Bodies
 * are never logged, so caller numbers of `call.queued` cannot reach the log from here.
 * While draining (shutdown), answers carry `Connection: close`.
 */
export function requestTracker(logger: Logger, metrics: OpsMetrics | null, state: HttpState): RequestTracker {
  // The labelled series, looked up once per label set (prom-client builds a key string per lookup);
  // node's HTTP parser knows a fixed set of methods, so these stay small.
  const counts = new Map<string, { inc(): void }>();
  const durations = new Map<string, { observe(v: number): void }>();
  const counter = (method: string, cls: string) => {
    const key = `${method} ${cls}`;
    let c = counts.get(key);
    if (!c && metrics) { c = metrics.httpRequests.labels(method, cls); counts.set(key, c); }
    return c;
  };
  const histogram = (method: string) => {
    let h = durations.get(method);
    if (!h && metrics) { h = metrics.httpSeconds.labels(method); durations.set(method, h); }
    return h;
  };
  return (req, res) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    if (state.draining) res.setHeader('Connection', 'close');
    const url = req.url ?? ''; // before any router rewrites it
    const t0 = performance.now();
    state.inFlight++;
    res.once('close', () => { state.inFlight--; });
    res.once('finish', () => {
      const ms = performance.now() - t0;
      const status = res.statusCode;
      const method = req.method ?? '';
      counter(method, `${Math.floor(status / 100)}xx`)?.inc();
      histogram(method)?.observe(ms / 1000);
      const path = (url.split('?')[0] ?? '').slice(0, 200);
      const level = status >= 500 ? 'error' : QUIET.test(path) && status < 400 ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const line = {
        reqId: id, method, path, status, ms: Math.round(ms * 10) / 10,
        bytes: Number(res.getHeader('content-length') ?? 0) || undefined,
        ...(req.principal ? { role: req.principal.role, principal: req.principal.name } : {}),
      };
      logger[level](line, status >= 500 ? 'request failed' : 'request');
    });
  };
}

/** The tracker as the express app's first middleware. */
export function requestLog(track: RequestTracker): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    track(req, res);
    next();
  };
}
