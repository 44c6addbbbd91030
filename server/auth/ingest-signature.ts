import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../http/api-error.ts';
import type { AuthService } from './auth-service.ts';

/**
 * Signed ingest requests (for ingest keys created with `requireSignature: true`):
 *
 *   X-Floorboard-Timestamp: <unix time in seconds>
 *   X-Floorboard-Signature: v1=<hex HMAC-SHA256(signingSecret, "<timestamp>.<raw body bytes>")>
 *
 * The timestamp must be within ±300 s of the server clock. The bearer key still identifies the caller;
 * the signing secret itself never travels. A replayed request inside the window carries event ids the
 * log already has, so it is answered 202 with those events counted as duplicates (never twice).
 */
export const TIMESTAMP_HEADER = 'x-floorboard-timestamp';
export const SIGNATURE_HEADER = 'x-floorboard-signature';
export const SIGNATURE_WINDOW_SEC = 300;

declare module 'express-serve-static-core' {
  interface Request { signatureVerified?: boolean }
}

/** The signature a client sends: `v1=` + hex HMAC over `${timestamp}.${body}`. */
export function signBody(signingSecret: string, timestampSec: number | string, body: Buffer | string): string {
  return `v1=${createHmac('sha256', signingSecret).update(`${timestampSec}.`).update(body).digest('hex')}`;
}

const reject = (header: string, message: string) =>
  new ApiError(401, 'unauthorized', `request signature rejected: ${message}`, [{ path: `headers.${header}`, message }]);

/** Checks the signature headers of a request over `raw`; throws a 401 ApiError naming the bad header. */
export function checkSignature(req: IncomingMessage, raw: Buffer, signingSecret: string, nowMs: number): void {
  const ts = req.headers[TIMESTAMP_HEADER];
  const sig = req.headers[SIGNATURE_HEADER];
  if (typeof ts !== 'string' || !/^\d{1,12}$/.test(ts)) throw reject(TIMESTAMP_HEADER, 'missing or not unix seconds');
  if (Math.abs(nowMs / 1000 - Number(ts)) > SIGNATURE_WINDOW_SEC) throw reject(TIMESTAMP_HEADER, `outside the ±${SIGNATURE_WINDOW_SEC} s window`);
  if (typeof sig !== 'string' || sig.length > 1024) throw reject(SIGNATURE_HEADER, 'missing');
  const expected = Buffer.from(signBody(signingSecret, ts, raw));
  const ok = sig.split(',').map((s) => Buffer.from(s.trim())).some((given) => given.length === expected.length && timingSafeEqual(given, expected));
  if (!ok) throw reject(SIGNATURE_HEADER, 'does not match the body');
}

/**
 * The `verify` option for the ingest body parsers: when the caller's key requires signatures, checks
 * the signature over the raw bytes before they are parsed. Runs after `requireRole` set `req.principal`.
 */
export function signatureVerifier(auth: AuthService, clock: () => number) {
  return (req: IncomingMessage, _res: ServerResponse, buf: Buffer): void => {
    const r = req as Request;
    const key = r.principal ? auth.ingestKey(r.principal.credential) : undefined;
    if (!key?.signingSecret) return;
    checkSignature(req, buf, key.signingSecret, clock());
    r.signatureVerified = true;
  };
}

/** After the body parsers: a request of a signing key whose body no parser verified (empty body, other type) is refused. */
export function requireSignatureIfConfigured(auth: AuthService, clock: () => number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const key = req.principal ? auth.ingestKey(req.principal.credential) : undefined;
    if (!key?.signingSecret || req.signatureVerified) return next();
    try {
      checkSignature(req, Buffer.alloc(0), key.signingSecret, clock());
      req.signatureVerified = true;
      next();
    } catch (err) {
      next(err);
    }
  };
}
