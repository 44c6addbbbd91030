import { z } from 'zod';
import { CenterConfigSchema, CenterDefaultsSchema, QueueConfigPutSchema, TeamConfigPutSchema } from '../../shared/center-config.ts';
import { AgentTimelineSchema } from '../../shared/agent-timeline.ts';
import { DataQualitySchema } from '../../shared/data-quality.ts';
import { ErrorBodySchema } from '../../shared/errors.ts';
import { EventSchema } from '../../shared/events.ts';
import { IntradayCsvQuerySchema, ShiftReportQuerySchema, ShiftReportSchema } from '../../shared/report.ts';
import { BreakPlanPutSchema, RosterDocSchema, RosterPutSchema } from '../../shared/roster.ts';
import { IntradaySchema, SnapshotSchema } from '../../shared/snapshot.ts';
import { AuditQuerySchema, CreateDisplayTokenSchema, CreateIngestKeySchema, CreateUserSchema, UpdateUserSchema } from '../auth/admin-routes.ts';
import { ChangePasswordSchema, LoginSchema } from '../auth/auth-routes.ts';
import { ScopeSchema, USER_ROLES } from '../auth/principal.ts';
import { IntradayQuerySchema } from '../http/read-routes.ts';
import { DateQuerySchema, HoldSchema, SendNextSchema } from '../workforce/workforce-routes.ts';

/**
 * Every API operation the server registers, with the zod schemas it validates and answers with:
 * the OpenAPI document is generated from this table (server/openapi/openapi.ts) and a test checks
 * that the table and the routes express actually has match. A new route needs a row here.
 */

/** Who may call: the security scheme and the roles (SPEC §5). */
export type Access = 'public' | 'ingest' | 'people' | 'dashboard' | 'readers' | 'editors' | 'admin' | 'ops' | 'metrics';

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Express path syntax (`:param`). */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  query?: z.ZodObject;
  /** Request body: a zod schema (validated as JSON) or a media type with a description. */
  body?: z.ZodType | { contentType: string; description: string; schema?: z.ZodType };
  /** Success answer: status, and a zod schema (JSON) or a media type with a description. */
  ok: { status: number; schema?: z.ZodType; contentType?: string; description: string };
}

/** Registered response schemas (components/schemas). */
export const COMPONENTS = {
  ErrorBody: ErrorBodySchema,
  Snapshot: SnapshotSchema,
  Intraday: IntradaySchema,
  ShiftReport: ShiftReportSchema,
  DataQuality: DataQualitySchema,
  RosterDoc: RosterDocSchema,
  AgentTimeline: AgentTimelineSchema,
} as const;

const Accepted = z.object({ accepted: z.number().int(), duplicates: z.number().int() });
const QueueLogReply = Accepted.extend({ ignored: z.number().int(), rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })) });
const Me = z.object({ username: z.string(), role: z.string(), scope: ScopeSchema });
const UserView = z.object({ username: z.string(), role: z.enum(USER_ROLES), scope: ScopeSchema, createdAt: z.string(), updatedAt: z.string() });
const TokenView = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), createdBy: z.string(), bootstrap: z.boolean().optional() });
const Health = z.object({ status: z.string() });
const Ready = z.object({ status: z.string(), store: z.string().optional(), storeHealthy: z.boolean().optional(), caughtUp: z.boolean().optional(), position: z.string().optional() });
const EventsBody = z.union([EventSchema, z.array(EventSchema)]);
const AsteriskQuery = z.object({ atomic: z.enum(['true', '1', 'false', '0']).optional() });

export const OPERATIONS: Operation[] = [
  { method: 'GET', path: '/healthz', summary: 'Liveness: the process answers', tag: 'operations', access: 'public', ok: { status: 200, schema: Health, description: 'alive' } },
  { method: 'GET', path: '/readyz', summary: 'Readiness: the store answers, this instance has caught up and is not draining', tag: 'operations', access: 'public', ok: { status: 200, schema: Ready, description: 'ready (503 with the same body when not)' } },
  { method: 'GET', path: '/metrics', summary: 'Prometheus metrics (text exposition format)', tag: 'operations', access: 'metrics', ok: { status: 200, contentType: 'text/plain', description: 'metrics' } },

  { method: 'POST', path: '/api/v1/events', summary: 'Ingest events: one object, an array, or NDJSON (all-or-nothing)', tag: 'ingest', access: 'ingest', body: EventsBody, ok: { status: 202, schema: Accepted, description: 'durable in the event log' } },
  { method: 'POST', path: '/api/v1/ingest/asterisk-queue-log', summary: 'Ingest Asterisk queue_log lines', tag: 'ingest', access: 'ingest', query: AsteriskQuery, body: { contentType: 'text/plain', description: 'queue_log lines: epoch|callid|queue|agent|event|data…' }, ok: { status: 202, schema: QueueLogReply, description: 'stored; malformed lines are listed' } },

  { method: 'POST', path: '/api/v1/login', summary: 'Sign in', tag: 'auth', access: 'public', body: LoginSchema, ok: { status: 200, schema: z.object({ token: z.string(), role: z.string() }), description: 'session token (also set as the fb_session cookie)' } },
  { method: 'POST', path: '/api/v1/logout', summary: 'End the session', tag: 'auth', access: 'public', ok: { status: 204, description: 'signed out' } },
  { method: 'GET', path: '/api/v1/me', summary: 'The signed-in user', tag: 'auth', access: 'people', ok: { status: 200, schema: Me, description: 'user' } },
  { method: 'POST', path: '/api/v1/me/password', summary: 'Change the own password', tag: 'auth', access: 'people', body: ChangePasswordSchema, ok: { status: 204, description: 'changed; other sessions ended' } },

  { method: 'GET', path: '/api/v1/admin/users', summary: 'List users', tag: 'admin', access: 'admin', ok: { status: 200, schema: z.array(UserView), description: 'users' } },
  { method: 'GET', path: '/api/v1/admin/users/:username', summary: 'One user', tag: 'admin', access: 'admin', ok: { status: 200, schema: UserView, description: 'user' } },
  { method: 'POST', path: '/api/v1/admin/users', summary: 'Create a user', tag: 'admin', access: 'admin', body: CreateUserSchema, ok: { status: 201, schema: UserView, description: 'created' } },
  { method: 'PATCH', path: '/api/v1/admin/users/:username', summary: 'Change a user', tag: 'admin', access: 'admin', body: UpdateUserSchema, ok: { status: 200, schema: UserView, description: 'changed' } },
  { method: 'DELETE', path: '/api/v1/admin/users/:username', summary: 'Delete a user', tag: 'admin', access: 'admin', ok: { status: 204, description: 'deleted' } },
  { method: 'GET', path: '/api/v1/admin/display-tokens', summary: 'List display tokens', tag: 'admin', access: 'admin', ok: { status: 200, schema: z.array(TokenView.extend({ scope: ScopeSchema })), description: 'tokens (no secrets)' } },
  { method: 'POST', path: '/api/v1/admin/display-tokens', summary: 'Create a display token (the secret is answered once)', tag: 'admin', access: 'admin', body: CreateDisplayTokenSchema, ok: { status: 201, description: 'created' } },
  { method: 'DELETE', path: '/api/v1/admin/display-tokens/:id', summary: 'Revoke a display token', tag: 'admin', access: 'admin', ok: { status: 204, description: 'revoked' } },
  { method: 'GET', path: '/api/v1/admin/ingest-keys', summary: 'List ingest keys', tag: 'admin', access: 'admin', ok: { status: 200, schema: z.array(TokenView.extend({ requireSignature: z.boolean() })), description: 'keys (no secrets)' } },
  { method: 'POST', path: '/api/v1/admin/ingest-keys', summary: 'Create an ingest key (the secret is answered once)', tag: 'admin', access: 'admin', body: CreateIngestKeySchema, ok: { status: 201, description: 'created' } },
  { method: 'DELETE', path: '/api/v1/admin/ingest-keys/:id', summary: 'Revoke an ingest key', tag: 'admin', access: 'admin', ok: { status: 204, description: 'revoked' } },
  { method: 'GET', path: '/api/v1/admin/audit', summary: 'Audit log (paged)', tag: 'admin', access: 'admin', query: AuditQuerySchema, ok: { status: 200, description: 'entries and the next cursor' } },
  { method: 'GET', path: '/api/v1/admin/audit.csv', summary: 'Audit log as CSV', tag: 'admin', access: 'admin', query: AuditQuerySchema.omit({ limit: true, cursor: true }), ok: { status: 200, contentType: 'text/csv', description: 'CSV' } },
  { method: 'GET', path: '/api/v1/admin/audit/export', summary: 'Audit log export', tag: 'admin', access: 'admin', query: AuditQuerySchema.omit({ limit: true, cursor: true }), ok: { status: 200, description: 'export' } },

  { method: 'GET', path: '/api/v1/snapshot', summary: 'The whole floor visible to the caller (SPEC §3 figures)', tag: 'read', access: 'dashboard', ok: { status: 200, schema: SnapshotSchema, description: 'snapshot' } },
  { method: 'GET', path: '/api/v1/agents/:agentId/timeline', summary: "One agent's state changes of today against the roster and break plan", tag: 'read', access: 'readers', ok: { status: 200, schema: AgentTimelineSchema, description: 'timeline (404: unknown agent; 403: agent outside your scope)' } },
  { method: 'GET', path: '/api/v1/intraday', summary: "Today's interval series", tag: 'read', access: 'dashboard', query: IntradayQuerySchema, ok: { status: 200, schema: IntradaySchema, description: 'series' } },

  { method: 'PUT', path: '/api/v1/roster', summary: "Set one day's roster", tag: 'workforce', access: 'editors', body: RosterPutSchema, ok: { status: 200, schema: z.object({ date: z.string(), entries: z.number().int(), updatedAt: z.string(), updatedBy: z.string() }), description: 'stored' } },
  { method: 'GET', path: '/api/v1/roster', summary: "One day's roster", tag: 'workforce', access: 'readers', query: DateQuerySchema, ok: { status: 200, schema: RosterDocSchema, description: 'roster' } },
  { method: 'GET', path: '/api/v1/teams/:teamId/break-plan', summary: "A team's break plan", tag: 'workforce', access: 'readers', query: DateQuerySchema, ok: { status: 200, description: 'plan' } },
  { method: 'PUT', path: '/api/v1/teams/:teamId/break-plan', summary: "Set a team's break plan", tag: 'workforce', access: 'readers', body: BreakPlanPutSchema, ok: { status: 200, description: 'stored plan' } },
  { method: 'POST', path: '/api/v1/teams/:teamId/break-plan/preview', summary: 'Projected service level with a proposed plan', tag: 'workforce', access: 'readers', body: BreakPlanPutSchema, ok: { status: 200, description: 'projection' } },
  { method: 'POST', path: '/api/v1/teams/:teamId/break-plan/send-next', summary: 'Send the next short break now', tag: 'workforce', access: 'readers', body: SendNextSchema, ok: { status: 200, description: 'result' } },
  { method: 'POST', path: '/api/v1/teams/:teamId/break-plan/hold', summary: 'Hold breaks for some minutes', tag: 'workforce', access: 'readers', body: HoldSchema, ok: { status: 200, description: 'result' } },

  { method: 'GET', path: '/api/v1/config/center', summary: 'Team and queue names and thresholds', tag: 'config', access: 'dashboard', ok: { status: 200, description: 'configuration, built-in defaults and the ids the floor knows' } },
  { method: 'PUT', path: '/api/v1/config/center', summary: 'Replace the center configuration', tag: 'config', access: 'admin', body: CenterConfigSchema, ok: { status: 200, description: 'stored' } },
  { method: 'PUT', path: '/api/v1/config/defaults', summary: 'Center-wide SL settings and thresholds', tag: 'config', access: 'admin', body: CenterDefaultsSchema, ok: { status: 200, description: 'stored' } },
  { method: 'PUT', path: '/api/v1/config/queues/:queueId', summary: "Set a queue's name and thresholds", tag: 'config', access: 'admin', body: QueueConfigPutSchema, ok: { status: 200, description: 'stored' } },
  { method: 'DELETE', path: '/api/v1/config/queues/:queueId', summary: "Remove a queue's configuration", tag: 'config', access: 'admin', ok: { status: 200, description: 'stored' } },
  { method: 'PUT', path: '/api/v1/config/teams/:teamId', summary: "Set a team's name and thresholds", tag: 'config', access: 'admin', body: TeamConfigPutSchema, ok: { status: 200, description: 'stored' } },
  { method: 'DELETE', path: '/api/v1/config/teams/:teamId', summary: "Remove a team's configuration", tag: 'config', access: 'admin', ok: { status: 200, description: 'stored' } },

  { method: 'GET', path: '/api/v1/reports/shift', summary: 'End-of-shift or day report (JSON, CSV or printable HTML)', tag: 'reports', access: 'readers', query: ShiftReportQuerySchema, ok: { status: 200, schema: ShiftReportSchema, description: 'report (format=csv: text/csv; format=html: text/html)' } },
  { method: 'GET', path: '/api/v1/reports/intraday.csv', summary: 'Interval series as CSV', tag: 'reports', access: 'readers', query: IntradayCsvQuerySchema, ok: { status: 200, contentType: 'text/csv', description: 'CSV' } },
  { method: 'GET', path: '/api/v1/data-quality', summary: 'Input data quality per source', tag: 'operations', access: 'ops', ok: { status: 200, schema: DataQualitySchema, description: 'data quality of this instance' } },
  { method: 'GET', path: '/api/v1/openapi.json', summary: 'This document', tag: 'operations', access: 'public', ok: { status: 200, description: 'OpenAPI 3.1' } },
  { method: 'GET', path: '/api/docs', summary: 'Browsable API reference', tag: 'operations', access: 'public', ok: { status: 200, contentType: 'text/html', description: 'HTML' } },
  { method: 'GET', path: '/api/docs/reference.js', summary: 'Script of the API reference page', tag: 'operations', access: 'public', ok: { status: 200, contentType: 'text/javascript', description: 'script' } },
];

/** Paths outside the API (web pages of the single-page app), not documented. */
export const WEB_PAGE = (path: string) => !path.startsWith('/api/') && !['/healthz', '/readyz', '/metrics'].includes(path);
