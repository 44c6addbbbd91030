import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../test-support/http-client.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import { registeredRoutes } from './express-routes.ts';
import { openApiPath } from './openapi.ts';
import { WEB_PAGE } from './operations.ts';

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t.close(); });

  it('the served document is valid OpenAPI 3.1', async () => {
    const r = await api(t.url, 'GET', '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(r.body));
    expect(result.valid, JSON.stringify(result)).toBe(true);
    // The validator does catch a broken document (the check is not vacuous).
    const broken = structuredClone(r.body);
    broken.paths['/api/v1/snapshot'].get.responses = 'none';
    expect((await validate(broken)).valid).toBe(false);
  });

  it('documents exactly the routes express has registered (pages of the web app aside)', async () => {
    const doc = (await api(t.url, 'GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    const registered = new Set(registeredRoutes(t.app.express).filter((r) => !WEB_PAGE(r.path)).map((r) => `${r.method} ${openApiPath(r.path)}`));
    const missing = [...registered].filter((r) => !documented.has(r));
    const stale = [...documented].filter((r) => !registered.has(r));
    expect(missing, 'routes without a row in server/openapi/operations.ts').toEqual([]);
    expect(stale, 'rows in server/openapi/operations.ts without a route').toEqual([]);
    expect(registered.size).toBeGreaterThan(30);
  });

  it('request and response schemas come from the shared zod schemas', async () => {
    const doc = (await api(t.url, 'GET', '/api/v1/openapi.json')).body;
    const ingest = doc.paths['/api/v1/events'].post.requestBody.content['application/json'].schema;
    const types = JSON.stringify(ingest).match(/"const":"([a-z.]+)"/g);
    expect(types).toEqual(expect.arrayContaining(['"const":"call.queued"', '"const":"agent.state"']));
    expect(doc.paths['/api/v1/snapshot'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Snapshot' });
    expect(Object.keys(doc.components.schemas.Snapshot.properties)).toEqual(expect.arrayContaining(['totals', 'queues', 'agents', 'teams', 'floor', 'alerts']));
    const shiftParams = doc.paths['/api/v1/reports/shift'].get.parameters.map((p: { name: string }) => p.name);
    expect(shiftParams).toEqual(['date', 'shift', 'format', 'lang']);
  });

  it('serves a self-contained reference page under the strict CSP', async () => {
    const page = await api(t.url, 'GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const scripts = [...page.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toContain('src="/api/docs/reference.js"');
    expect(scripts[0]![2]).toBe('');
    expect(page.text).not.toMatch(/https?:\/\//);
    const js = await api(t.url, 'GET', '/api/docs/reference.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.text).toContain("fetch('/api/v1/openapi.json')");
    expect(js.text).not.toMatch(/https?:\/\//);
  });
});
