import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { ErrorBody } from '../../../shared/errors.ts';
import { ApiError, validationFailed } from '../../http/api-error.ts';
import { StoreUnavailableError } from '../../store/event-log.ts';
import type { IngestService } from '../ingest-service.ts';
import { ASTERISK_QUEUE_LOG_PATH } from '../paths.ts';
import { QueueLogMapper, type QueueLogOptions, type QueueLogRejection } from './mapper.ts';

export interface AsteriskRouterOptions extends QueueLogOptions {
  ingest: IngestService;
  /** Largest accepted body (express/body-parser syntax). Default `20mb`. */
  limit?: string;
  /** Body-parser `verify` hook over the raw bytes (the signature check of signing ingest keys, server/auth/ingest-signature.ts). */
  verify?: (req: IncomingMessage, res: ServerResponse, buf: Buffer, encoding: string) => void;
}

/** The 202 answer. */
export interface QueueLogIngestReply {
  accepted: number;
  duplicates: number;
  ignored: number;
  rejected: QueueLogRejection[];
}

/**
 * `POST /api/v1/ingest/asterisk-queue-log` (mount at the app root, behind the ingest-key check).
 * Body `text/plain`: queue_log lines. Malformed lines are reported in `rejected` and skipped, unless
 * `?atomic=true`: then any malformed line answers 400 (issues `line N`) and nothing is applied.
 * Requests are mapped and stored one at a time, in arrival order, so the adapter's per-agent memory
 * (see QueueLogMapper) follows the file; that memory only advances once a batch is stored.
 */
export function createAsteriskRouter(options: AsteriskRouterOptions): Router {
  const { ingest, limit = '20mb', verify, ...mapOptions } = options;
  const mapper = new QueueLogMapper(mapOptions);
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const router = Router();
  router.post(
    ASTERISK_QUEUE_LOG_PATH,
    express.text({ type: 'text/plain', limit, ...(verify ? { verify } : {}) }),
    async (req: Request, res: Response) => {
      if (!req.is('text/plain')) {
        throw new ApiError(415, 'unsupported_media_type', `send queue_log lines as Content-Type: text/plain (got ${req.get('content-type') ?? 'none'})`);
      }
      const text: string = typeof req.body === 'string' ? req.body : '';
      const atomic = isTrue(req.query.atomic);
      const reply = await serially(async (): Promise<QueueLogIngestReply> => {
        const draft = mapper.fork();
        const mapped = draft.map(text);
        if (atomic && mapped.rejected.length > 0) {
          throw validationFailed(
            mapped.rejected.map((r) => ({ path: `line ${r.line}`, message: r.reason })),
            `${mapped.rejected.length} malformed line(s); nothing was applied`,
          );
        }
        const { accepted, duplicates } = mapped.events.length > 0 ? await ingest.ingest(mapped.events, true, 'asterisk') : { accepted: 0, duplicates: 0 };
        mapper.adopt(draft);
        return { accepted, duplicates, ignored: mapped.ignored, rejected: mapped.rejected };
      });
      res.status(202).json(reply);
    },
  );
  router.use(ASTERISK_QUEUE_LOG_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const apiError = toApiError(err);
    if (!apiError) { next(err); return; }
    const body: ErrorBody = { error: { code: apiError.code, message: apiError.message, ...(apiError.issues ? { issues: apiError.issues } : {}) } };
    res.status(apiError.status).set(apiError.headers).json(body);
  });
  return router;
}

function isTrue(v: unknown): boolean {
  return v === 'true' || v === '1' || v === '';
}

/** Errors this router answers itself; anything else goes on to the app's error handler. */
function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreUnavailableError) {
    return new ApiError(503, 'store_unavailable', 'event store unavailable; retry later', undefined, { 'Retry-After': String(err.retryAfterSec) });
  }
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return new ApiError(413, 'payload_too_large', 'body too large; send fewer lines per request');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') return new ApiError(415, 'unsupported_media_type', (err as Error).message);
  if (type === 'request.aborted' || type === 'entity.verify.failed' || type === 'request.size.invalid') return new ApiError(400, 'validation_failed', (err as Error).message);
  return null;
}
