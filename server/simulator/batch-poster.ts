import type { EventInput } from '../../shared/events.ts';

/** The logging the simulator needs; a pino logger fits. */
export interface SimLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: SimLogger = { info: () => {}, warn: () => {}, error: () => {} };

export interface BatchPosterOptions {
  /** Full ingest URL, e.g. `http://localhost:3000/api/v1/events`. */
  url: string;
  ingestKey: string;
  logger?: SimLogger;
  /** First retry delay; doubles per failed attempt up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per-request timeout; a request that takes longer is retried. */
  requestTimeoutMs?: number;
  /** Aborts retries and the request in flight (the simulator is stopping). */
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export interface PostResult { accepted: number; duplicates: number }

export interface PosterCounters { requests: number; retries: number; accepted: number; duplicates: number; lastError: string | null }

/** Thrown by `send` when the poster was stopped before the batch was acknowledged. */
export class PosterStoppedError extends Error {
  constructor() {
    super('simulator stopped before the batch was acknowledged');
    this.name = 'PosterStoppedError';
  }
}

/**
 * Posts event batches to the ingest API as any integration would, and never gives up on one:
 * a network error or a non-2xx answer is retried with the same events (same ids, so the
 * server counts a batch once however often it arrives), with exponential backoff, honouring
 * `Retry-After`. A `413 Payload Too Large` splits the batch in halves instead.
 */
export class BatchPoster {
  readonly counters: PosterCounters = { requests: 0, retries: 0, accepted: 0, duplicates: 0, lastError: null };
  private readonly logger: SimLogger;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly requestTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: BatchPosterOptions) {
    this.logger = options.logger ?? silentLogger;
    this.initialBackoffMs = options.initialBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 15_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Resolves once the server has acknowledged every event; rejects only with PosterStoppedError. */
  async send(events: readonly EventInput[]): Promise<PostResult> {
    if (events.length === 0) return { accepted: 0, duplicates: 0 };
    const body = JSON.stringify(events);
    for (let attempt = 0; ; attempt += 1) {
      this.throwIfStopped();
      if (attempt > 0) this.counters.retries += 1;
      let retryAfterMs: number | null = null;
      try {
        this.counters.requests += 1;
        const response = await this.post(body);
        if (response.ok) {
          const result = await readResult(response, events.length);
          this.counters.accepted += result.accepted;
          this.counters.duplicates += result.duplicates;
          if (attempt > 0) this.logger.info({ events: events.length, attempts: attempt + 1 }, 'simulator batch delivered after retries');
          this.counters.lastError = null;
          return result;
        }
        if (response.status === 413 && events.length > 1) {
          await response.body?.cancel();
          const half = Math.ceil(events.length / 2);
          this.logger.warn({ events: events.length }, 'ingest answered 413: splitting the batch');
          const a = await this.send(events.slice(0, half));
          const b = await this.send(events.slice(half));
          return { accepted: a.accepted + b.accepted, duplicates: a.duplicates + b.duplicates };
        }
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        const detail = (await response.text().catch(() => '')).slice(0, 300);
        this.counters.lastError = `HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
      } catch (err) {
        if (this.options.signal?.aborted) throw new PosterStoppedError();
        this.counters.lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
      const backoff = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(attempt, 20));
      const delay = retryAfterMs === null ? backoff : Math.min(Math.max(retryAfterMs, backoff), 60_000);
      this.logger.warn({ events: events.length, attempt: attempt + 1, retryInMs: delay, error: this.counters.lastError }, 'simulator batch not accepted; retrying');
      await sleep(delay, this.options.signal);
    }
  }

  private async post(body: string): Promise<Response> {
    const timeout = AbortSignal.timeout(this.requestTimeoutMs);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    return this.fetchImpl(this.options.url, {
      method: 'POST',
      // The source label of the data-quality panel (server/ops/ingest-stats.ts).
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.ingestKey}`, 'x-floorboard-source': 'simulator' },
      body,
      signal,
    });
  }

  private throwIfStopped(): void {
    if (this.options.signal?.aborted) throw new PosterStoppedError();
  }
}

async function readResult(response: Response, sent: number): Promise<PostResult> {
  const json: unknown = await response.json().catch(() => null);
  if (json !== null && typeof json === 'object') {
    const { accepted, duplicates } = json as Record<string, unknown>;
    if (typeof accepted === 'number' && typeof duplicates === 'number') return { accepted, duplicates };
  }
  return { accepted: sent, duplicates: 0 };
}

/** `Retry-After` as delay-seconds or an HTTP date; null when absent or unreadable. */
function parseRetryAfter(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Resolves after `ms`, or early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
