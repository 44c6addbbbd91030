import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDelta } from '../../shared/delta.ts';
import { DeltaSchema } from '../../shared/delta.ts';
import { SnapshotSchema, type Snapshot } from '../../shared/snapshot.ts';
import { connectClient, getSnapshot, postEvents, startTestApp, until, type TestApp } from '../test-support/test-app.ts';

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
});
