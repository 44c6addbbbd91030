import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ErrorBodySchema, type ErrorBody } from '../../shared/errors.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { Principal, Role } from '../auth/principal.ts';
import { StoreUnavailableError } from '../store/event-log.ts';
import { ApiError } from './api-error.ts';

export const SESSION_COOKIE = 'fb_session';

declare module 'express-serve-static-core' {
  interface Request { principal?: Principal }
}

/** The bearer secret of a request: Authorization header first, then the session cookie. */
export function credentialOf(req: Request): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null;
  return cookieValue(req.headers.cookie, SESSION_COOKIE);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try { return decodeURIComponent(v.join('=')); } catch { return null; } // malformed %-escapes: no credential
  }
  return null;
}

/** Requires one of `roles`: 401 without valid credentials, 403 with the wrong ones. */
export function requireRole(auth: AuthService, roles: readonly Role[]) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const secret = credentialOf(req);
    const principal = secret && secret.length <= 512 ? await auth.authenticate(secret) : null;
    if (!principal) return next(new ApiError(401, 'unauthorized', 'missing or invalid credentials'));
    if (!roles.includes(principal.role)) return next(new ApiError(403, 'forbidden', `role ${principal.role} may not do this`));
    req.principal = principal;
    next();
  };
}

export function sendError(res: Response, status: number, body: ErrorBody, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status).json(ErrorBodySchema.parse(body));
}

/** Last handler: known errors become their answer; anything else is a 500 without internals. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) { // failed mid-stream (e.g. a CSV export): nothing more can be said; cut the answer short
      logger.error({ err, path: req.path }, 'error after the answer started');
      res.destroy();
      return;
    }
    if (err instanceof ApiError) {
      return sendError(res, err.status, { error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } }, err.headers);
    }
    if (err instanceof StoreUnavailableError) {
      // Never acknowledged: the producer retries the same batch (ids make the retry safe).
      logger.warn({ path: req.path, reason: err.message }, 'event store unavailable');
      return sendError(res, 503, { error: { code: 'store_unavailable', message: 'the event store is unavailable; retry later' } }, { 'Retry-After': String(err.retryAfterSec) });
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.too.large') return sendError(res, 413, { error: { code: 'payload_too_large', message: 'request body too large' } });
    if (e?.type === 'entity.parse.failed') return sendError(res, 400, { error: { code: 'validation_failed', message: 'malformed JSON body', issues: [{ path: '(body)', message: 'malformed JSON' }] } });
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return sendError(res, 415, { error: { code: 'unsupported_media_type', message: 'unsupported body encoding' } });
    // Other body-reading failures (a corrupt gzip/deflate stream, an aborted upload): the body is at fault, said without internals.
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return sendError(res, e.status, { error: { code: 'validation_failed', message: 'bad request', issues: [{ path: '(body)', message: 'the body could not be read (check Content-Encoding and Content-Length)' }] } });
    logger.error({ err, path: req.path }, 'unhandled error');
    sendError(res, 500, { error: { code: 'internal', message: 'internal error' } });
  };
}
