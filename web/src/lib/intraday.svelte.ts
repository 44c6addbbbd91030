import type { Intraday } from '../../../shared/snapshot.ts';
import { ApiError, fetchIntraday } from './api.ts';

export const INTRADAY_REFRESH_MS = 30_000;

/** The intraday series (GET /api/v1/intraday), refetched every 30 s and on any change of interval or queue. */
export class IntradayStore {
  data = $state.raw<Intraday | null>(null);
  /** The last failure's message, cleared by the next success. */
  error = $state<string | null>(null);
  loading = $state(false);
  interval = $state<15 | 30 | 60>(15);
  queueId = $state<string | null>(null);

  readonly #token: string | null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #abort: AbortController | null = null;

  constructor(token: string | null) {
    this.#token = token;
  }

  start(): void {
    if (this.#timer !== null) return;
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), INTRADAY_REFRESH_MS);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#abort?.abort();
  }

  setInterval(minutes: 15 | 30 | 60): void {
    if (this.interval === minutes) return;
    this.interval = minutes;
    if (this.#timer !== null) void this.refresh();
  }

  setQueue(queueId: string | null): void {
    if (this.queueId === queueId) return;
    this.queueId = queueId;
    if (this.#timer !== null) void this.refresh();
  }

  async refresh(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.loading = true;
    try {
      const data = await fetchIntraday(this.interval, this.queueId, this.#token, abort.signal);
      if (abort.signal.aborted) return;
      this.data = data;
      this.error = null;
    } catch (err) {
      if (abort.signal.aborted) return;
      this.error = err instanceof ApiError ? (err.status ? `${err.status} ${err.message}` : err.message) : String(err);
    } finally {
      if (this.#abort === abort) this.loading = false;
    }
  }
}
