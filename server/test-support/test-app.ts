import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import type { Delta } from '../../shared/delta.ts';
import type { Snapshot } from '../../shared/snapshot.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket.ts';
import { createApp, type FloorboardApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import type { ConfigStore } from '../store/config-store.ts';
import type { EventLog } from '../store/event-log.ts';
import { MemoryLog } from '../store/memory-log.ts';

export const TEST_SECRETS = { adminPassword: 'admin-password-1', ingestKey: 'ingest-key-0123456789', displayToken: 'display-token-0123456789' };

export interface TestApp { app: FloorboardApp; url: string; clock: { now: number }; close(): Promise<void> }

/** The real app on port 0 with a settable clock and (by default) the memory log. */
export async function startTestApp(opts: { now?: number; log?: EventLog; configStore?: ConfigStore; env?: Record<string, string> } = {}): Promise<TestApp> {
  const clock = { now: opts.now ?? Date.now() };
  const config = loadConfig({ SIMULATOR: 'off', ...opts.env });
  const app = await createApp({ config, secrets: TEST_SECRETS, clock: () => clock.now, log: opts.log ?? new MemoryLog(), ...(opts.configStore ? { configStore: opts.configStore } : {}), logger: pino({ level: 'silent' }) });
  const port = await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}`, clock, close: () => app.close() };
}

export async function postEvents(url: string, body: unknown, opts: { key?: string; contentType?: string } = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies
  const res = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.key ?? TEST_SECRETS.ingestKey}`, 'content-type': opts.contentType ?? 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

export async function getSnapshot(url: string, token = TEST_SECRETS.displayToken): Promise<Snapshot> {
  const res = await fetch(`${url}/api/v1/snapshot`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`snapshot ${res.status}`);
  return (await res.json()) as Snapshot;
}

export type FloorClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io client that records what it receives. */
export function connectClient(url: string, auth: Record<string, string> = { token: TEST_SECRETS.displayToken }) {
  const socket: FloorClient = connect(url, { auth, transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200 });
  const snapshots: Snapshot[] = [];
  const deltas: Delta[] = [];
  socket.on('floor:snapshot', (s) => snapshots.push(s));
  socket.on('floor:delta', (d) => deltas.push(d));
  return { socket, snapshots, deltas };
}

/** Polls `cond` until it holds (event-driven code settles within a few frames). */
export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
