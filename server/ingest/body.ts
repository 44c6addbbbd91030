import type { Request } from 'express';
import { ApiError, validationFailed } from '../http/api-error.ts';

/** The events of an ingest request; `indexed` tells whether field paths start with the item's index. */
export interface IngestItems { items: unknown[]; indexed: boolean }

/** The events of an express ingest request: one JSON object, a JSON array, or NDJSON (one per line). */
export function eventsFromBody(req: Request): IngestItems {
  if (req.is('application/x-ndjson')) return ndjsonEvents(req.body);
  if (!req.is('application/json')) throw new ApiError(415, 'unsupported_media_type', 'send application/json or application/x-ndjson');
  return jsonEvents(req.body);
}

/** NDJSON text: one event per non-blank line; every malformed line is named (nothing is applied). */
export function ndjsonEvents(text: unknown): IngestItems {
  if (typeof text !== 'string') throw validationFailed([{ path: '(body)', message: 'empty body' }]);
  const items: unknown[] = [];
  const issues: { path: string; message: string }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try { items.push(JSON.parse(line)); } catch { issues.push({ path: `[${items.length}]`, message: `line ${i + 1}: malformed JSON` }); items.push(undefined); }
  });
  if (issues.length > 0) throw validationFailed(issues, 'malformed NDJSON; nothing was applied');
  if (items.length === 0) throw validationFailed([{ path: '(body)', message: 'no events' }]);
  return { items, indexed: true };
}

/** A parsed JSON body: one event object or a non-empty array of at most 50,000. */
export function jsonEvents(body: unknown): IngestItems {
  if (Array.isArray(body)) {
    if (body.length === 0) throw validationFailed([{ path: '(body)', message: 'a batch needs at least one event' }]);
    if (body.length > 50_000) throw validationFailed([{ path: '(body)', message: 'at most 50,000 events per request' }]);
    return { items: body, indexed: true };
  }
  if (body === null || typeof body !== 'object') throw validationFailed([{ path: '(body)', message: 'expected an event object, an array of events, or NDJSON' }]);
  return { items: [body], indexed: false };
}
