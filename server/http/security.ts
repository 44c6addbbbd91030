import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { INGEST_EVENTS_PATH } from '../ingest/paths.ts';
import { ApiError } from './api-error.ts';

/** A Host header we are willing to echo into the CSP (name or IP, optional port). */
const SAFE_HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Distinct Host headers whose security headers are remembered (any others are computed per request). */
const HOSTS_REMEMBERED = 64;

type HeaderChange = [name: string, value: string | null];

/** Sets the security headers of an answer (the express app and the lean ingest handler both use it). */
export type SecurityHeaders = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Security headers (helmet, see `helmetHeaders`). They depend on the request only through the Host
 * header (the CSP's connect-src), so what helmet sets is recorded once per host and replayed:
 * running its dozen middlewares on every request is a measurable part of a small ingest request.
 */
export function securityHeaders(): SecurityHeaders {
  const viaHelmet = helmetHeaders();
  const byHost = new Map<string, HeaderChange[]>();
  return (req, res, next) => {
    const host = req.headers.host ?? '';
    let changes = byHost.get(host);
    if (changes === undefined) {
      const recorded = recordHeaders(viaHelmet, req);
      if (recorded instanceof Error) return next(recorded);
      changes = recorded;
      if (byHost.size < HOSTS_REMEMBERED) byHost.set(host, changes);
    }
    for (const [name, value] of changes) {
      if (value === null) res.removeHeader(name);
      else res.setHeader(name, value);
    }
    next();
  };
}

/** What `middleware` sets and removes on an answer to `req` (or the error it reports). */
function recordHeaders(middleware: ReturnType<typeof helmet>, req: IncomingMessage): HeaderChange[] | Error {
  const changes: HeaderChange[] = [];
  const recorder = {
    setHeader: (name: string, value: string) => { changes.push([name, value]); },
    removeHeader: (name: string) => { changes.push([name, null]); },
  };
  let failure: Error | null = null;
  middleware(req, recorder as unknown as ServerResponse, (err?: unknown) => { if (err) failure = err instanceof Error ? err : new Error(String(err)); });
  return failure ?? changes;
}

/**
 * The CSP allows only this origin: scripts from 'self', the websocket of the same host (ws:/wss:),
 * images from 'self' and data: (the favicon is a data: SVG), styles from 'self' plus 'unsafe-inline'
 * because Svelte writes `style` attributes (style:prop, transitions). No upgrade-insecure-requests:
 * TV screens on a LAN often use plain http; HSTS applies once served over TLS.
 */
function helmetHeaders(): ReturnType<typeof helmet> {
  const sameHostSockets = (req: IncomingMessage) => {
    const host = req.headers.host;
    return host && SAFE_HOST.test(host) ? `ws://${host} wss://${host}` : '';
  };
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", (req) => sameHostSockets(req)],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        scriptSrcAttr: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 180 * 24 * 3600, includeSubDomains: true },
  });
}

/** `ALLOWED_ORIGINS` as a list of origins (`https://wall.example.com`); empty = same origin only. */
export function parseOrigins(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((s) => new URL(s).origin);
}

/**
 * Is a browser's `Origin` allowed? Same origin (the Origin's host equals the Host header) or one of
 * `allowed`. No Origin at all (a server-side client, curl) is allowed: Origin only protects browsers.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try { parsed = new URL(origin); } catch { return false; }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (host !== undefined && parsed.host === host.toLowerCase()) return true;
  return allowed.includes(parsed.origin);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The 403 for a cross-site request that changes state, or null when `req` may go on. */
export function crossOriginRefusal(req: IncomingMessage, allowed: readonly string[]): ApiError | null {
  if (!UNSAFE.has(req.method ?? '') || originAllowed(req.headers.origin, req.headers.host, allowed)) return null;
  return new ApiError(403, 'forbidden', 'cross-origin request refused');
}

/** Cross-site requests that change state are refused (403) even before credentials are looked at (CSRF defence besides SameSite=Strict). */
export function apiOriginGuard(allowed: readonly string[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const refusal = crossOriginRefusal(req, allowed);
    if (refusal) next(refusal);
    else next();
  };
}

/** Default largest request body outside the ingest endpoints (which set their own, larger limits). */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** The events endpoint, and every adapter under /api/v1/ingest/. */
const INGEST_PATHS = [INGEST_EVENTS_PATH, '/api/v1/ingest/'];

/**
 * Answers 413 before reading a body whose declared length exceeds the limit of its endpoint;
 * every body parser of every route also has its own limit (chunked bodies are cut there).
 */
export function bodySizeCap(limitBytes = DEFAULT_BODY_LIMIT_BYTES): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const path = req.baseUrl + req.path; // full path, wherever this is mounted
    if (INGEST_PATHS.some((p) => path === p || (p.endsWith('/') && path.startsWith(p)))) return next();
    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared > limitBytes) return next(new ApiError(413, 'payload_too_large', `request body too large (limit ${limitBytes} bytes)`));
    next();
  };
}

/**
 * `TRUST_PROXY` as an express `trust proxy` setting: unset/false = none (req.ip is the peer address);
 * a number = that many proxy hops; otherwise a comma list of addresses, CIDRs or loopback/linklocal/uniquelocal.
 * `true` (trust every hop) is accepted but lets any client choose its own address: avoid it.
 */
export function trustProxySetting(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
