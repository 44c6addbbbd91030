import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import type { FloorEvent } from '../../shared/events.ts';
import {
  comparePositions, LOG_START, StoreUnavailableError,
  type AppendResult, type Checkpoint, type EventLog, type LogEntry, type LogPosition,
} from './event-log.ts';
import { defineLogScripts, type LogScripts } from './redis-scripts.ts';
import { rateLimited } from './rate-limited.ts';

export interface RedisLogOptions {
  /** redis://[user:pass@]host:port[/db] (rediss:// for TLS). */
  url: string;
  /** Prefix of every key; several floors can share one Redis with different prefixes. */
  keyPrefix?: string;
  /** How long an event id is remembered for de-duplication (seconds). */
  dedupTtlSec?: number;
  /** Upper bound for append/readAfter/trim, waiting for a (re)connection included. */
  appendTimeoutMs?: number;
  /** Upper bound for checkpoint save/load (their state can be megabytes). */
  checkpointTimeoutMs?: number;
  /** Entries per XREAD of a follower. */
  followBatch?: number;
  /** Told about connection trouble and follower callback errors (rate-limited). Default: console.warn. */
  onError?: (message: string, err: unknown) => void;
}

const POS_RE = /^\d+-\d+$/;
/** Reply errors that mean "the store can't take it now", as opposed to a bug. */
const TRANSIENT_REPLY = /^(OOM|LOADING|READONLY|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|MISCONF)\b/;
const MAX_SEQ = (1n << 64n) - 1n;
const BACKOFF_CAP_MS = 1_000;
const FOLLOW_BLOCK_MS = 2_000;
const HEALTH_PING_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const backoff = (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 10), BACKOFF_CAP_MS);

function checkPos(pos: LogPosition, what: string): void {
  if (!POS_RE.test(pos)) throw new RangeError(`${what}: bad log position ${JSON.stringify(pos)} (expected "<ms>-<seq>")`);
}

/** The smallest stream id after `pos` (XTRIM MINID keeps ids >= minid). */
export function nextStreamId(pos: LogPosition): string {
  const [ms = '0', seq = '0'] = pos.split('-');
  const s = BigInt(seq);
  return s >= MAX_SEQ ? `${BigInt(ms) + 1n}-0` : `${ms}-${s + 1n}`;
}

/** Resolves on 'ready', 'end' or after `ms`, whichever comes first. */
function waitForReady(conn: Redis, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      conn.off('ready', done);
      conn.off('end', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    conn.once('ready', done);
    conn.once('end', done);
  });
}

type RawEntry = [id: string, fields: string[]];

function parseEntries(raw: readonly RawEntry[]): LogEntry[] {
  const out: LogEntry[] = [];
  for (const [id, fields] of raw) {
    const i = fields.indexOf('event');
    const json = i >= 0 && i % 2 === 0 ? fields[i + 1] : undefined;
    if (json === undefined) continue; // not one of ours
    out.push({ pos: id, event: JSON.parse(json) as FloorEvent });
  }
  return out;
}

/**
 * Event log in a Redis Stream (`<prefix>events`, one field `event` holding the JSON event).
 * De-duplication: `<prefix>id:<eventId>` keys set NX with a TTL in the same Lua script as the
 * XADD, so concurrent instances keep exactly one copy. Checkpoint: hash `<prefix>checkpoint`.
 * Every call resolves only after Redis answered and rejects with StoreUnavailableError within
 * `appendTimeoutMs` when Redis is down, loading, out of memory or unresponsive; the client keeps
 * reconnecting in the background (backoff capped at 1 s). Nothing is queued while disconnected,
 * so a rejected append is never executed later behind the caller's back — except a command
 * that was already on the wire, which the de-dup keys make harmless to retry.
 */
export class RedisLog implements EventLog {
  readonly kind = 'redis' as const;
  readonly keyPrefix: string;
  readonly streamKey: string;
  readonly checkpointKey: string;
  private readonly redis: Redis;
  private readonly scripts: LogScripts;
  private readonly dedupTtlSec: number;
  private readonly appendTimeoutMs: number;
  private readonly checkpointTimeoutMs: number;
  private readonly followBatch: number;
  private readonly report: (message: string, err: unknown) => void;
  private readonly followers = new Set<() => void>();
  private readonly readyWaiters = new Set<() => void>();
  private readonly healthTimer: ReturnType<typeof setInterval>;
  private stalled = false;
  private pinging = false;
  private closed = false;
  private readonly reportSometimes = rateLimited((message, err) => this.report(message, err));

  constructor(opts: RedisLogOptions) {
    this.keyPrefix = opts.keyPrefix ?? 'floorboard:';
    this.streamKey = `${this.keyPrefix}events`;
    this.checkpointKey = `${this.keyPrefix}checkpoint`;
    this.dedupTtlSec = Math.max(1, Math.round(opts.dedupTtlSec ?? 3 * 24 * 3600));
    this.appendTimeoutMs = opts.appendTimeoutMs ?? 2_000;
    this.checkpointTimeoutMs = Math.max(opts.checkpointTimeoutMs ?? 10_000, this.appendTimeoutMs);
    this.followBatch = opts.followBatch ?? 1_000;
    const onError = opts.onError ?? ((message: string, err: unknown) => console.warn(`[redis-log] ${message}:`, err instanceof Error ? err.message : err));
    this.report = onError;

    this.redis = new Redis(opts.url, this.connectionOptions({
      connectionName: 'floorboard-log',
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      // A Redis that stops answering (SIGSTOP, half-open TCP) is dropped and reconnected.
      socketTimeout: Math.max(5_000, this.checkpointTimeoutMs),
    }));
    this.redis.on('error', (err) => this.reportLimited('connection error', err));
    this.redis.on('ready', () => {
      this.stalled = false;
      for (const w of [...this.readyWaiters]) w();
    });
    this.redis.on('end', () => { for (const w of [...this.readyWaiters]) w(); });
    this.scripts = defineLogScripts(this.redis);

    this.healthTimer = setInterval(() => void this.healthPing(), HEALTH_PING_MS);
    this.healthTimer.unref();
  }

  async append(events: readonly FloorEvent[]): Promise<AppendResult> {
    if (events.length === 0) return { appended: [], duplicates: 0 };
    const dedupKeys = new Array<string>(events.length);
    const payloads = new Array<string>(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      dedupKeys[i] = `${this.keyPrefix}id:${e.id}`;
      payloads[i] = JSON.stringify(e);
    }
    const ids = await this.run('append', this.appendTimeoutMs, () =>
      this.scripts.append(this.streamKey, dedupKeys, this.dedupTtlSec, payloads));
    const appended: LogEntry[] = [];
    for (let i = 0; i < events.length; i++) {
      const id = ids[i];
      if (typeof id === 'string') appended.push({ pos: id, event: events[i]! });
    }
    return { appended, duplicates: events.length - appended.length };
  }

  async readAfter(after: LogPosition, limit: number): Promise<LogEntry[]> {
    checkPos(after, 'readAfter');
    if (limit <= 0) return [];
    const raw = await this.run('readAfter', this.appendTimeoutMs, () =>
      this.redis.xrange(this.streamKey, `(${after}`, '+', 'COUNT', Math.min(Math.floor(limit), 1_000_000_000)));
    return parseEntries(raw as RawEntry[]);
  }

  follow(after: LogPosition, onEntries: (entries: LogEntry[]) => void): () => void {
    checkPos(after, 'follow');
    if (this.closed) throw new StoreUnavailableError('event log closed');
    // Its own connection: XREAD BLOCK occupies it. A dropped connection fails the pending read
    // (maxRetriesPerRequest 0 flushes it; ioredis would otherwise leave it pending forever when
    // not resending), a silent socket (no reply within BLOCK + 5 s) is torn down, and the loop
    // waits for the reconnection and reads again from the last delivered id.
    const conn = this.redis.duplicate(this.connectionOptions({
      connectionName: 'floorboard-log-follow',
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      socketTimeout: FOLLOW_BLOCK_MS + 5_000,
    }));
    conn.on('error', (err) => this.reportLimited('follower connection error', err));
    let stopped = false;
    let last = after;

    const loop = async () => {
      let failures = 0;
      while (!stopped) {
        if (conn.status !== 'ready') {
          await waitForReady(conn, BACKOFF_CAP_MS);
          if (stopped) break;
        }
        let raw: [string, RawEntry[]][] | null;
        try {
          raw = await conn.xread('COUNT', this.followBatch, 'BLOCK', FOLLOW_BLOCK_MS, 'STREAMS', this.streamKey, last) as [string, RawEntry[]][] | null;
          failures = 0;
        } catch (err) {
          if (stopped) break;
          this.reportLimited('follower read failed, retrying', err);
          await sleep(backoff(failures++));
          continue;
        }
        if (stopped) break;
        const entries = parseEntries(raw?.[0]?.[1] ?? []);
        if (entries.length === 0) continue;
        last = entries[entries.length - 1]!.pos;
        try {
          onEntries(entries);
        } catch (err) {
          this.report('follow callback threw', err);
        }
      }
    };

    const stop = () => {
      if (stopped) return;
      stopped = true;
      this.followers.delete(stop);
      conn.disconnect();
    };
    this.followers.add(stop);
    void loop();
    return stop;
  }

  /**
   * The stream's last generated id (kept by Redis even when the newest entries were trimmed);
   * LOG_START for a stream that does not exist yet.
   */
  async lastPosition(): Promise<LogPosition> {
    return this.run('lastPosition', this.appendTimeoutMs, async () => {
      if (await this.redis.exists(this.streamKey) === 0) return LOG_START;
      const info = await this.redis.xinfo('STREAM', this.streamKey) as unknown[];
      const i = info.indexOf('last-generated-id');
      const id = i >= 0 ? info[i + 1] : undefined;
      return typeof id === 'string' && POS_RE.test(id) ? id : LOG_START;
    });
  }

  async saveCheckpoint(cp: Checkpoint): Promise<void> {
    checkPos(cp.pos, 'saveCheckpoint');
    const json = JSON.stringify(cp);
    await this.run('saveCheckpoint', this.checkpointTimeoutMs, () =>
      this.scripts.saveCheckpoint(this.checkpointKey, cp.pos, json));
  }

  async loadCheckpoint(): Promise<Checkpoint | null> {
    const json = await this.run('loadCheckpoint', this.checkpointTimeoutMs, () => this.redis.hget(this.checkpointKey, 'json'));
    return json === null ? null : (JSON.parse(json) as Checkpoint);
  }

  /**
   * Drops entries at or before `pos`, but never past the saved checkpoint (without one, nothing).
   * The checkpoint only moves forward, so clamping to a value read just before is safe.
   */
  async trimThrough(pos: LogPosition): Promise<number> {
    checkPos(pos, 'trimThrough');
    return this.run('trimThrough', this.appendTimeoutMs, async () => {
      const cpPos = await this.redis.hget(this.checkpointKey, 'pos');
      if (cpPos === null || !POS_RE.test(cpPos)) return 0;
      const through = comparePositions(pos, cpPos) <= 0 ? pos : cpPos;
      return this.redis.xtrim(this.streamKey, 'MINID', nextStreamId(through));
    });
  }

  /**
   * Checks the server settings the log relies on (docs/redis.md) and returns one warning per
   * problem, for the caller to log at start. Empty when all is well.
   */
  async durabilityWarnings(): Promise<string[]> {
    let cfg: Record<string, string>;
    try {
      const flat = await this.run('config', this.appendTimeoutMs, () =>
        this.redis.config('GET', 'appendonly', 'appendfsync', 'maxmemory-policy', 'maxmemory') as Promise<string[]>);
      cfg = {};
      for (let i = 0; i + 1 < flat.length; i += 2) cfg[flat[i]!] = flat[i + 1]!;
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      return [`could not read the Redis configuration (${err instanceof Error ? err.message : String(err)}); make sure appendonly=yes and maxmemory-policy=noeviction`];
    }
    const warnings: string[] = [];
    if (cfg.appendonly !== 'yes') warnings.push(`Redis appendonly is "${cfg.appendonly}": acknowledged events are lost when Redis restarts; set appendonly yes`);
    else if (cfg.appendfsync === 'no') warnings.push('Redis appendfsync is "no": a machine crash can lose ~30 s of acknowledged events; use everysec or always');
    const policy = cfg['maxmemory-policy'];
    if (policy !== undefined && policy !== 'noeviction') {
      warnings.push(`Redis maxmemory-policy is "${policy}": under memory pressure Redis may evict the event stream or de-dup keys; set noeviction`);
    }
    return warnings;
  }

  healthy(): boolean {
    return !this.closed && this.redis.status === 'ready' && !this.stalled;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.healthTimer);
    for (const stop of [...this.followers]) stop();
    for (const w of [...this.readyWaiters]) w();
    if (this.redis.status === 'ready') {
      try {
        await Promise.race([this.redis.quit(), sleep(1_000)]);
      } catch { /* going away anyway */ }
    }
    this.redis.disconnect();
  }

  // ---------------------------------------------------------------------------------------------

  private connectionOptions(extra: RedisOptions): RedisOptions {
    return {
      connectTimeout: Math.max(500, this.appendTimeoutMs),
      retryStrategy: (attempt: number) => backoff(attempt),
      enableReadyCheck: true, // waits while Redis loads its AOF after a restart
      lazyConnect: false,
      ...extra,
    };
  }

  /** Runs `fn` once the connection is ready; everything (waiting included) within `timeoutMs`. */
  private async run<T>(what: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    await this.whenReady(what, deadline);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.stalled = true;
        reject(new StoreUnavailableError(`${what}: Redis did not answer within ${timeoutMs} ms`));
      }, Math.max(0, deadline - performance.now()));
    });
    try {
      const result = await Promise.race([fn(), timeout]);
      this.stalled = false;
      return result;
    } catch (err) {
      throw this.toStoreError(what, err);
    } finally {
      clearTimeout(timer);
    }
  }

  private whenReady(what: string, deadline: number): Promise<void> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('event log closed'));
    if (this.redis.status === 'ready') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        this.readyWaiters.delete(settle);
        if (!this.closed && this.redis.status === 'ready') resolve();
        else reject(new StoreUnavailableError(this.closed ? 'event log closed' : `${what}: Redis unavailable (${this.redis.status})`));
      };
      const timer = setTimeout(settle, Math.max(0, deadline - performance.now()));
      this.readyWaiters.add(settle);
    });
  }

  private toStoreError(what: string, err: unknown): Error {
    if (err instanceof StoreUnavailableError) return err;
    if (err instanceof (ReplyError as unknown as typeof Error) && !TRANSIENT_REPLY.test(err.message)) {
      return err; // a real bug (e.g. WRONGTYPE): let it surface as a 500
    }
    // Connection trouble (or a transient refusal): unhealthy until the next success or 'ready'.
    this.stalled = true;
    const msg = err instanceof Error ? err.message : String(err);
    const out = new StoreUnavailableError(`${what}: Redis unavailable (${msg})`);
    out.cause = err;
    return out;
  }

  private async healthPing(): Promise<void> {
    if (this.closed || this.pinging || this.redis.status !== 'ready') return;
    this.pinging = true;
    try {
      await this.run('ping', this.appendTimeoutMs, () => this.redis.ping());
    } catch { /* run() marked it stalled; the socket timeout reconnects */ } finally {
      this.pinging = false;
    }
  }

  private reportLimited(message: string, err: unknown): void {
    if (!this.closed) this.reportSometimes(message, err);
  }
}
