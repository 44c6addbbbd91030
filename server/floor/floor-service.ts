import type { Logger } from 'pino';
import type { Delta } from '../../shared/delta.ts';
import type { Intraday, Snapshot } from '../../shared/snapshot.ts';
import type { EngineConfig } from '../engine/engine-config.ts';
import { FloorEngine } from '../engine/engine.ts';
import { intraday, type IntervalMinutes } from '../engine/intraday.ts';
import { FloorProjector } from '../engine/projector.ts';
import { LOG_START, type EventLog, type LogEntry, type LogPosition } from '../store/event-log.ts';

/** Screens get at most 20 frames a second: deltas are coalesced at least this far apart. */
export const FRAME_MS = 50;
const TICK_MS = 1000;

/**
 * One replica of the floor: follows the event log in log order, folds every entry through the
 * pure engine, and publishes coalesced deltas. All I/O (log, timers) lives here, not in the engine.
 */
export class FloorService {
  readonly engine: FloorEngine;
  readonly projector: FloorProjector;
  private listeners = new Set<(delta: Delta) => void>();
  private stopFollow: (() => void) | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  /** Log position of the last folded entry. */
  position: LogPosition = LOG_START;
  /** Arrival-time lag of the newest folded event behind its event time (ms), for health and metrics. */
  lastFoldAt = 0;

  constructor(private readonly log: EventLog, engineConfig: EngineConfig, private readonly clock: () => number, private readonly logger: Logger) {
    this.engine = new FloorEngine(engineConfig);
    this.projector = new FloorProjector(this.engine);
  }

  start(): void {
    this.stopFollow = this.log.follow(this.position, (entries) => this.fold(entries));
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  stop(): void {
    this.stopFollow?.();
    this.stopFollow = null;
    if (this.ticker) clearInterval(this.ticker);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.ticker = this.flushTimer = null;
  }

  onDelta(listener: (delta: Delta) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Full snapshot at the last published seq. It already holds changes not yet published; the next
   * delta repeats them, which is harmless because patches carry values, not increments.
   */
  snapshot(): Snapshot {
    return this.projector.snapshot(this.clock());
  }

  intraday(intervalMinutes: IntervalMinutes, queueId: string | null): Intraday {
    return intraday(this.engine, this.clock(), intervalMinutes, queueId);
  }

  private fold(entries: LogEntry[]): void {
    for (const entry of entries) {
      try {
        this.engine.apply(entry.event);
      } catch (err) {
        // A validated event must never stop the floor; log it and go on with the next one.
        this.logger.error({ err, eventId: entry.event.id, pos: entry.pos }, 'event could not be folded');
      }
      this.position = entry.pos;
    }
    this.lastFoldAt = this.clock();
    this.scheduleFlush();
  }

  private tick(): void {
    this.engine.tick(this.clock());
    this.flush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastFlush + FRAME_MS - Date.now());
    this.flushTimer = setTimeout(() => { this.flushTimer = null; this.flush(); }, wait);
  }

  /** Publishes one coalesced delta of everything changed since the previous one. */
  flush(): void {
    if (this.flushTimer) { clearTimeout(this.flushTimer); this.flushTimer = null; }
    this.lastFlush = Date.now();
    const delta = this.projector.delta(this.clock());
    if (!delta) return;
    for (const l of this.listeners) {
      try { l(delta); } catch (err) { this.logger.error({ err }, 'delta listener failed'); }
    }
  }
}
