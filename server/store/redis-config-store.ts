import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ConfigStore } from './config-store.ts';
import { StoreUnavailableError } from './event-log.ts';
import { rateLimited } from './rate-limited.ts';

export interface RedisConfigStoreOptions {
  /** redis://[user:pass@]host:port[/db] (rediss:// for TLS). */
  url: string;
  /** Prefix of every key (the event log's prefix, so one floor's keys stay together). */
  keyPrefix?: string;
  /** Upper bound for a call, waiting for a (re)connection included. */
  timeoutMs?: number;
  /** Change notifications kept in the stream (approximate), for watchers that were disconnected. */
  changesMaxLen?: number;
  onError?: (message: string, err: unknown) => void;
}

const BLOCK_MS = 2_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
type RawEntry = [id: string, fields: string[]];

/** Deletes a document and, only if it existed, unindexes it and notifies (atomically). */
const DELETE_LUA = `
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'key', ARGV[1], 'origin', ARGV[2])
return 1
`;

/**
 * Shared configuration in Redis: one string key per document (`<prefix>config:doc:<key>`, JSON),
 * a sorted set of the keys for `keys(prefix)` (`<prefix>config:index`), and a stream of changes
 * (`<prefix>config:changes`, field `key`) that every instance follows with XREAD BLOCK, so `watch`
 * fires on all instances. A stream rather than pub/sub: a watcher that was disconnected reads the
 * changes it missed once Redis is back. Write, index and notification go in one MULTI.
 * Calls reject with StoreUnavailableError within `timeoutMs` while Redis is down.
 */
export class RedisConfigStore implements ConfigStore {
  readonly keyPrefix: string;
  private readonly docPrefix: string;
  private readonly indexKey: string;
  private readonly changesKey: string;
  private readonly redis: Redis;
  private readonly timeoutMs: number;
  private readonly maxLen: number;
  private readonly report: (message: string, err: unknown) => void;
  /** Tags our own notifications: local watchers are told at once, not again through the stream. */
  private readonly origin = randomUUID();
  private readonly watchers = new Set<(key: string) => void>();
  private follower: Redis | null = null;
  private closed = false;
  private readonly reportSometimes = rateLimited((message, err) => this.report(message, err));

  constructor(opts: RedisConfigStoreOptions) {
    this.keyPrefix = opts.keyPrefix ?? 'floorboard:';
    this.docPrefix = `${this.keyPrefix}config:doc:`;
    this.indexKey = `${this.keyPrefix}config:index`;
    this.changesKey = `${this.keyPrefix}config:changes`;
    this.timeoutMs = opts.timeoutMs ?? 2_000;
    this.maxLen = opts.changesMaxLen ?? 10_000;
    this.report = opts.onError ?? ((message, err) => console.warn(`[redis-config] ${message}:`, err instanceof Error ? err.message : err));
    this.redis = new Redis(opts.url, {
      connectionName: 'floorboard-config',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: this.timeoutMs,
      connectTimeout: Math.max(500, this.timeoutMs),
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), 1_000),
    });
    this.redis.on('error', (err) => this.reportLimited('connection error', err));
  }

  async get<T = unknown>(key: string): Promise<T | null> {
    const json = await this.run('get', () => this.redis.get(this.docPrefix + key));
    return json === null ? null : (JSON.parse(json) as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`config value for ${key} is not JSON`);
    await this.run('set', () => this.redis.multi()
      .set(this.docPrefix + key, json)
      .zadd(this.indexKey, 0, key)
      .xadd(this.changesKey, 'MAXLEN', '~', this.maxLen, '*', 'key', key, 'origin', this.origin)
      .exec().then(checkExec));
    this.notify(key);
  }

  async delete(key: string): Promise<void> {
    const removed = await this.run('delete', () => this.redis.eval(DELETE_LUA, 3, this.docPrefix + key, this.indexKey, this.changesKey, key, this.origin, this.maxLen) as Promise<number>);
    if (removed === 1) this.notify(key);
  }

  async keys(prefix: string): Promise<string[]> {
    // Lexicographic range [prefix, prefix + 0xff): exactly the keys starting with prefix.
    const min = prefix === '' ? '-' : `[${prefix}`;
    const max = prefix === '' ? '+' : Buffer.concat([Buffer.from(`(${prefix}`, 'utf8'), Buffer.from([0xff])]);
    return this.run('keys', () => this.redis.zrangebylex(this.indexKey, min, max));
  }

  watch(onChange: (key: string) => void): () => void {
    if (this.closed) throw new StoreUnavailableError('config store closed');
    this.watchers.add(onChange);
    if (!this.follower) {
      // Where following starts is fixed now, on the command connection, so a change made after
      // watch() returned (and after anything the caller then reads) is never skipped.
      const start = (async () => {
        try {
          if (this.redis.status !== 'ready') await this.waitReady('watch');
          const newest = await this.redis.xrevrange(this.changesKey, '+', '-', 'COUNT', 1);
          return newest[0]?.[0] ?? '0-0';
        } catch {
          return null; // Redis away: the reader takes the newest entry once it is back
        }
      })();
      this.startFollowing(start);
    }
    return () => { this.watchers.delete(onChange); };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watchers.clear();
    this.follower?.disconnect();
    this.follower = null;
    if (this.redis.status === 'ready') {
      try { await Promise.race([this.redis.quit(), sleep(1_000)]); } catch { /* going away anyway */ }
    }
    this.redis.disconnect();
  }

  // ---------------------------------------------------------------------------------------------

  private notify(key: string): void {
    for (const w of [...this.watchers]) {
      try { w(key); } catch (err) { this.report('config watcher threw', err); }
    }
  }

  /** One blocking reader per store, from the stream's newest entry at the time watching began. */
  private startFollowing(start: Promise<string | null>): void {
    const conn = this.redis.duplicate({ connectionName: 'floorboard-config-watch', commandTimeout: undefined, socketTimeout: BLOCK_MS + 5_000 });
    conn.on('error', (err) => this.reportLimited('watch connection error', err));
    this.follower = conn;
    const loop = async () => {
      let last: string | null = await start;
      let failures = 0;
      while (!this.closed && this.follower === conn) {
        try {
          if (conn.status !== 'ready') { await sleep(100); continue; }
          if (last === null) {
            const newest = await conn.xrevrange(this.changesKey, '+', '-', 'COUNT', 1);
            last = newest[0]?.[0] ?? '0-0';
          }
          const raw = await conn.xread('COUNT', 1000, 'BLOCK', BLOCK_MS, 'STREAMS', this.changesKey, last) as [string, RawEntry[]][] | null;
          failures = 0;
          for (const [id, fields] of raw?.[0]?.[1] ?? []) {
            last = id;
            const key = field(fields, 'key');
            if (key !== undefined && field(fields, 'origin') !== this.origin) this.notify(key);
          }
        } catch (err) {
          if (this.closed) break;
          this.reportLimited('watch read failed, retrying', err);
          await sleep(Math.min(50 * 2 ** failures++, 1_000));
        }
      }
    };
    void loop();
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('config store closed');
    if (this.redis.status !== 'ready') await this.waitReady(what);
    try {
      return await fn();
    } catch (err) {
      if (err instanceof Error && /^(WRONGTYPE|ERR)\b/.test(err.message)) throw err; // a bug, not an outage
      const out = new StoreUnavailableError(`config ${what}: Redis unavailable (${err instanceof Error ? err.message : String(err)})`);
      out.cause = err;
      throw out;
    }
  }

  private waitReady(what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.redis.off('ready', done);
        if (this.redis.status === 'ready') resolve();
        else reject(new StoreUnavailableError(`config ${what}: Redis unavailable (${this.redis.status})`));
      };
      const timer = setTimeout(done, this.timeoutMs);
      this.redis.once('ready', done);
    });
  }

  private reportLimited(message: string, err: unknown): void {
    if (!this.closed) this.reportSometimes(message, err);
  }
}

function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** MULTI replies are [err, value] pairs; the first error fails the whole call. */
function checkExec(replies: [Error | null, unknown][] | null): [Error | null, unknown][] {
  if (replies === null) throw new Error('MULTI aborted');
  for (const [err] of replies) if (err) throw err;
  return replies;
}
