import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/socket.ts';

export type FloorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Reconnect backoff: starts at 0.5 s and doubles, capped at 5 s, forever. */
export const RECONNECT_DELAY_MS = 500;
export const RECONNECT_DELAY_MAX_MS = 5000;

/**
 * The floor socket on this page's origin. A TV passes its display token; a signed-in browser
 * sends its session cookie. Websocket first (no sticky sessions needed behind a balancer),
 * long-polling as the fallback.
 */
export function createFloorSocket(auth: { token: string } | { cookie: true }): FloorSocket {
  return io({
    autoConnect: false,
    ...('token' in auth ? { auth: { token: auth.token } } : {}),
    withCredentials: true,
    transports: ['websocket', 'polling'],
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: RECONNECT_DELAY_MS,
    reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    randomizationFactor: 0.3,
    timeout: 10_000,
  });
}
