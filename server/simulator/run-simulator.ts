import type { EventInput } from '../../shared/events.ts';
import { BatchPoster, PosterStoppedError, silentLogger, sleep, type SimLogger } from './batch-poster.ts';
import { localDayOf } from './day-plan.ts';
import { DEFAULT_CENTER_TZ, FloorModel, type FloorStatus } from './floor-model.ts';

export type { SimLogger } from './batch-poster.ts';

export interface SimulatorOptions {
  /** Server base URL, e.g. `http://localhost:3000`. */
  baseUrl: string;
  ingestKey: string;
  /** `CENTER_TZ`; default Asia/Shanghai. */
  tz?: string;
  /** Wall clock in epoch ms (injectable for tests). */
  clock: () => number;
  logger?: SimLogger;
  seed?: number;
  /** Replay today's history (from local midnight or `backfillFromMs`) before going live; default true. */
  backfill?: boolean;
  backfillFromMs?: number;
  /** Live cadence; default 500 ms. */
  tickMs?: number;
  /** Largest batch per request; default 5,000 events. */
  maxBatch?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  fetch?: typeof fetch;
}

export interface SimulatorStats {
  phase: 'backfill' | 'live' | 'stopped';
  batchesSent: number;
  eventsSent: number;
  duplicates: number;
  retries: number;
  lastError: string | null;
  model: FloorStatus;
}

export interface SimulatorHandle {
  readonly model: FloorModel;
  /** Resolves when the backfill has been acknowledged (or the simulator stopped first). */
  readonly backfilled: Promise<void>;
  stats(): SimulatorStats;
  /** Stops ticking and retrying; resolves once the loop has ended. */
  stop(): Promise<void>;
}

/**
 * Runs the floor model against a Floorboard server through its public ingest API: first the
 * day so far in large batches, then every `tickMs` whatever happened since, as one batch.
 * A batch is retried (same events, same ids) until the server acknowledges it, and the next
 * batch waits for that, so nothing is lost, nothing counted twice and order is kept.
 */
export function startSimulator(options: SimulatorOptions): SimulatorHandle {
  const tz = options.tz ?? DEFAULT_CENTER_TZ;
  const logger = options.logger ?? silentLogger;
  const tickMs = options.tickMs ?? 500;
  const maxBatch = options.maxBatch ?? 5000;
  const doBackfill = options.backfill ?? true;
  const now = options.clock();
  const startMs = doBackfill ? Math.min(now, options.backfillFromMs ?? localDayOf(now, tz).startMs) : now;
  const model = new FloorModel({ startMs, seed: options.seed ?? 1, tz });
  const abort = new AbortController();
  const poster = new BatchPoster({
    url: `${options.baseUrl.replace(/\/+$/, '')}/api/v1/events`,
    ingestKey: options.ingestKey,
    logger,
    signal: abort.signal,
    ...(options.initialBackoffMs === undefined ? {} : { initialBackoffMs: options.initialBackoffMs }),
    ...(options.maxBackoffMs === undefined ? {} : { maxBackoffMs: options.maxBackoffMs }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  let phase: SimulatorStats['phase'] = doBackfill ? 'backfill' : 'live';
  let batchesSent = 0;
  let eventsSent = 0;
  let markBackfilled: () => void = () => {};
  const backfilled = new Promise<void>((resolve) => {
    markBackfilled = resolve;
  });

  const send = async (batch: EventInput[]): Promise<void> => {
    await poster.send(batch);
    batchesSent += 1;
    eventsSent += batch.length;
  };

  const run = async (): Promise<void> => {
    if (doBackfill) {
      const t0 = options.clock();
      logger.info({ from: new Date(startMs).toISOString(), to: new Date(t0).toISOString(), seed: model.seed, tz }, 'simulator: backfilling today');
      for (const batch of model.backfill(t0, maxBatch)) {
        await send(batch);
        if (abort.signal.aborted) return;
      }
      logger.info({ events: eventsSent, batches: batchesSent }, 'simulator: backfill done, going live');
    }
    phase = 'live';
    markBackfilled();
    while (!abort.signal.aborted) {
      const events = model.advanceTo(options.clock());
      for (let i = 0; i < events.length && !abort.signal.aborted; i += maxBatch) {
        await send(events.slice(i, i + maxBatch));
      }
      await sleep(tickMs, abort.signal);
    }
  };

  const loop = run()
    .catch((err: unknown) => {
      if (err instanceof PosterStoppedError) return;
      logger.error({ err }, 'simulator stopped by an unexpected error');
    })
    .finally(() => {
      phase = 'stopped';
      markBackfilled();
    });

  return {
    model,
    backfilled,
    stats: () => ({
      phase,
      batchesSent,
      eventsSent,
      duplicates: poster.counters.duplicates,
      retries: poster.counters.retries,
      lastError: poster.counters.lastError,
      model: model.status(),
    }),
    stop: async () => {
      abort.abort();
      await loop;
    },
  };
}
