import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ErrorBodySchema } from '../../shared/errors.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { signatureVerifier } from '../auth/ingest-signature.ts';
import type { Principal } from '../auth/principal.ts';
import { authorize, errorAnswer } from '../http/middleware.ts';
import { crossOriginRefusal, type SecurityHeaders } from '../http/security.ts';
import type { DataQualityTracker } from '../ops/data-quality.ts';
import { countIngestAnswer, ingestSourceOf } from '../ops/ingest-stats.ts';
import type { RequestTracker } from '../ops/request-log.ts';
import { jsonEvents, ndjsonEvents } from './body.ts';
import type { IngestService } from './ingest-service.ts';
import { answerAccepted, INGEST_BODY_LIMIT_BYTES, writeJson } from './ingest-routes.ts';
import { INGEST_EVENTS_PATH } from './paths.ts';

export interface LeanIngestDeps {
  auth: AuthService;
  ingest: IngestService;
  quality: DataQualityTracker;
  track: RequestTracker;
  securityHeaders: SecurityHeaders;
  allowedOrigins: readonly string[];
  /** The express app's ETag function (`app.get('etag fn')`), so error answers carry the same ETag. */
  etag: (body: string) => string | undefined;
  clock: () => number;
  logger: Logger;
}

type IngestRequest = IncomingMessage & { principal?: Principal };

/**
 * The media types this handler reads itself (utf-8 JSON or NDJSON); any other type, charset or a
 * Content-Encoding goes to the express route, which answers those (415, inflating gzip, ...).
 */
const PLAIN_MEDIA = /^application\/(json|x-ndjson)(?:; ?charset=utf-8)?$/i;

/**
 * `POST /api/v1/events` without express, for the common case (a plain utf-8 JSON or NDJSON body):
 * express's router, request and response decoration and body-parser stack cost more CPU than the
 * ingest itself for a one-event request. Call it first in the server's 'request' listener; it
 * answers false for any request it does not take, which then goes to the express app. It keeps
 * the express route's contract: the same checks in the same order (origin, key, body size,
 * signature, JSON, validation, store), the same answers and headers, request log, metrics and
 * data-quality counts — through the same functions.
 */
export function leanIngestHandler(deps: LeanIngestDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const verifySignature = signatureVerifier(deps.auth, deps.clock);

  /** Answers `err` as the express app's error handler does; `counted` also counts it in data quality once sent (as `ingestStats` does). */
  const fail = (req: IngestRequest, res: ServerResponse, err: unknown, counted: boolean) => {
    const { status, body, headers } = errorAnswer(err, deps.logger, INGEST_EVENTS_PATH);
    const checked = ErrorBodySchema.parse(body);
    if (counted) res.once('finish', () => countIngestAnswer(deps.quality, ingestSourceOf(req, INGEST_EVENTS_PATH), status, checked));
    writeJson(res, status, checked, headers, deps.etag);
  };

  // Refusals from here on count in data quality (in express, what comes after `ingestStats`).
  const ingest = async (req: IngestRequest, res: ServerResponse, ndjson: boolean) => {
    try {
      req.principal = await authorize(deps.auth, ['ingest'], req);
      const raw = await readBody(req, INGEST_BODY_LIMIT_BYTES);
      verifySignature(req, res, raw);
      const text = utf8(raw);
      const { items, indexed } = ndjson ? ndjsonEvents(text) : jsonEvents(parseJson(text));
      answerAccepted(res, await deps.ingest.ingest(items, indexed, ingestSourceOf(req, INGEST_EVENTS_PATH)));
    } catch (err) {
      fail(req, res, err, true);
    }
  };

  return (req, res) => {
    const media = takes(req);
    if (media === null) return false;
    deps.track(req, res);
    deps.securityHeaders(req, res, (err) => {
      if (err) fail(req, res, err, false);
      else {
        const refusal = crossOriginRefusal(req, deps.allowedOrigins);
        if (refusal) fail(req, res, refusal, false);
        else ingest(req, res, media === 'x-ndjson').catch((err: unknown) => {
          // Answering the error failed too: nothing sensible can be said; cut the answer short.
          deps.logger.error({ err, path: INGEST_EVENTS_PATH }, 'unhandled error');
          res.destroy();
        });
      }
    });
    return true;
  };
}

/** The subtype of a request this handler takes ('json' or 'x-ndjson'), or null: a plain POST with a body, by its headers only. */
function takes(req: IncomingMessage): 'json' | 'x-ndjson' | null {
  if (req.method !== 'POST') return null;
  const url = req.url ?? '';
  if (url !== INGEST_EVENTS_PATH && !url.startsWith(`${INGEST_EVENTS_PATH}?`)) return null;
  const h = req.headers;
  if (h['content-encoding'] !== undefined) return null;
  if (h['content-length'] === undefined && h['transfer-encoding'] === undefined) return null; // no body: express answers 415
  const media = PLAIN_MEDIA.exec(h['content-type'] ?? '');
  return media ? (media[1]!.toLowerCase() as 'json' | 'x-ndjson') : null;
}

/** An error shaped like body-parser's, so `errorAnswer` gives the express route's answer. */
const bodyError = (status: number, type: string) => Object.assign(new Error(type), { status, type });

/**
 * The raw body. Like body-parser, a body over `limit` bytes (declared or counted while chunked)
 * is read off to the end before it is refused with 413, so the client gets to read the answer.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let tooLarge = Number(req.headers['content-length']) > limit;
    let chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) { tooLarge = true; chunks = []; }
      if (!tooLarge) chunks.push(chunk);
    });
    req.once('end', () => {
      if (tooLarge) reject(bodyError(413, 'entity.too.large'));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once('error', () => reject(bodyError(400, 'request.aborted')));
  });
}

/** UTF-8 text without a leading byte-order mark (as body-parser's decoder gives it). */
function utf8(raw: Buffer): string {
  const text = raw.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** JSON as express.json({ strict: false }) reads it: an empty body is `{}`. */
function parseJson(text: string): unknown {
  if (text.length === 0) return {};
  try { return JSON.parse(text); } catch { throw bodyError(400, 'entity.parse.failed'); }
}
