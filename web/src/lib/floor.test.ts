import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Delta } from '../../../shared/delta.ts';
import { agentRow, snapshot, T0 } from '../test/fixtures.ts';
import { FloorStore } from './floor.svelte.ts';
import type { FloorSocket } from './socket.ts';

/** Just enough of a socket.io client to drive the store from a test. */
class FakeSocket {
  handlers = new Map<string, ((...args: unknown[]) => void)[]>();
  emitted: string[] = [];
  connected = false;
  active = true;
  connects = 0;
  on(event: string, fn: (...args: unknown[]) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  emit(event: string) {
    this.emitted.push(event);
    return this;
  }
  connect() {
    this.connects += 1;
    return this;
  }
  disconnect() {
    this.connected = false;
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect') this.connected = false;
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
}

const delta = (seq: number, over: Partial<Delta> = {}): Delta => ({ seq, asOf: new Date(T0 + seq * 1000).toISOString(), ...over });

describe('FloorStore', () => {
  let socket: FakeSocket;
  let localNow: number;
  let store: FloorStore;
  const invalid: string[] = [];

  beforeEach(() => {
    vi.useFakeTimers();
    socket = new FakeSocket();
    localNow = T0 + 5_000; // the browser's clock runs 5 s ahead of the server
    invalid.length = 0;
    store = new FloorStore({ socket: socket as unknown as FloorSocket, clock: () => localNow, onInvalid: (what) => invalid.push(what), retryUnauthorizedMs: 60_000 });
    store.start();
    socket.fire('connect');
  });

  afterEach(() => {
    store.stop();
    vi.useRealTimers();
  });

  it('goes live on the first snapshot and aligns now to the server clock', () => {
    expect(store.status.kind).toBe('connecting');
    socket.fire('floor:snapshot', snapshot({ seq: 10 }));
    expect(store.status.kind).toBe('live');
    expect(store.snapshot?.seq).toBe(10);
    expect(store.serverNow()).toBe(T0);
    localNow += 1_000;
    expect(store.serverNow()).toBe(T0 + 1_000);
  });

  it('applies deltas in sequence', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1 }));
    socket.fire('floor:delta', delta(2, { agents: { upsert: [{ id: 'a1', state: 'on_call', stateSince: T0 }] } }));
    socket.fire('floor:delta', delta(3, { totals: { waiting: 4 } }));
    expect(store.snapshot?.seq).toBe(3);
    expect(store.snapshot?.agents.find((a) => a.id === 'a1')?.state).toBe('on_call');
    expect(store.snapshot?.totals.waiting).toBe(4);
    expect(socket.emitted).toEqual([]);
  });

  it('on a gap asks for a snapshot and ignores deltas until it comes', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1 }));
    socket.fire('floor:delta', delta(3, { totals: { waiting: 9 } }));
    expect(socket.emitted).toEqual(['floor:resync']);
    socket.fire('floor:delta', delta(4, { totals: { waiting: 9 } }));
    expect(store.snapshot?.seq).toBe(1);
    expect(store.snapshot?.totals.waiting).toBe(0);
    socket.fire('floor:snapshot', snapshot({ seq: 4 }));
    socket.fire('floor:delta', delta(5, { totals: { waiting: 2 } }));
    expect(store.snapshot?.totals.waiting).toBe(2);
  });

  it('never applies a duplicate delta twice', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1 }));
    socket.fire('floor:delta', delta(2, { totals: { offered: 101 } }));
    socket.fire('floor:delta', delta(2, { totals: { offered: 101 } }));
    expect(store.snapshot?.seq).toBe(2);
    expect(socket.emitted).toEqual(['floor:resync']);
  });

  it('rejects an invalid delta and resyncs', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1 }));
    socket.fire('floor:delta', { seq: 2, asOf: 'x', totals: { waiting: 'many' } });
    expect(invalid).toEqual(['delta']);
    expect(socket.emitted).toEqual(['floor:resync']);
    expect(store.snapshot?.totals.waiting).toBe(0);
  });

  it('rejects a delta that adds an incomplete new row', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1 }));
    socket.fire('floor:delta', delta(2, { agents: { upsert: [{ id: 'new-agent', state: 'available' }] } }));
    expect(invalid).toEqual(['delta']);
    expect(store.snapshot?.agents.some((a) => a.id === 'new-agent')).toBe(false);
    socket.fire('floor:snapshot', snapshot({ seq: 5 }));
    socket.fire('floor:delta', delta(6, { agents: { upsert: [agentRow({ id: 'new-agent' })] } }));
    expect(store.snapshot?.agents.some((a) => a.id === 'new-agent')).toBe(true);
  });

  it('keeps the last good state when a snapshot is invalid, and asks again later', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1 }));
    socket.fire('floor:snapshot', { seq: 'nope' });
    expect(invalid).toEqual(['snapshot']);
    expect(store.snapshot?.seq).toBe(1);
    vi.advanceTimersByTime(3_000);
    expect(socket.emitted).toContain('floor:resync');
  });

  it('shows stale since the last update on disconnect, and live again after the next snapshot', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1 }));
    localNow += 30_000;
    socket.fire('disconnect', 'transport close');
    expect(store.status).toEqual({ kind: 'stale', sinceMs: T0 });
    expect(store.snapshot).not.toBeNull();
    socket.fire('connect');
    socket.fire('floor:delta', delta(2));
    expect(store.status.kind).toBe('stale');
    socket.fire('floor:snapshot', snapshot({ seq: 50, asOf: new Date(T0 + 30_000).toISOString() }));
    expect(store.status.kind).toBe('live');
    expect(store.snapshot?.seq).toBe(50);
  });

  it('reconnects by itself after a server-side disconnect', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1 }));
    const before = socket.connects;
    socket.fire('server:bye', { retryMs: 2_000 });
    socket.fire('disconnect', 'io server disconnect');
    vi.advanceTimersByTime(1_999);
    expect(socket.connects).toBe(before);
    vi.advanceTimersByTime(1);
    expect(socket.connects).toBe(before + 1);
  });

  it('an unauthorized token drops all floor data and retries only slowly', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1 }));
    socket.fire('connect_error', new Error('unauthorized'));
    expect(store.status).toEqual({ kind: 'unauthorized', reason: 'invalid' });
    expect(store.snapshot).toBeNull();
    socket.fire('floor:snapshot', snapshot({ seq: 2 }));
    expect(store.snapshot).toBeNull();
    const before = socket.connects;
    vi.advanceTimersByTime(60_000);
    expect(socket.connects).toBe(before + 1);
    expect(store.status.kind).toBe('connecting');
  });

  it('a revoked token shows the revoked state', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1 }));
    socket.fire('auth:revoked');
    expect(store.status).toEqual({ kind: 'unauthorized', reason: 'revoked' });
    expect(store.snapshot).toBeNull();
  });

  it('shows stale while the server reports its event store down, live again when it recovers', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1 }));
    socket.fire('floor:status', { storeHealthy: false });
    expect(store.status).toEqual({ kind: 'stale', sinceMs: T0 });
    socket.fire('floor:delta', delta(2));
    expect(store.status.kind).toBe('stale');
    socket.fire('floor:status', { storeHealthy: true });
    expect(store.status.kind).toBe('live');
    socket.fire('floor:status', 'garbage');
    expect(store.status.kind).toBe('live');
  });

  it('ticks now on whole server seconds', () => {
    socket.fire('floor:snapshot', snapshot({ seq: 1, asOf: new Date(T0 + 400).toISOString() }));
    expect(store.now).toBe(T0 + 400);
    localNow += 605;
    vi.advanceTimersByTime(605);
    expect(store.now).toBe(T0 + 1_005);
  });
});
