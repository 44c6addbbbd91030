import type { IncomingMessage } from 'node:http';
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
export function credentialOf(req: IncomingMessage): string | null {
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

/** The principal of a request holding one of `roles`; throws 401 without valid credentials, 403 with the wrong ones. */
export async function authorize(auth: AuthService, roles: readonly Role[], req: IncomingMessage): Promise<Principal> {
  const secret = credentialOf(req);
  const principal = secret && secret.length <= 512 ? await auth.authenticate(secret) : null;
  if (!principal) throw new ApiError(401, 'unauthorized', 'missing or invalid credentials');
  if (!roles.includes(principal.role)) throw new ApiError(403, 'forbidden', `role ${principal.role} may not do this`);
  return principal;
}

/** Requires one of `roles` (see `authorize`) and sets `req.principal`. */
export function requireRole(auth: AuthService, roles: readonly Role[]) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      req.principal = await authorize(auth, roles, req);
    } catch (err) {
      return next(err);
    }
    next();
  };
}

export function sendError(res: Response, status: number, body: ErrorBody, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status).json(ErrorBodySchema.parse(body));
}

export interface ErrorAnswer { status: number; body: ErrorBody; headers?: Record<string, string> }

/**
 * The answer to an error: known errors (ApiError, the store being down, the body parsers' errors,
 * by their `type`) become theirs; anything else is a 500 without internals, logged.
 */
export function errorAnswer(err: unknown, logger: Logger, path: string): ErrorAnswer {
  if (err instanceof ApiError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } }, headers: err.headers };
  }
  if (err instanceof StoreUnavailableError) {
    // Never acknowledged: the producer retries the same batch (ids make the retry safe).
    logger.warn({ path, reason: err.message }, 'event store unavailable');
    return { status: 503, body: { error: { code: 'store_unavailable', message: 'the event store is unavailable; retry later' } }, headers: { 'Retry-After': String(err.retryAfterSec) } };
  }
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large') return { status: 413, body: { error: { code: 'payload_too_large', message: 'request body too large' } } };
  if (e?.type === 'entity.parse.failed') return { status: 400, body: { error: { code: 'validation_failed', message: 'malformed JSON body', issues: [{ path: '(body)', message: 'malformed JSON' }] } } };
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return { status: 415, body: { error: { code: 'unsupported_media_type', message: 'unsupported body encoding' } } };
  // Other body-reading failures (a corrupt gzip/deflate stream, an aborted upload): the body is at fault, said without internals.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return { status: e.status, body: { error: { code: 'validation_failed', message: 'bad request', issues: [{ path: '(body)', message: 'the body could not be read (check Content-Encoding and Content-Length)' }] } } };
  logger.error({ err, path }, 'unhandled error');
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
}

/** Last handler: every error gets its `errorAnswer`. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) { // failed mid-stream (e.g. a CSV export): nothing more can be said; cut the answer short
      logger.error({ err, path: req.path }, 'error after the answer started');
      res.destroy();
      return;
    }
    const answer = errorAnswer(err, logger, req.path);
    sendError(res, answer.status, answer.body, answer.headers);
  };
}
