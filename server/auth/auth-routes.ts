import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { fieldIssues } from '../../shared/errors.ts';
import { ApiError, validationFailed } from '../http/api-error.ts';
import { credentialOf, requireRole, SESSION_COOKIE } from '../http/middleware.ts';
import { auditSource, type AuditLog } from './audit-log.ts';
import type { AuthService } from './auth-service.ts';
import { PEOPLE } from './principal.ts';

export const LoginSchema = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
export const PasswordSchema = z.string().min(10, 'at least 10 characters').max(256, 'at most 256 characters');
export const ChangePasswordSchema = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: PasswordSchema });

/** Small JSON bodies only (sign-in, password, admin forms). */
export const smallJson = express.json({ limit: '16kb', type: 'application/json' });

/** The validated JSON body of a request: 415 for another content type, 400 with field issues otherwise. */
export function parseJsonBody<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  if (req.headers['content-type'] !== undefined && !req.is('application/json')) throw new ApiError(415, 'unsupported_media_type', 'send Content-Type: application/json');
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) throw validationFailed(fieldIssues(parsed.error));
  return parsed.data;
}

/**
 * Sign in / out / who am I / change my password. Browsers get the session token as an httpOnly
 * SameSite=Strict cookie (Secure over https); API clients send it as `Authorization: Bearer`.
 */
export function authRoutes(auth: AuthService, opts: { secureCookies: boolean; audit?: AuditLog }): Router {
  const r = Router();
  const people = requireRole(auth, PEOPLE);
  r.post('/api/v1/login', smallJson, async (req, res) => {
    const body = parseJsonBody(req, LoginSchema);
    const { token, role, expiresAt } = await auth.login(body.username, body.password, req.ip ?? 'unknown');
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: opts.secureCookies || req.secure, path: '/', expires: new Date(expiresAt) });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ token, role, expiresAt: new Date(expiresAt).toISOString() });
  });
  r.post('/api/v1/logout', async (req, res) => {
    const token = credentialOf(req);
    if (token && token.length <= 512) await auth.logout(token);
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
    res.status(204).end();
  });
  r.get('/api/v1/me', people, (req, res) => {
    const p = req.principal!;
    res.setHeader('Cache-Control', 'no-store');
    res.json({ username: p.name, role: p.role, scope: p.scope });
  });
  r.post('/api/v1/me/password', people, smallJson, async (req, res) => {
    const body = parseJsonBody(req, ChangePasswordSchema);
    await auth.changePassword(req.principal!, body.currentPassword, body.newPassword, req.ip ?? 'unknown');
    await opts.audit?.record({ ...auditSource(req), action: 'user.password-change', target: `users/${req.principal!.name}`, before: null, after: null });
    res.status(204).end();
  });
  return r;
}
