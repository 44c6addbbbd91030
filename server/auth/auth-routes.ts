import express, { Router } from 'express';
import { z } from 'zod';
import { fieldIssues } from '../../shared/errors.ts';
import { validationFailed } from '../http/api-error.ts';
import { credentialOf, requireRole, SESSION_COOKIE } from '../http/middleware.ts';
import type { AuthService } from './auth-service.ts';

const LoginSchema = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });

/** Sign in / out. Browsers get the token as an httpOnly SameSite cookie; API clients use it as a bearer. */
export function authRoutes(auth: AuthService, opts: { secureCookies: boolean }): Router {
  const r = Router();
  r.post('/api/v1/login', express.json({ limit: '4kb' }), async (req, res) => {
    const body = LoginSchema.safeParse(req.body);
    if (!body.success) throw validationFailed(fieldIssues(body.error));
    const { token, role, expiresAt } = await auth.login(body.data.username, body.data.password, req.ip ?? 'unknown');
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: opts.secureCookies, path: '/', expires: new Date(expiresAt) });
    res.json({ token, role });
  });
  r.post('/api/v1/logout', (req, res) => {
    const token = credentialOf(req);
    if (token) auth.logout(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });
  r.get('/api/v1/me', requireRole(auth, ['admin', 'supervisor', 'teamlead']), (req, res) => {
    res.json({ username: req.principal!.name, role: req.principal!.role });
  });
  return r;
}
