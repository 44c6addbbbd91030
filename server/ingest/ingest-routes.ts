import type { ServerResponse } from 'node:http';
import express, { Router } from 'express';
import type { AuthService } from '../auth/auth-service.ts';
import { requireSignatureIfConfigured, signatureVerifier } from '../auth/ingest-signature.ts';
import { requireRole } from '../http/middleware.ts';
import { createAsteriskRouter, type AsteriskRouterOptions } from './asterisk/router.ts';
import { ingestSourceOf } from '../ops/ingest-stats.ts';
import { eventsFromBody } from './body.ts';
import type { IngestService } from './ingest-service.ts';
import { ASTERISK_QUEUE_LOG_PATH, INGEST_EVENTS_PATH } from './paths.ts';

/** Largest ingest body (10 MB), declared or chunked. */
export const INGEST_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** A JSON answer written on the bare response (extra headers first; an ETag when `etag` gives one). */
export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, etag?: (text: string) => string | undefined): void {
  const text = JSON.stringify(body);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(text)));
  const tag = etag?.(text);
  if (tag) res.setHeader('ETag', tag);
  res.end(text);
}

/**
 * The 202 answer of an ingest request, with no ETag: nobody caches the answer to a POST, and
 * hashing every answer cost as much CPU as validating its event. Shared by both ingest paths.
 */
export const answerAccepted = (res: ServerResponse, result: unknown): void => writeJson(res, 202, result);

/**
 * `POST /api/v1/events`: validate the whole batch, append it, answer 202 once it is in the log.
 * Plain utf-8 JSON and NDJSON requests are answered before express by `leanIngestHandler` (same
 * contract); this route answers the others (compressed bodies, other charsets, no body, ...).
 */
export function ingestRoutes(auth: AuthService, ingest: IngestService, clock: () => number = Date.now, asterisk: Omit<AsteriskRouterOptions, 'ingest'> = {}): Router {
  const r = Router();
  // Keys created with requireSignature must sign the raw body (server/auth/ingest-signature.ts).
  const verify = signatureVerifier(auth, clock);
  // Asterisk queue_log lines (server/ingest/asterisk/, docs/asterisk.md), behind the same key (and signature) check.
  r.post(ASTERISK_QUEUE_LOG_PATH, requireRole(auth, ['ingest']));
  r.use(createAsteriskRouter({ ingest, verify, ...asterisk }));
  r.post(
    INGEST_EVENTS_PATH,
    requireRole(auth, ['ingest']),
    express.json({ limit: INGEST_BODY_LIMIT_BYTES, strict: false, type: 'application/json', verify }),
    express.text({ limit: INGEST_BODY_LIMIT_BYTES, type: 'application/x-ndjson', verify }),
    requireSignatureIfConfigured(auth, clock),
    async (req, res) => {
      const { items, indexed } = eventsFromBody(req);
      const result = await ingest.ingest(items, indexed, ingestSourceOf(req, req.path));
      answerAccepted(res, result);
    },
  );
  return r;
}
