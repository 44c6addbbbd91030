import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { openApiDocument } from './openapi.ts';
import { REFERENCE_HTML, REFERENCE_JS } from './reference-page.ts';

const version = (() => {
  try { return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0'; } catch { return '0.0.0'; }
})();

/**
 * `GET /api/v1/openapi.json` (OpenAPI 3.1, generated once from the zod schemas) and the
 * browsable reference `GET /api/docs` — plain HTML plus one same-origin script (the CSP allows
 * only script-src 'self'; nothing is loaded from elsewhere).
 */
export function openApiRoutes(): Router {
  const r = Router();
  const doc = JSON.stringify(openApiDocument(version));
  r.get('/api/v1/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/json').send(doc);
  });
  r.get('/api/docs', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(REFERENCE_HTML);
  });
  r.get('/api/docs/reference.js', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/javascript').send(REFERENCE_JS);
  });
  return r;
}
