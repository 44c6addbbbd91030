import { z } from 'zod';
import { COMPONENTS, OPERATIONS, type Access, type Operation } from './operations.ts';

type Json = Record<string, unknown>;

const SECURITY: Record<Access, { security: Json[]; roles: string }> = {
  public: { security: [], roles: 'anyone' },
  ingest: { security: [{ bearer: [] }], roles: 'ingest key' },
  people: { security: [{ bearer: [] }, { session: [] }], roles: 'admin, supervisor, team lead' },
  dashboard: { security: [{ bearer: [] }, { session: [] }], roles: 'admin, supervisor, team lead, display token' },
  readers: { security: [{ bearer: [] }, { session: [] }], roles: 'admin, supervisor, team lead (within their scope)' },
  editors: { security: [{ bearer: [] }, { session: [] }], roles: 'admin, supervisor (within their scope)' },
  admin: { security: [{ bearer: [] }, { session: [] }], roles: 'admin' },
  ops: { security: [{ bearer: [] }, { session: [] }], roles: 'admin, supervisor' },
  metrics: { security: [{}, { bearer: [] }], roles: 'open unless METRICS_TOKEN is set (then that token, or an admin)' },
};

/** A zod schema as a JSON Schema 2020-12 object for OpenAPI 3.1 (without `$schema`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', refs: Map<z.ZodType, string>): Json {
  const ref = io === 'output' ? refs.get(schema) : undefined;
  if (ref) return { $ref: `#/components/schemas/${ref}` };
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

/** `:param` → `{param}`. */
export const openApiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

function operationOf(op: Operation, refs: Map<z.ZodType, string>): Json {
  const params: Json[] = [...op.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (op.query) {
    const shape = jsonSchema(op.query, 'input', refs) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(shape.properties ?? {})) params.push({ name, in: 'query', required: (shape.required ?? []).includes(name) && !('default' in schema), schema });
  }
  const access = SECURITY[op.access];
  const out: Json = {
    operationId: `${op.method.toLowerCase()}${op.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: op.summary,
    description: `Who: ${access.roles}.`,
    tags: [op.tag],
    security: access.security,
    ...(params.length ? { parameters: params } : {}),
  };
  if (op.body) {
    const body = op.body instanceof z.ZodType ? { contentType: 'application/json', schema: op.body, description: undefined } : op.body;
    const content: Json = { [body.contentType]: body.schema ? { schema: jsonSchema(body.schema, 'input', refs) } : { schema: { type: 'string' } } };
    if (body.contentType === 'application/json' && op.path === '/api/v1/events') content['application/x-ndjson'] = { schema: { type: 'string', description: 'one event per line' } };
    out.requestBody = { required: true, ...(body.description ? { description: body.description } : {}), content };
  }
  const okContent = op.ok.status === 204 ? undefined : op.ok.schema ? { [op.ok.contentType ?? 'application/json']: { schema: jsonSchema(op.ok.schema, 'output', refs) } } : { [op.ok.contentType ?? 'application/json']: { schema: op.ok.contentType?.startsWith('text/') ? { type: 'string' } : { type: 'object' } } };
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } });
  out.responses = {
    [String(op.ok.status)]: { description: op.ok.description, ...(okContent ? { content: okContent } : {}) },
    ...(op.body || op.query || params.length ? { 400: error('validation failed: every failing field path and message') } : {}),
    ...(op.access !== 'public' ? { 401: error('missing or invalid credentials'), 403: error('role or scope does not allow this') } : {}),
    ...(op.access === 'ingest' ? { 413: error('body too large'), 415: error('unsupported media type'), 503: error('event store unavailable; retry (Retry-After)') } : {}),
  };
  return out;
}

/** The OpenAPI 3.1 document of API v1, generated from the zod schemas in shared/ (and the route schemas). */
export function openApiDocument(version = '0.1.0'): Json {
  const registry = z.registry<{ id: string }>();
  const refs = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries(COMPONENTS)) { registry.add(schema, { id }); refs.set(schema, id); }
  const generated = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'output', unrepresentable: 'any' }) as { schemas: Record<string, Json> };
  const schemas: Record<string, Json> = {};
  for (const [id, s] of Object.entries(generated.schemas)) { const { $schema: _s, $id: _i, ...rest } = s; schemas[id] = rest; }
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) {
    const p = (paths[openApiPath(op.path)] ??= {}) as Json;
    p[op.method.toLowerCase()] = operationOf(op, refs);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Floorboard API',
      version,
      summary: 'Real-time supervisor wallboard for contact centers: ingest, read, configure, report.',
      description: 'Generated from the zod schemas the server validates with. Errors always have the `ErrorBody` shape. Live push is socket.io (see docs/api.md). Metric definitions: SPEC §3 and docs/metrics.md.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Session token (from login), display token, ingest key, or METRICS_TOKEN' },
        session: { type: 'apiKey', in: 'cookie', name: 'fb_session', description: 'Browser session cookie set by POST /api/v1/login' },
      },
    },
    paths,
  };
}
