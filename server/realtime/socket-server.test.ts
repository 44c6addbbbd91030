import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDelta, type Delta } from '../../shared/delta.ts';
import { DeltaSchema } from '../../shared/delta.ts';
import { SnapshotSchema, type Snapshot } from '../../shared/snapshot.ts';
import { FRAME_MS } from '../floor/floor-service.ts';
import { connectClient, getSnapshot, postEvents, startTestApp, TEST_SECRETS, until, type FloorClient, type TestApp } from '../test-support/test-app.ts';
import { PHASE_GROUPS } from './frame-groups.ts';
import { frameGroupsOf, frameWritesOf } from './socket-server.ts';

const T0 = Date.parse('2026-11-23T10:00:00+08:00');
const ev = (id: string, offsetSec: number, rest: Record<string, unknown>) => ({ id, ts: T0 + offsetSec * 1000, ...rest });

/** Comparable view: drops the instants that only say when a row was projected. */
function comparable(s: Snapshot) {
  return {
    totals: { ...s.totals, longestWaitSec: undefined },
    queues: s.queues.map((q) => ({ ...q, longestWaitSec: undefined })).sort((a, b) => a.id.localeCompare(b.id)),
    agents: s.agents.map((a) => ({ ...a, figuresAt: undefined, loggedInSec: undefined, breakSec: undefined, cph: undefined, grade: undefined })).sort((a, b) => a.id.localeCompare(b.id)),
    teams: s.teams.map((t) => ({ ...t, cph: undefined })).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

describe('live push over socket.io', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ now: T0 + 600_000 });
    await postEvents(t.url, [
      ev('s-1', 0, { type: 'agent.login', agentId: 'a1', teamId: 't1', name: 'Zhang Wei' }),
      ev('s-2', 1, { type: 'agent.login', agentId: 'a2', teamId: 't2', name: 'Amy Chen' }),
    ]);
  });
  afterAll(async () => { await t.close(); });

  it('sends a valid snapshot on connect, then numbered deltas that rebuild the server state', async () => {
    const c = connectClient(t.url);
    await until(() => c.snapshots.length === 1, 5000, 'snapshot');
    const first = SnapshotSchema.parse(c.snapshots[0]);
    expect(first.agents.map((a) => a.id).sort()).toEqual(['a1', 'a2']);

    await postEvents(t.url, [
      ev('s-3', 10, { type: 'call.queued', callId: 'c1', queueId: 'sales' }),
      ev('s-4', 12, { type: 'agent.state', agentId: 'a1', state: 'ringing' }),
    ]);
    await postEvents(t.url, [
      ev('s-5', 15, { type: 'call.answered', callId: 'c1', queueId: 'sales', agentId: 'a1' }),
      ev('s-6', 15, { type: 'agent.state', agentId: 'a1', state: 'on_call' }),
    ]);
    await until(() => c.deltas.some((d) => d.agents?.upsert?.some((a) => a.state === 'on_call')), 5000, 'on_call delta');
    c.deltas.forEach((d, i) => {
      expect(DeltaSchema.parse(d).seq).toBe(first.seq + i + 1);
    });
    const rebuilt = c.deltas.reduce(applyDelta, first);
    expect(comparable(rebuilt)).toEqual(comparable(await getSnapshot(t.url)));
    c.socket.close();
  });

  it('keeps deltas small: a single state change is well under 300 bytes', async () => {
    const c = connectClient(t.url);
    await until(() => c.snapshots.length === 1);
    // As on a live floor: the event is a moment old when it is folded (and the agent is past the
    // first 30 minutes after sign-in, when a break would raise an early-break alert).
    t.clock.now = T0 + 3600_000;
    await postEvents(t.url, ev('s-7', 3599.96, { type: 'agent.state', agentId: 'a2', state: 'break', reason: 'short_break' }));
    await until(() => c.deltas.some((d) => d.agents?.upsert?.some((a) => a.id === 'a2')), 5000, 'a2 delta');
    const d = c.deltas.find((x) => x.agents?.upsert?.some((a) => a.id === 'a2'))!;
    // SPEC §8: a single state change costs at most 300 bytes on the wire (agent, team and floor counters).
    expect(JSON.stringify(d).length).toBeLessThanOrEqual(300);
    c.socket.close();
  });

  it('after a forced disconnect the client reconnects by itself and gets the current floor', async () => {
    const c = connectClient(t.url);
    await until(() => c.snapshots.length === 1);
    c.socket.io.engine.close(); // drop the transport as a network blip would
    await postEvents(t.url, ev('s-8', 3601, { type: 'agent.logout', agentId: 'a2' }));
    await until(() => c.snapshots.length === 2, 5000, 'snapshot after reconnect');
    expect(c.snapshots[1]!.agents.find((a) => a.id === 'a2')?.state).toBe('offline');
    c.socket.close();
  });

  it('answers a resync request with a fresh snapshot', async () => {
    const c = connectClient(t.url);
    await until(() => c.snapshots.length === 1);
    c.socket.emit('floor:resync');
    await until(() => c.snapshots.length === 2, 5000, 'resync snapshot');
    c.socket.close();
  });

  it('refuses an unknown token at the handshake', async () => {
    const c = connectClient(t.url, { token: 'not-a-token-000000' });
    const err = await new Promise<Error>((resolve) => c.socket.on('connect_error', resolve));
    expect(err.message).toBe('unauthorized');
    expect(c.snapshots).toHaveLength(0);
    c.socket.close();
  });

  it('limits a scoped screen to its team', async () => {
    const c = connectClient(t.url, { token: 'display-token-0123456789', scope: 't1' });
    await until(() => c.snapshots.length === 1);
    expect(c.snapshots[0]!.agents.map((a) => a.id)).toEqual(['a1']);
    expect(c.snapshots[0]!.teams.map((x) => x.id)).toEqual(['t1']);
    await postEvents(t.url, [ev('s-9', 3602, { type: 'agent.login', agentId: 'a2', teamId: 't2' }), ev('s-10', 3602, { type: 'agent.state', agentId: 'a1', state: 'available' })]);
    await until(() => c.deltas.some((d) => d.agents?.upsert?.some((a) => a.id === 'a1')), 5000, 'a1 delta');
    expect(c.deltas.flatMap((d) => d.agents?.upsert ?? []).map((a) => a.id)).not.toContain('a2');
    c.socket.close();
  });

  it('websocket screens get frames written directly, long-polling ones through engine.io: the same deltas', async () => {
    const ws = connectClient(t.url);
    const polling = connect(t.url, { auth: { token: TEST_SECRETS.displayToken }, transports: ['polling'] }) as FloorClient;
    const viaPolling: Delta[] = [];
    let pollingSnapshots = 0;
    polling.on('floor:snapshot', () => { pollingSnapshots++; });
    polling.on('floor:delta', (d) => viaPolling.push(d));
    await until(() => ws.snapshots.length === 1 && pollingSnapshots === 1, 5000, 'snapshots');
    t.clock.now = T0 + 3710_000;
    const before = { ...frameWritesOf(t.app.io)! };
    for (let i = 0; i < 5; i++) {
      await postEvents(t.url, ev(`fw-${i}`, 3700 + i, { type: 'agent.state', agentId: 'a1', state: i % 2 ? 'available' : 'wrap_up' }));
      await new Promise((r) => setTimeout(r, FRAME_MS * 2));
    }
    const last = (ds: Delta[]) => ds.flatMap((d) => d.agents?.upsert ?? []).filter((a) => a.id === 'a1').at(-1)?.state;
    await until(() => last(ws.deltas) === 'wrap_up' && last(viaPolling) === 'wrap_up', 5000, 'last change on both screens');
    const after = frameWritesOf(t.app.io)!;
    expect(after.direct).toBeGreaterThan(before.direct);
    expect(after.viaEngine).toBeGreaterThan(before.viaEngine);
    // Both decode to valid, contiguous deltas carrying the same changes.
    for (const ds of [ws.deltas, viaPolling]) {
      ds.forEach((d, i) => { if (i > 0) expect(DeltaSchema.parse(d).seq).toBe(ds[i - 1]!.seq + 1); });
    }
    const states = (ds: Delta[]) => ds.flatMap((d) => d.agents?.upsert ?? []).filter((a) => a.id === 'a1' && a.state).map((a) => a.state)
      .filter((st, i, all) => i === 0 || all[i - 1] !== st);
    expect(states(ws.deltas).slice(-5)).toEqual(['wrap_up', 'available', 'wrap_up', 'available', 'wrap_up']);
    expect(states(viaPolling).slice(-5)).toEqual(states(ws.deltas).slice(-5));
    ws.socket.close();
    polling.close();
  });
});

/**
 * A screen that keeps what it received in order and applies it as the wallboard does: a snapshot
 * replaces its floor, a delta must carry the next seq.
 */
function screen(url: string) {
  const socket: FloorClient = connect(url, { auth: { token: TEST_SECRETS.displayToken }, transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200 });
  const st = { socket, floor: null as Snapshot | null, snapshots: 0, deltas: 0, gaps: [] as string[], reverts: [] as string[] };
  // Every agent's state changes only forward in time here: a screen must never show an older one
  // than it has shown (a frame made before a snapshot must not undo what the snapshot showed).
  const since = new Map<string, number>();
  const check = (f: Snapshot) => {
    for (const a of f.agents) {
      if ((since.get(a.id) ?? -Infinity) > a.stateSince) st.reverts.push(`${a.id} back to ${a.state}`);
      since.set(a.id, a.stateSince);
    }
  };
  socket.on('floor:snapshot', (snap) => { st.floor = snap; st.snapshots++; check(snap); });
  socket.on('floor:delta', (d: Delta) => {
    st.deltas++;
    if (!st.floor) return;
    if (d.seq !== st.floor.seq + 1) st.gaps.push(`${st.floor.seq} → ${d.seq}`);
    st.floor = applyDelta(st.floor, d);
    check(st.floor);
  });
  return st;
}

describe('screens in phase groups', () => {
  let t: TestApp;
  const agents = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
  beforeAll(async () => {
    t = await startTestApp({ now: T0 + 3600_000 });
    await postEvents(t.url, agents.map((a, i) => ev(`pg-login-${a}`, i, { type: 'agent.login', agentId: a, teamId: i % 2 ? 'tA' : 'tB', name: `Agent ${a}` })));
  });
  afterAll(async () => { await t.close(); });

  it('spreads screens over the groups; each screen gets contiguous seqs, frames ≥ FRAME_MS apart, and ends equal to a fresh snapshot (also after joining mid-stream and a resync)', async () => {
    const frames = frameGroupsOf(t.app.io)!;
    const starts = new Map<string, number[]>();
    const stopWatch = frames.onSent((g, _d, at) => { starts.set(g.name, [...(starts.get(g.name) ?? []), at]); });
    const screens = Array.from({ length: 7 }, () => screen(t.url));
    await until(() => screens.every((x) => x.snapshots === 1), 5000, 'snapshots');
    const room = [...t.app.io.sockets.adapter.rooms.keys()].find((k) => k.endsWith('#0'))!.slice(0, -2);
    const members = frames.groupsOf(room).map((g) => g.members);
    expect(members).toHaveLength(PHASE_GROUPS);
    expect(members.reduce((a, b) => a + b, 0)).toBe(7);
    expect(Math.max(...members) - Math.min(...members)).toBeLessThanOrEqual(1);

    // Past the snapshot reuse window: the screens joining below get freshly projected snapshots,
    // newer than the frames their groups have pending.
    await new Promise((r) => setTimeout(r, 1100));
    const states = ['available', 'ringing', 'on_call', 'wrap_up'] as const;
    let late: ReturnType<typeof screen> | null = null;
    const extra: ReturnType<typeof screen>[] = [];
    for (let round = 0; round < 12; round++) {
      await postEvents(t.url, agents.map((a, i) => ev(`pg-${round}-${a}`, 60 + round * 5 + i * 0.01, { type: 'agent.state', agentId: a, state: states[(round + i) % states.length] })));
      if (round === 4) late = screen(t.url); // joins a group that has frames pending
      if (round === 5) extra.push(screen(t.url), screen(t.url), screen(t.url));
      if (round === 7) screens[2]!.socket.emit('floor:resync');
      await new Promise((r) => setTimeout(r, 7 + (round % 3) * 9));
    }
    await postEvents(t.url, ev('pg-final', 200, { type: 'agent.state', agentId: 'p1', state: 'break', reason: 'training' }));
    const all = [...screens, late!, ...extra];
    await until(() => all.every((x) => x.floor?.agents.find((a) => a.id === 'p1')?.state === 'break'), 5000, 'final state on every screen');
    await new Promise((r) => setTimeout(r, 3 * FRAME_MS)); // frames still pending for other rows
    stopWatch();

    const fresh = comparable(await getSnapshot(t.url));
    for (const x of all) {
      expect(x.gaps).toEqual([]);
      expect(x.reverts).toEqual([]);
      expect(comparable(x.floor!)).toEqual(fresh);
    }
    expect(screens[2]!.snapshots).toBe(2);
    expect(screens.every((x) => x.deltas > 3)).toBe(true);
    // Each group's frames start at least FRAME_MS apart; several groups were sent.
    expect(starts.size).toBe(PHASE_GROUPS);
    for (const times of starts.values()) for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(FRAME_MS);
    for (const x of all) x.socket.close();
  });

  it('a screen that reconnects gets a snapshot of its new group and continues without gaps', async () => {
    const x = screen(t.url);
    await until(() => x.snapshots === 1, 5000, 'snapshot');
    x.socket.io.engine.close(); // a network blip
    await postEvents(t.url, ev('pg-blip', 210, { type: 'agent.state', agentId: 'p2', state: 'available' }));
    await until(() => x.snapshots === 2, 5000, 'snapshot after reconnect');
    await postEvents(t.url, ev('pg-after', 215, { type: 'agent.state', agentId: 'p2', state: 'ringing' }));
    await until(() => x.floor?.agents.find((a) => a.id === 'p2')?.state === 'ringing', 5000, 'delta after reconnect');
    expect(x.gaps).toEqual([]);
    expect(comparable(x.floor!)).toEqual(comparable(await getSnapshot(t.url)));
    x.socket.close();
  });
});
