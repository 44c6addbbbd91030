import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorBodySchema } from '../../shared/errors.ts';
import type { Principal } from '../auth/principal.ts';
import { ASTERISK_QUEUE_LOG_PATH, INGEST_EVENTS_PATH } from '../ingest/paths.ts';
import type { DataQualityTracker } from './data-quality.ts';

const SOURCE_LABEL = /^[A-Za-z0-9][\w.-]{0,31}$/;
export const INGEST_PATHS = [INGEST_EVENTS_PATH, ASTERISK_QUEUE_LOG_PATH];

/**
 * The source an ingest request is counted under: `asterisk` for the queue_log adapter; else the
 * label the producer gives in `X-Floorboard-Source` (the simulator sends `simulator`); else the
 * name of its ingest key; `unauthenticated` before the key is known.
 */
export function ingestSourceOf(req: IncomingMessage & { principal?: Principal }, path: string): string {
  if (path === ASTERISK_QUEUE_LOG_PATH) return 'asterisk';
  const declared = req.headers['x-floorboard-source'];
  if (typeof declared === 'string' && SOURCE_LABEL.test(declared)) return declared;
  return req.principal?.name ?? 'unauthenticated';
}

/** Counts a refused ingest request (`status` ≥ 400, with its error body) or the rejected lines of an accepted queue_log. */
export function countIngestAnswer(tracker: DataQualityTracker, source: string, status: number, body: unknown): void {
  if (status >= 400) {
    const parsed = ErrorBodySchema.safeParse(body);
    const code = parsed.success ? parsed.data.error.code : `http_${status}`;
    const e = parsed.success ? parsed.data.error : null;
    const issues = e?.issues?.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ');
    tracker.rejection(source, code, e ? `${e.message}${issues ? ` — ${issues}` : ''}` : `HTTP ${status}`);
    return;
  }
  const rejected = (body as { rejected?: { line: number; reason: string }[] } | null)?.rejected;
  if (Array.isArray(rejected) && rejected.length > 0) {
    tracker.rejection(source, 'malformed_line', rejected.slice(0, 3).map((r) => `line ${r.line}: ${r.reason}`).join('; '), rejected.length);
  }
}

/**
 * Counts refused ingest requests (by error code, with what was wrong) and rejected queue_log
 * lines into the data-quality tracker. Accepted events are counted by the IngestService itself.
 */
export function ingestStats(tracker: DataQualityTracker): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || !INGEST_PATHS.includes(req.path)) return next();
    let body: unknown = null;
    const json = res.json.bind(res);
    res.json = (b: unknown) => { body = b; return json(b); };
    res.once('finish', () => countIngestAnswer(tracker, ingestSourceOf(req, req.path), res.statusCode, body));
    next();
  };
}
