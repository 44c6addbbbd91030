import type { Delta } from './delta.ts';
import type { Snapshot } from './snapshot.ts';

/** Socket.io contract, checked at compile time on both sides. Payloads are also validated at runtime by the client. */
export interface ServerToClientEvents {
  'floor:snapshot': (snapshot: Snapshot) => void;
  'floor:delta': (delta: Delta) => void;
  /** The server is going away (shutdown); reconnect after `retryMs`. */
  'server:bye': (info: { retryMs: number }) => void;
  'auth:revoked': () => void;
  /**
   * Health of the event store behind this server: sent on connect and on every change. While
   * `storeHealthy` is false the floor shown is the last known state (show a "stale" badge).
   */
  'floor:status': (status: { storeHealthy: boolean }) => void;
}

export interface ClientToServerEvents {
  /** Ask for a full snapshot (after a gap in `seq`). */
  'floor:resync': () => void;
}

export interface InterServerEvents { ping: () => void }

export interface SocketData { role: string; principal: string; scope: { teams: string[] | null; queues: string[] | null } }
