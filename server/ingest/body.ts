import type { Request } from 'express';
import { ApiError, validationFailed } from '../http/api-error.ts';

/**
 * The events of an ingest request: one JSON object, a JSON array, or NDJSON (one per line).
 * `indexed` tells whether field paths start with the item's index.
 */
export function eventsFromBody(req: Request): { items: unknown[]; indexed: boolean } {
  if (req.is('application/x-ndjson')) {
    if (typeof req.body !== 'string') throw validationFailed([{ path: '(body)', message: 'empty body' }]);
    const items: unknown[] = [];
    const issues: { path: string; message: string }[] = [];
    req.body.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try { items.push(JSON.parse(line)); } catch { issues.push({ path: `[${items.length}]`, message: `line ${i + 1}: malformed JSON` }); items.push(undefined); }
    });
    if (issues.length > 0) throw validationFailed(issues, 'malformed NDJSON; nothing was applied');
    if (items.length === 0) throw validationFailed([{ path: '(body)', message: 'no events' }]);
    return { items, indexed: true };
  }
  if (!req.is('application/json')) throw new ApiError(415, 'unsupported_media_type', 'send application/json or application/x-ndjson');
  const body: unknown = req.body;
  if (Array.isArray(body)) {
    if (body.length === 0) throw validationFailed([{ path: '(body)', message: 'a batch needs at least one event' }]);
    if (body.length > 50_000) throw validationFailed([{ path: '(body)', message: 'at most 50,000 events per request' }]);
    return { items: body, indexed: true };
  }
  if (body === null || typeof body !== 'object') throw validationFailed([{ path: '(body)', message: 'expected an event object, an array of events, or NDJSON' }]);
  return { items: [body], indexed: false };
}
