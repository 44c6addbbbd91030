import type { Logger } from 'pino';
import type { Delta } from '../../shared/delta.ts';
import type { Intraday, Snapshot } from '../../shared/snapshot.ts';
import type { EngineConfig } from '../engine/engine-config.ts';
import { FloorEngine, type EngineState } from '../engine/engine.ts';
import { intraday, type IntervalMinutes } from '../engine/intraday.ts';
import { FloorProjector } from '../engine/projector.ts';
import { comparePositions, LOG_START, StoreUnavailableError, type EventLog, type LogEntry, type LogPosition } from '../store/event-log.ts';
import { decodeEngineState, encodeEngineState } from './checkpoint-codec.ts';

/** Screens get at most 20 frames a second: deltas are coalesced at least this far apart. */
export const FRAME_MS = 50;
const TICK_MS = 1000;

export interface FloorServiceOptions {
  /** Save a checkpoint (engine state + the log position it includes) this often; 0 = never. */
  checkpointEverySec?: number;
  /** Trim the log only through checkpoints at least this old (ms), so lagging replicas can catch up. */
  logRetentionMs?: number;
}

/** What screens should know about the store behind the floor (shown as a badge while unhealthy). */
export interface FloorStatus { storeHealthy: boolean }

/**
 * One replica of the floor: follows the event log in log order, folds every entry through the
 * pure engine, and publishes coalesced deltas. All I/O (log, timers) lives here, not in the engine.
 */
export class FloorService {
  /** Replaced once, by the checkpoint restore in `start()`, before anything is folded or served. */
  engine: FloorEngine;
  projector: FloorProjector;
  private listeners = new Set<(delta: Delta) => void>();
  private statusListeners = new Set<(status: FloorStatus) => void>();
  private caughtUpWaiters = new Set<() => void>();
  private foldListeners = new Set<(entries: number, ms: number) => void>();
  private checkpointTimer: NodeJS.Timeout | null = null;
  private checkpointing: Promise<boolean> | null = null;
  /** Checkpoints this replica saved (or restored), oldest first: trimming waits until they age out. */
  private savedCheckpoints: { pos: LogPosition; savedAt: number }[] = [];
  private lastCheckpointPos: LogPosition = LOG_START;
  /** performance.now() before which the periodic checkpoint is skipped (large states back off). */
  private nextCheckpointAt = 0;
  private stopped = false;
  private readonly checkpointEveryMs: number;
  private readonly logRetentionMs: number;
  status: FloorStatus = { storeHealthy: true };
  private stopFollow: (() => void) | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  /** Log position of the last folded entry. */
  position: LogPosition = LOG_START;

  constructor(private readonly log: EventLog, private readonly engineConfig: EngineConfig, private readonly clock: () => number, private readonly logger: Logger, opts: FloorServiceOptions = {}) {
    this.engine = new FloorEngine(engineConfig);
    this.projector = new FloorProjector(this.engine);
    this.checkpointEveryMs = Math.max(0, (opts.checkpointEverySec ?? 0) * 1000);
    this.logRetentionMs = Math.max(0, opts.logRetentionMs ?? 48 * 3600_000);
  }

  /**
   * Restores the newest checkpoint (if any), then follows the log from the position it includes.
   * Resolves once following; while the store is unreachable it keeps retrying (so an instance
   * started before Redis waits for it instead of showing an empty floor).
   */
  async start(): Promise<void> {
    await this.restore();
    if (this.stopped) return;
    this.stopFollow = this.log.follow(this.position, (entries) => this.fold(entries));
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
    if (this.checkpointEveryMs > 0) {
      this.checkpointTimer = setInterval(() => performance.now() >= this.nextCheckpointAt && void this.checkpoint().catch((err: unknown) => this.logger.warn({ err }, 'checkpoint failed')), this.checkpointEveryMs);
      this.checkpointTimer.unref();
    }
  }

  stop(): void {
    this.stopped = true;
    this.stopFollow?.();
    this.stopFollow = null;
    if (this.ticker) clearInterval(this.ticker);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    this.ticker = this.flushTimer = this.checkpointTimer = null;
    for (const w of [...this.caughtUpWaiters]) w();
  }

  /**
   * Saves the engine state with the position it includes (skipped when nothing was folded since
   * the last one), then trims the log through the newest checkpoint older than the retention
   * window. Every replica does this; the log keeps the newest checkpoint. Resolves true if saved.
   */
  checkpoint(): Promise<boolean> {
    this.checkpointing ??= this.saveCheckpoint().finally(() => { this.checkpointing = null; });
    return this.checkpointing;
  }

  /**
   * True once this replica has folded everything the log held when asked (allowing `waitMs` for
   * entries in flight, so a replica under steady load is not reported behind).
   */
  async caughtUp(waitMs = 500): Promise<boolean> {
    const target = await this.log.lastPosition();
    if (comparePositions(this.position, target) >= 0) return true;
    return new Promise<boolean>((resolve) => {
      const check = () => {
        const ok = comparePositions(this.position, target) >= 0;
        if (!ok && !this.stopped && performance.now() < deadline) return;
        clearTimeout(timer);
        this.caughtUpWaiters.delete(check);
        resolve(ok);
      };
      const deadline = performance.now() + waitMs;
      const timer = setTimeout(() => { this.caughtUpWaiters.delete(check); resolve(comparePositions(this.position, target) >= 0); }, waitMs);
      this.caughtUpWaiters.add(check);
    });
  }

  onStatus(listener: (status: FloorStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private async restore(): Promise<void> {
    let cp: Awaited<ReturnType<EventLog['loadCheckpoint']>> = null;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        cp = await this.log.loadCheckpoint();
        break;
      } catch (err) {
        if (!(err instanceof StoreUnavailableError)) throw err;
        if (attempt % 10 === 0) this.logger.warn({ err: err.message }, 'event store unavailable; waiting for it to load the checkpoint');
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2_000)));
      }
    }
    if (!cp || this.stopped) return;
    const t0 = performance.now();
    let state: EngineState;
    try {
      state = decodeEngineState(cp.state);
      this.engine = FloorEngine.importState(this.engineConfig, state);
    } catch (err) {
      this.logger.error({ err, pos: cp.pos }, 'checkpoint could not be restored; replaying the log from its start (entries trimmed before the checkpoint are missing)');
      return;
    }
    if (JSON.stringify(state.cfg) !== JSON.stringify(this.engineConfig)) {
      this.logger.warn({ checkpoint: state.cfg, now: this.engineConfig }, 'checkpoint was folded with another engine configuration; figures already folded keep the old settings');
    }
    this.projector = new FloorProjector(this.engine);
    this.position = cp.pos;
    this.lastCheckpointPos = cp.pos;
    this.savedCheckpoints.push({ pos: cp.pos, savedAt: cp.savedAt });
    this.logger.info({ pos: cp.pos, savedAt: new Date(cp.savedAt).toISOString(), bytes: cp.state.length, ms: Math.round(performance.now() - t0) }, 'restored checkpoint');
  }

  private async saveCheckpoint(): Promise<boolean> {
    if (this.stopped || comparePositions(this.position, this.lastCheckpointPos) <= 0) return false;
    const pos = this.position;
    const savedAt = this.clock();
    const t0 = performance.now();
    const encoding = encodeEngineState(this.engine.exportState()); // stringified synchronously, before any further fold
    const blockedMs = performance.now() - t0;
    // The stringify holds the event loop; keep that under 2 % of the time by spacing large ones out.
    const backoffMs = Math.max(this.checkpointEveryMs, blockedMs * 50);
    this.nextCheckpointAt = performance.now() + backoffMs - 1_000;
    if (blockedMs > 500) this.logger.warn({ blockedMs: Math.round(blockedMs), nextInSec: Math.round(backoffMs / 1000) }, 'checkpoint serialization held the event loop; spacing checkpoints out');
    const state = await encoding;
    await this.log.saveCheckpoint({ pos, state, savedAt });
    this.lastCheckpointPos = pos;
    this.savedCheckpoints.push({ pos, savedAt });
    let through: LogPosition | null = null;
    while (this.savedCheckpoints.length > 0 && this.savedCheckpoints[0]!.savedAt <= savedAt - this.logRetentionMs) through = this.savedCheckpoints.shift()!.pos;
    if (through !== null) {
      const trimmed = await this.log.trimThrough(through);
      if (trimmed > 0) this.logger.info({ through, trimmed }, 'trimmed the event log');
    }
    return true;
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

  /** `listener(entries, ms)` after every folded batch (operations metrics). */
  onFold(listener: (entries: number, ms: number) => void): () => void {
    this.foldListeners.add(listener);
    return () => this.foldListeners.delete(listener);
  }

  private fold(entries: LogEntry[]): void {
    const t0 = performance.now();
    for (const entry of entries) {
      try {
        this.engine.apply(entry.event);
      } catch (err) {
        // A validated event must never stop the floor; log it and go on with the next one.
        this.logger.error({ err, eventId: entry.event.id, pos: entry.pos }, 'event could not be folded');
      }
      this.position = entry.pos;
    }
    if (this.foldListeners.size > 0) {
      const ms = performance.now() - t0;
      for (const l of this.foldListeners) l(entries.length, ms);
    }
    for (const w of [...this.caughtUpWaiters]) w();
    this.scheduleFlush();
  }

  private tick(): void {
    const storeHealthy = this.log.healthy();
    if (storeHealthy !== this.status.storeHealthy) {
      this.status = { storeHealthy };
      this.logger.warn({ storeHealthy }, storeHealthy ? 'event store is back' : 'event store unavailable');
      for (const l of this.statusListeners) {
        try { l(this.status); } catch (err) { this.logger.error({ err }, 'status listener failed'); }
      }
    }
    this.engine.tick(this.clock());
    // Through the frame schedule: a tick right after a frame must not make a 21st frame this second.
    this.scheduleFlush();
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
