/**
 * The bench's wire screen speaks socket.io's protocol well enough to be a screen: it connects with
 * a token, gets what a socket.io-client gets (a large snapshot spread over many TCP reads, then
 * deltas), answers pings, is refused with a bad token, and hangs up cleanly.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvents, startTestApp, TEST_SECRETS, until, type TestApp } from '../../server/test-support/test-app.ts';
import { connectWire, eventPayload, SharedDecode } from './wire-client.ts';

const T0 = Date.parse('2026-11-23T10:00:00+08:00');
const now = () => performance.now();

describe('wire screen (bench client)', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({ now: T0 + 600_000 });
    port = Number(new URL(t.url).port);
    // Enough agents for a snapshot of a few hundred KB: it arrives in many reads.
    await postEvents(t.url, Array.from({ length: 1500 }, (_, i) => ({ id: `w-login-${i}`, ts: T0 + i, type: 'agent.login', agentId: `w${i}`, teamId: `t${i % 5}`, name: `Agent number ${i}` })));
  });
  afterAll(async () => { await t.close(); });

  it('gets the same snapshot and deltas as a socket.io-client, and shares the decoding of identical frames', async () => {
    const reference = connect(t.url, { auth: { token: TEST_SECRETS.displayToken }, transports: ['websocket'] });
    const ref: { snapshot: unknown; deltas: unknown[] } = { snapshot: null, deltas: [] };
    reference.on('floor:snapshot', (s) => { ref.snapshot = s; });
    reference.on('floor:delta', (d) => ref.deltas.push(d));
    const decode = new SharedDecode(eventPayload);
    const got: { name: string; payload: unknown }[][] = [[], []];
    const screens = await Promise.all([0, 1].map((k) => connectWire(port, { token: TEST_SECRETS.displayToken }, (name, frame) => got[k]!.push({ name, payload: decode.get(frame) }), now)));
    await until(() => ref.snapshot !== null && got.every((g) => g.some((m) => m.name === 'floor:snapshot')), 10_000, 'snapshots');
    const snap = got[0]!.find((m) => m.name === 'floor:snapshot')!.payload as { agents: unknown[] };
    expect(snap.agents).toHaveLength(1500);
    expect(JSON.stringify(snap).length).toBeGreaterThan(200_000);
    expect(snap).toEqual(ref.snapshot);

    await postEvents(t.url, { id: 'w-state-1', ts: T0 + 60_000, type: 'agent.state', agentId: 'w7', state: 'on_call' });
    await until(() => ref.deltas.length > 0 && got.every((g) => g.some((m) => m.name === 'floor:delta')), 5000, 'deltas');
    const deltas = got[0]!.filter((m) => m.name === 'floor:delta').map((m) => m.payload);
    expect(deltas[0]).toEqual(ref.deltas[0]);
    // Two screens, identical bytes: one decoding per distinct frame (snapshots and deltas alike).
    expect(decode.reused).toBeGreaterThanOrEqual(decode.decoded - 1);
    expect(screens.every((s) => s.events >= 2)).toBe(true);

    const before = t.app.io.sockets.sockets.size;
    for (const s of screens) s.close();
    reference.close();
    await until(() => t.app.io.sockets.sockets.size === before - 3, 5000, 'disconnects');
  });

  it('is refused with a bad token', async () => {
    await expect(connectWire(port, { token: 'not-a-token-000000' }, () => {}, now, 5000)).rejects.toThrow(/unauthorized/);
  });

  it('answers engine.io pings, so the server keeps it connected', async () => {
    const http = createServer();
    const io = new Server(http, { pingInterval: 40, pingTimeout: 60 });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    let disconnected = false;
    io.on('connection', (s) => { s.on('disconnect', () => { disconnected = true; }); });
    const screen = await connectWire((http.address() as AddressInfo).port, {}, () => {}, now);
    await new Promise((r) => setTimeout(r, 400)); // ten ping intervals
    expect(disconnected).toBe(false);
    expect(io.sockets.sockets.size).toBe(1);
    screen.close();
    await until(() => disconnected, 2000, 'disconnect');
    await new Promise<void>((r) => { void io.close(() => r()); });
  });
});
