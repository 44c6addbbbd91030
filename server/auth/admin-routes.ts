import { Router, type Request } from 'express';
import { z } from 'zod';
import { fieldIssues } from '../../shared/errors.ts';
import { ApiError, validationFailed } from '../http/api-error.ts';
import { requireRole } from '../http/middleware.ts';
import { auditCsvHeader, auditCsvRow, auditSource, type AuditLog } from './audit-log.ts';
import { PasswordSchema, parseJsonBody, smallJson } from './auth-routes.ts';
import { USERNAME_RE, type AuthService } from './auth-service.ts';
import { ScopeSchema, USER_ROLES } from './principal.ts';

const UsernameSchema = z.string().regex(USERNAME_RE, 'letters, digits and . _ @ - only (at most 64)');
const NameSchema = z.string().trim().min(1, 'must not be empty').max(120, 'at most 120 characters');
const RoleSchema = z.enum(USER_ROLES);

export const CreateUserSchema = z.strictObject({ username: UsernameSchema, password: PasswordSchema, role: RoleSchema, scope: ScopeSchema.optional() });
export const UpdateUserSchema = z
  .strictObject({ role: RoleSchema.optional(), scope: ScopeSchema.optional(), password: PasswordSchema.optional() })
  .refine((b) => b.role !== undefined || b.scope !== undefined || b.password !== undefined, { message: 'nothing to change: send role, scope and/or password', path: [] });
export const CreateDisplayTokenSchema = z.strictObject({ name: NameSchema, scope: ScopeSchema.optional() });
export const CreateIngestKeySchema = z.strictObject({ name: NameSchema, requireSignature: z.boolean().optional() });
export const AuditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().regex(/^[\w-]{1,64}$/).optional(),
  action: z.string().regex(/^[\w.-]{1,64}$/).optional(),
  actor: z.string().max(128).optional(),
  target: z.string().max(256).optional(),
});
const IdParamSchema = z.string().regex(/^[0-9a-f]{16}$/, '16 hex digits');

const WHOLE = { teams: null, queues: null };

function param(req: Request, name: string, schema: z.ZodType<string>): string {
  const parsed = schema.safeParse(req.params[name]);
  if (!parsed.success) throw validationFailed(fieldIssues(parsed.error, ['params', name]));
  return parsed.data;
}

function query<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const parsed = schema.safeParse(req.query);
  if (!parsed.success) throw validationFailed(fieldIssues(parsed.error, ['query']));
  return parsed.data;
}

/**
 * Admin JSON API (SPEC §5 `admin`): users, display tokens, ingest keys and the audit log.
 * Secrets (passwords, tokens, keys, signing secrets) are answered once, at creation, and never listed.
 * Every change is written to the audit log.
 */
export function adminRoutes(auth: AuthService, audit: AuditLog): Router {
  const r = Router();
  r.use('/api/v1/admin', requireRole(auth, ['admin']), (_req, res, next) => { res.setHeader('Cache-Control', 'no-store'); next(); });

  // ---------------------------------------------------------------- users
  r.get('/api/v1/admin/users', (_req, res) => { res.json({ users: auth.listUsers() }); });
  r.get('/api/v1/admin/users/:username', (req, res) => {
    const username = param(req, 'username', UsernameSchema);
    const user = auth.user(username);
    if (!user) throw new ApiError(404, 'not_found', `no user ${username}`);
    res.json(user);
  });
  r.post('/api/v1/admin/users', smallJson, async (req, res) => {
    const body = parseJsonBody(req, CreateUserSchema);
    const user = await auth.createUser({ username: body.username, password: body.password, role: body.role, scope: body.scope ?? WHOLE });
    await audit.record({ ...auditSource(req), action: 'user.create', target: `users/${user.username}`, before: null, after: user });
    res.status(201).json(user);
  });
  r.patch('/api/v1/admin/users/:username', smallJson, async (req, res) => {
    const username = param(req, 'username', UsernameSchema);
    const body = parseJsonBody(req, UpdateUserSchema);
    const { before, after } = await auth.updateUser(username, body);
    await audit.record({ ...auditSource(req), action: body.password !== undefined ? 'user.update+password-reset' : 'user.update', target: `users/${username}`, before, after });
    res.json(after);
  });
  r.delete('/api/v1/admin/users/:username', async (req, res) => {
    const username = param(req, 'username', UsernameSchema);
    if (username === req.principal!.name) throw new ApiError(409, 'conflict', 'you cannot delete your own account');
    const before = await auth.deleteUser(username);
    await audit.record({ ...auditSource(req), action: 'user.delete', target: `users/${username}`, before, after: null });
    res.status(204).end();
  });

  // ---------------------------------------------------------------- display tokens
  r.get('/api/v1/admin/display-tokens', (_req, res) => { res.json({ displayTokens: auth.listDisplayTokens() }); });
  r.post('/api/v1/admin/display-tokens', smallJson, async (req, res) => {
    const body = parseJsonBody(req, CreateDisplayTokenSchema);
    const { token, record } = await auth.createDisplayToken(body.name, body.scope ?? WHOLE, req.principal!.name);
    await audit.record({ ...auditSource(req), action: 'display-token.create', target: `display-tokens/${record.id}`, before: null, after: record });
    res.status(201).json({ ...record, token, tvPath: `/tv?token=${encodeURIComponent(token)}` });
  });
  r.delete('/api/v1/admin/display-tokens/:id', async (req, res) => {
    const before = await auth.revokeDisplayToken(param(req, 'id', IdParamSchema));
    await audit.record({ ...auditSource(req), action: 'display-token.revoke', target: `display-tokens/${before.id}`, before, after: null });
    res.status(204).end();
  });

  // ---------------------------------------------------------------- ingest keys
  r.get('/api/v1/admin/ingest-keys', (_req, res) => { res.json({ ingestKeys: auth.listIngestKeys() }); });
  r.post('/api/v1/admin/ingest-keys', smallJson, async (req, res) => {
    const body = parseJsonBody(req, CreateIngestKeySchema);
    const created = await auth.createIngestKey(body.name, body.requireSignature ?? false, req.principal!.name);
    await audit.record({ ...auditSource(req), action: 'ingest-key.create', target: `ingest-keys/${created.record.id}`, before: null, after: created.record });
    res.status(201).json({ ...created.record, key: created.key, ...(created.signingSecret ? { signingSecret: created.signingSecret } : {}) });
  });
  r.delete('/api/v1/admin/ingest-keys/:id', async (req, res) => {
    const before = await auth.revokeIngestKey(param(req, 'id', IdParamSchema));
    await audit.record({ ...auditSource(req), action: 'ingest-key.revoke', target: `ingest-keys/${before.id}`, before, after: null });
    res.status(204).end();
  });

  // ---------------------------------------------------------------- audit log
  r.get('/api/v1/admin/audit', async (req, res) => {
    const q = query(req, AuditQuerySchema);
    res.json(await audit.page(q));
  });
  r.get(['/api/v1/admin/audit.csv', '/api/v1/admin/audit/export'], async (req, res) => {
    const { limit: _l, cursor: _c, ...filters } = query(req, AuditQuerySchema);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="floorboard-audit.csv"');
    res.write(auditCsvHeader());
    for await (const e of audit.all(filters)) res.write(auditCsvRow(e));
    res.end();
  });
  return r;
}
