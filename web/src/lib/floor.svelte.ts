import { applyDelta, DeltaSchema, type Delta } from '../../../shared/delta.ts';
import { AgentRowSchema, AlertSchema, QueueRowSchema, SnapshotSchema, TeamRowSchema, type Snapshot } from '../../../shared/snapshot.ts';
import type { z } from 'zod';
import { RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MS, type FloorSocket } from './socket.ts';

export type ConnectionStatus =
  | { kind: 'connecting' }
  | { kind: 'live' }
  /** Had data, lost the connection at `sinceMs` (server-aligned); reconnecting. */
  | { kind: 'stale'; sinceMs: number }
  /** The token or session was refused (`invalid`) or revoked while connected (`revoked`). */
  | { kind: 'unauthorized'; reason: 'invalid' | 'revoked' };

export interface FloorStoreOptions {
  socket: FloorSocket;
  /** Local wall clock; injectable for tests. */
  clock?: () => number;
  /** A refused token is retried this often (a TV must recover unattended once re-authorized); `null` = never. */
  retryUnauthorizedMs?: number | null;
  /** Reports payloads that failed validation (the console by default). */
  onInvalid?: (what: 'snapshot' | 'delta', issues: z.core.$ZodIssue[] | string) => void;
}

/** How long clock-offset samples count; the least-delayed sample in the window is the best estimate. */
const OFFSET_WINDOW_MS = 60_000;
/** Ask again when a requested snapshot has not come after this long. */
const RESYNC_WATCHDOG_MS = 10_000;
/** After an invalid snapshot, wait before asking again so a broken server is not hammered. */
const BAD_SNAPSHOT_RETRY_MS = 3_000;

/**
 * The live floor: holds the latest snapshot, applies deltas in sequence, asks for a fresh
 * snapshot on any gap or invalid payload, and keeps a server-aligned `now` that ticks every
 * second, so every screen's timers agree with the server and with each other.
 */
export class FloorStore {
  snapshot = $state.raw<Snapshot | null>(null);
  /** What the socket says; `status` adds the server's own report on its event store. */
  #link = $state.raw<ConnectionStatus>({ kind: 'connecting' });
  /** Server-aligned time the server reported its event store unhealthy (`floor:status`), else null. */
  #storeDownSince = $state<number | null>(null);
  /** Connection state for the badge: a live link to a server whose store is down shows stale too. */
  readonly status = $derived.by((): ConnectionStatus => {
    const link = this.#link;
    if (link.kind === 'live' && this.#storeDownSince !== null) return { kind: 'stale', sinceMs: this.#storeDownSince };
    return link;
  });
  /** Server-aligned epoch ms, updated on each whole server second. Tiles read time only from here. */
  now = $state(0);
  /** Server-aligned time of the last applied snapshot or delta. */
  lastUpdateMs = $state<number | null>(null);

  readonly #socket: FloorSocket;
  readonly #clock: () => number;
  readonly #retryUnauthorizedMs: number | null;
  readonly #onInvalid: NonNullable<FloorStoreOptions['onInvalid']>;
  #offsetSamples: { at: number; offset: number }[] = [];
  #offset = 0;
  #awaitingSnapshot = true;
  #byeRetryMs: number | null = null;
  #manualRetries = 0;
  #tickTimer: ReturnType<typeof setTimeout> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #watchdog: ReturnType<typeof setTimeout> | null = null;
  #started = false;

  constructor(options: FloorStoreOptions) {
    this.#socket = options.socket;
    this.#clock = options.clock ?? (() => Date.now());
    this.#retryUnauthorizedMs = options.retryUnauthorizedMs ?? null;
    this.#onInvalid = options.onInvalid ?? ((what, issues) => console.error(`Floorboard: invalid ${what} from server`, issues));
    this.now = this.#clock();
    this.#wire();
  }

  /** Server time now (local clock + measured offset), in epoch ms. */
  serverNow(): number {
    return this.#clock() + this.#offset;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#socket.connect();
    this.#tick();
  }

  stop(): void {
    this.#started = false;
    for (const t of [this.#tickTimer, this.#retryTimer, this.#watchdog]) if (t !== null) clearTimeout(t);
    this.#tickTimer = this.#retryTimer = this.#watchdog = null;
    this.#socket.disconnect();
  }

  /** Handles a `floor:snapshot` payload (public for tests; the socket calls it). */
  receiveSnapshot(raw: unknown): void {
    if (this.#link.kind === 'unauthorized') return;
    const parsed = SnapshotSchema.safeParse(raw);
    if (!parsed.success) {
      this.#onInvalid('snapshot', parsed.error.issues);
      this.#awaitingSnapshot = true;
      this.#later('retry', BAD_SNAPSHOT_RETRY_MS, () => this.#resync());
      return;
    }
    this.#clearWatchdog();
    this.#offsetSamples = [];
    this.#sampleOffset(parsed.data.asOf);
    this.#awaitingSnapshot = false;
    this.snapshot = parsed.data;
    this.#markLive();
    // The offset may have moved a lot (new server, clock change): realign the ticks to it.
    if (this.#started) this.#tick();
  }

  /** Handles a `floor:delta` payload (public for tests; the socket calls it). */
  receiveDelta(raw: unknown): void {
    if (this.#link.kind === 'unauthorized' || this.#awaitingSnapshot) return;
    const current = this.snapshot;
    const parsed = DeltaSchema.safeParse(raw);
    if (!parsed.success) {
      this.#onInvalid('delta', parsed.error.issues);
      this.#resync();
      return;
    }
    const delta = parsed.data;
    if (current === null || delta.seq !== current.seq + 1) {
      this.#resync();
      return;
    }
    const incomplete = incompleteNewRows(current, delta);
    if (incomplete !== null) {
      this.#onInvalid('delta', incomplete);
      this.#resync();
      return;
    }
    this.#sampleOffset(delta.asOf);
    this.snapshot = applyDelta(current, delta);
    this.#markLive();
  }

  #wire(): void {
    const s = this.#socket;
    s.on('connect', () => {
      this.#manualRetries = 0;
      this.#byeRetryMs = null;
      // The server sends a fresh snapshot on every connect; deltas before it are meaningless.
      this.#awaitingSnapshot = true;
      this.#armWatchdog();
    });
    s.on('floor:snapshot', (snap) => this.receiveSnapshot(snap));
    s.on('floor:delta', (delta) => this.receiveDelta(delta));
    s.on('server:bye', (info) => {
      this.#byeRetryMs = typeof info?.retryMs === 'number' && info.retryMs >= 0 ? Math.min(info.retryMs, 30_000) : null;
      this.#markStale();
    });
    s.on('auth:revoked', () => this.#unauthorized('revoked'));
    s.on('floor:status', (info) => {
      if (typeof info?.storeHealthy !== 'boolean') return;
      if (info.storeHealthy) this.#storeDownSince = null;
      else if (this.#storeDownSince === null) this.#storeDownSince = this.lastUpdateMs ?? this.serverNow();
    });
    s.on('disconnect', (reason) => {
      this.#clearWatchdog();
      this.#storeDownSince = null;
      if (this.#link.kind === 'unauthorized') return;
      this.#awaitingSnapshot = true;
      this.#markStale();
      // socket.io only reconnects by itself after transport failures; a server-side disconnect
      // (e.g. a draining instance) needs a manual reconnect.
      if (reason === 'io server disconnect' && this.#started) this.#retryConnect(this.#byeRetryMs ?? RECONNECT_DELAY_MS);
    });
    s.on('connect_error', (err) => {
      if (err?.message === 'unauthorized') {
        this.#unauthorized('invalid');
        return;
      }
      this.#markStale();
      // Transport errors reconnect by themselves; a refusal by server middleware does not.
      if (!s.active && this.#started) this.#retryConnect(backoff(this.#manualRetries++));
    });
  }

  #unauthorized(reason: 'invalid' | 'revoked'): void {
    this.#link = { kind: 'unauthorized', reason };
    this.snapshot = null;
    this.#awaitingSnapshot = true;
    this.#clearWatchdog();
    this.#socket.disconnect();
    if (this.#retryUnauthorizedMs !== null && this.#started) {
      this.#later('retry', this.#retryUnauthorizedMs, () => {
        this.#link = { kind: 'connecting' };
        this.#socket.connect();
      });
    }
  }

  #retryConnect(delayMs: number): void {
    this.#later('retry', delayMs, () => {
      if (!this.#socket.connected) this.#socket.connect();
    });
  }

  #resync(): void {
    this.#awaitingSnapshot = true;
    if (this.#socket.connected) {
      this.#socket.emit('floor:resync');
      this.#armWatchdog();
    }
  }

  #armWatchdog(): void {
    this.#clearWatchdog();
    this.#watchdog = setTimeout(() => {
      this.#watchdog = null;
      if (this.#awaitingSnapshot && this.#socket.connected) this.#resync();
    }, RESYNC_WATCHDOG_MS);
  }

  #clearWatchdog(): void {
    if (this.#watchdog !== null) clearTimeout(this.#watchdog);
    this.#watchdog = null;
  }

  #later(_slot: 'retry', delayMs: number, fn: () => void): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      fn();
    }, delayMs);
  }

  #markLive(): void {
    const now = this.serverNow();
    this.now = now;
    this.lastUpdateMs = now;
    if (this.#link.kind !== 'live') this.#link = { kind: 'live' };
  }

  #markStale(): void {
    if (this.#link.kind === 'unauthorized' || this.#link.kind === 'stale') return;
    if (this.snapshot === null) {
      if (this.#link.kind !== 'connecting') this.#link = { kind: 'connecting' };
      return;
    }
    this.#link = { kind: 'stale', sinceMs: this.lastUpdateMs ?? this.serverNow() };
  }

  /**
   * `asOf` is the server clock when the frame was made; receipt is later by the network delay,
   * so the largest offset seen recently is the least-delayed and best estimate.
   */
  #sampleOffset(asOf: string): void {
    const serverMs = Date.parse(asOf);
    if (!Number.isFinite(serverMs)) return;
    const at = this.#clock();
    this.#offsetSamples.push({ at, offset: serverMs - at });
    this.#offsetSamples = this.#offsetSamples.filter((s) => at - s.at <= OFFSET_WINDOW_MS);
    this.#offset = Math.max(...this.#offsetSamples.map((s) => s.offset));
  }

  #tick = (): void => {
    if (this.#tickTimer !== null) clearTimeout(this.#tickTimer);
    this.#tickTimer = null;
    const now = this.serverNow();
    this.now = now;
    if (!this.#started) return;
    // Tick just after each whole server second, so every timer on every screen turns together.
    this.#tickTimer = setTimeout(this.#tick, 1000 - (((now % 1000) + 1000) % 1000) + 5);
  };
}

function backoff(attempt: number): number {
  return Math.min(RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MS * 2 ** attempt);
}

/**
 * A delta may only upsert partial rows for ids the client already has; a new id must come
 * complete. Returns the problem, or null when the delta can be applied.
 */
function incompleteNewRows(snap: Snapshot, delta: Delta): string | null {
  const checks = [
    ['queues', snap.queues, delta.queues?.upsert, QueueRowSchema],
    ['agents', snap.agents, delta.agents?.upsert, AgentRowSchema],
    ['teams', snap.teams, delta.teams?.upsert, TeamRowSchema],
    ['alerts', snap.alerts, delta.alerts?.upsert, AlertSchema],
  ] as const;
  for (const [name, rows, upserts, schema] of checks) {
    if (!upserts?.length) continue;
    const known = new Set<string>(rows.map((r) => r.id));
    for (const row of upserts) {
      if (known.has(row.id)) continue;
      const result = (schema as z.ZodType).safeParse(row);
      if (!result.success) return `${name}: new row ${row.id} is incomplete`;
    }
  }
  return null;
}
