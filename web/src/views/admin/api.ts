import { z } from 'zod';
import { CenterDefaultsSchema, QueueConfigSchema, TeamConfigSchema } from '../../../../shared/center-config.ts';
import { LimitsSchema } from '../../../../shared/snapshot.ts';
import { apiRequest } from '../../lib/api.ts';

/** Shapes of the admin API's answers (server/auth/admin-routes.ts, server/center/center-config-routes.ts). */
const ScopeSchema = z.object({ teams: z.array(z.string()).nullable(), queues: z.array(z.string()).nullable() });
export type Scope = z.infer<typeof ScopeSchema>;
export const WHOLE: Scope = { teams: null, queues: null };

const UserSchema = z.object({ username: z.string(), role: z.enum(['admin', 'supervisor', 'teamlead']), scope: ScopeSchema, createdAt: z.string(), updatedAt: z.string() });
export type User = z.infer<typeof UserSchema>;
export type UserRole = User['role'];
export const USER_ROLES: readonly UserRole[] = ['admin', 'supervisor', 'teamlead'];

const DisplayTokenSchema = z.object({ id: z.string(), name: z.string(), scope: ScopeSchema, createdAt: z.string(), createdBy: z.string(), bootstrap: z.boolean().optional() });
export type DisplayToken = z.infer<typeof DisplayTokenSchema>;
const IngestKeySchema = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), createdBy: z.string(), requireSignature: z.boolean() });
export type IngestKey = z.infer<typeof IngestKeySchema>;

const AuditEntrySchema = z.object({
  id: z.string(), at: z.string(), actor: z.object({ name: z.string(), role: z.string() }), ip: z.string().nullable(),
  action: z.string(), target: z.string(), before: z.unknown(), after: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
const AuditPageSchema = z.object({ entries: z.array(AuditEntrySchema), nextCursor: z.string().nullable(), total: z.number().nullable() });
export type AuditPage = z.infer<typeof AuditPageSchema>;

const CenterLimitsSchema = z.object({ serviceLevel: LimitsSchema, abandonRate: LimitsSchema, longestWaitSec: LimitsSchema, adherence: LimitsSchema, attendanceRate: LimitsSchema });

export const CenterConfigAnswerSchema = z.object({
  defaults: CenterDefaultsSchema,
  queues: z.array(QueueConfigSchema),
  teams: z.array(TeamConfigSchema),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  builtin: z.object({ slThresholdSec: z.number(), slTarget: z.number(), thresholds: CenterLimitsSchema }),
  known: z.object({ queues: z.array(z.string()), teams: z.array(z.string()) }),
});
export type CenterConfigAnswer = z.infer<typeof CenterConfigAnswerSchema>;

const json = async <S extends z.ZodType>(schema: S, p: Promise<unknown>): Promise<z.infer<S>> => schema.parse(await p);

export const adminApi = {
  users: () => json(z.object({ users: z.array(UserSchema) }), apiRequest('/api/v1/admin/users')).then((b) => b.users),
  createUser: (body: { username: string; password: string; role: UserRole; scope: Scope }) => json(UserSchema, apiRequest('/api/v1/admin/users', { method: 'POST', body })),
  updateUser: (username: string, body: { role?: UserRole; scope?: Scope; password?: string }) =>
    json(UserSchema, apiRequest(`/api/v1/admin/users/${encodeURIComponent(username)}`, { method: 'PATCH', body })),
  deleteUser: (username: string) => apiRequest(`/api/v1/admin/users/${encodeURIComponent(username)}`, { method: 'DELETE' }),

  displayTokens: () => json(z.object({ displayTokens: z.array(DisplayTokenSchema) }), apiRequest('/api/v1/admin/display-tokens')).then((b) => b.displayTokens),
  createDisplayToken: (body: { name: string; scope: Scope }) =>
    json(DisplayTokenSchema.extend({ token: z.string(), tvPath: z.string() }), apiRequest('/api/v1/admin/display-tokens', { method: 'POST', body })),
  revokeDisplayToken: (id: string) => apiRequest(`/api/v1/admin/display-tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),

  ingestKeys: () => json(z.object({ ingestKeys: z.array(IngestKeySchema) }), apiRequest('/api/v1/admin/ingest-keys')).then((b) => b.ingestKeys),
  createIngestKey: (body: { name: string; requireSignature: boolean }) =>
    json(IngestKeySchema.extend({ key: z.string(), signingSecret: z.string().optional() }), apiRequest('/api/v1/admin/ingest-keys', { method: 'POST', body })),
  revokeIngestKey: (id: string) => apiRequest(`/api/v1/admin/ingest-keys/${encodeURIComponent(id)}`, { method: 'DELETE' }),

  audit: (filters: AuditFilters, cursor: string | null) => json(AuditPageSchema, apiRequest(`/api/v1/admin/audit?${auditQuery(filters, cursor)}`)),

  center: () => json(CenterConfigAnswerSchema, apiRequest('/api/v1/config/center')),
  putDefaults: (body: unknown) => apiRequest('/api/v1/config/defaults', { method: 'PUT', body }),
  putQueue: (id: string, body: unknown) => apiRequest(`/api/v1/config/queues/${encodeURIComponent(id)}`, { method: 'PUT', body }),
  deleteQueue: (id: string) => apiRequest(`/api/v1/config/queues/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  putTeam: (id: string, body: unknown) => apiRequest(`/api/v1/config/teams/${encodeURIComponent(id)}`, { method: 'PUT', body }),
  deleteTeam: (id: string) => apiRequest(`/api/v1/config/teams/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};

export interface AuditFilters { action: string; actor: string; target: string }

/** Query string of an audit page (also the CSV export link, without `limit`/`cursor`). */
export function auditQuery(filters: AuditFilters, cursor: string | null, limit: number | null = 50): string {
  const q = new URLSearchParams();
  if (limit !== null) q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  for (const k of ['action', 'actor', 'target'] as const) if (filters[k].trim()) q.set(k, filters[k].trim());
  return q.toString();
}
