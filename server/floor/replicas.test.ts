/**
 * Scale-out on Redis (SPEC §7): instances on one stream show the same floor; a checkpoint
 * restores what a full replay would build. Real redis-server (the run's private one), real HTTP,
 * real sockets; each test has its own key prefix.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EventInput } from '../../shared/events.ts';
import { batches, comparable, shuffledWithDuplicates, simEvents } from '../test-support/floor-fixtures.ts';
import { connectClient, getSnapshot, postEvents, startTestApp, until, type TestApp } from '../test-support/test-app.ts';
import { RedisConfigStore } from '../store/redis-config-store.ts';
import { comparePositions } from '../store/event-log.ts';
import { RedisLog } from '../store/redis-log.ts';
import { MemoryLog } from '../store/memory-log.ts';
import { deleteKeysWithPrefix } from '../test-support/redis-server.ts';

const url = inject('redisUrl');
const filePrefix = `test:replicas:${randomUUID()}:`;
const NOW = Date.UTC(2026, 2, 10, 6, 0, 0); // 14:00 in Asia/Shanghai
let admin: Redis;
const apps: TestApp[] = [];
const clients: ReturnType<typeof connectClient>[] = [];

const freshPrefix = () => `${filePrefix}${randomUUID()}:`;
const redisLog = (keyPrefix: string) => new RedisLog({ url, keyPrefix, onError: () => {} });

/**
 * The deliveries below reorder events by up to hours of floor time (shuffled windows, batches
 * posted all at once): a reorder horizon that wide makes every one of them fold exactly.
 */
const WIDE_HORIZON = { REORDER_HORIZON_MIN: '240' };

async function instance(keyPrefix: string, env: Record<string, string> = {}): Promise<TestApp> {
  const app = await startTestApp({ now: NOW, log: redisLog(keyPrefix), configStore: new RedisConfigStore({ url, keyPrefix, onError: () => {} }), env: { ...WIDE_HORIZON, ...env } });
  apps.push(app);
  return app;
}

async function reference(events: readonly EventInput[]): Promise<TestApp> {
  const app = await startTestApp({ now: NOW, log: new MemoryLog(), env: WIDE_HORIZON });
  apps.push(app);
  for (const b of batches(events, 1000)) expect((await postEvents(app.url, b)).status).toBe(202);
  return app;
}

/** Waits until the replica has folded everything in its log. */
async function settled(app: TestApp): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await app.app.floor.caughtUp(50)) return;
  }
  throw new Error('replica did not catch up');
}

beforeAll(() => { admin = new Redis(url); });
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.close();
  for (const a of apps.splice(0)) await a.close();
});
afterAll(async () => {
  await admin.quit();
  await deleteKeysWithPrefix(url, filePrefix);
});

describe('several instances on one Redis', () => {
  it('interleaved, shuffled, duplicated batches at two instances end in identical floors equal to a single-instance reference', async () => {
    const events = simEvents(NOW, 3);
    const delivery = shuffledWithDuplicates(events, 11);
    const prefix = freshPrefix();
    const [a, b] = [await instance(prefix), await instance(prefix)];

    // Alternate batches between the instances, sent concurrently (as two producers would).
    const parts = batches(delivery, 250);
    const results = await Promise.all(parts.map((part, i) => postEvents((i % 2 === 0 ? a : b).url, part)));
    expect(results.every((r) => r.status === 202)).toBe(true);
    const accepted = results.reduce((n, r) => n + (r.body as { accepted: number }).accepted, 0);
    expect(accepted).toBe(events.length); // every event once; the duplicates were recognised
    expect(await admin.xlen(`${prefix}events`)).toBe(events.length);

    await settled(a);
    await settled(b);
    const ref = await reference(events);
    const [sa, sb, sr] = [await getSnapshot(a.url), await getSnapshot(b.url), await getSnapshot(ref.url)];
    expect(sa.totals.offered).toBeGreaterThan(100);
    expect(sa.agents.length).toBeGreaterThan(10);
    expect(comparable(sa)).toEqual(comparable(sb));
    expect(comparable(sa)).toEqual(comparable(sr));
  });

  it('a websocket client connected to instance B sees events ingested at instance A', async () => {
    const prefix = freshPrefix();
    const [a, b] = [await instance(prefix), await instance(prefix)];
    const client = connectClient(b.url);
    clients.push(client);
    await until(() => client.snapshots.length === 1, 5_000, 'snapshot');
    const received: string[] = [];
    client.socket.on('floor:status', (s) => received.push(`status:${s.storeHealthy}`));
    const login = { id: `login-${randomUUID()}`, ts: NOW - 60_000, type: 'agent.login', agentId: 'agent-x', teamId: 'team-x', name: 'Xu' };
    expect((await postEvents(a.url, [login])).status).toBe(202);
    await until(() => client.deltas.some((d) => d.agents?.upsert?.some((r) => r.id === 'agent-x' && r.state === 'available')), 5_000, 'delta at B');
    const onCall = { id: `st-${randomUUID()}`, ts: NOW - 30_000, type: 'agent.state', agentId: 'agent-x', state: 'on_call' };
    expect((await postEvents(a.url, [onCall])).status).toBe(202);
    await until(() => client.deltas.some((d) => d.agents?.upsert?.some((r) => r.id === 'agent-x' && r.state === 'on_call')), 5_000, 'second delta at B');
    expect((await getSnapshot(b.url)).agents.find((r) => r.id === 'agent-x')?.state).toBe('on_call');
  });

  it('an instance started from a checkpoint plus later events equals one that folded everything', async () => {
    const events = simEvents(NOW, 3, 21);
    const cut = Math.floor(events.length * 0.6);
    const prefix = freshPrefix();
    const a = await instance(prefix);
    for (const part of batches(shuffledWithDuplicates(events.slice(0, cut), 3), 500)) expect((await postEvents(a.url, part)).status).toBe(202);
    await settled(a);
    expect(await a.app.floor.checkpoint()).toBe(true);
    const cpPos = (await admin.hget(`${prefix}checkpoint`, 'pos'))!;
    expect(cpPos).toBe(a.app.floor.position);
    // Trim everything the checkpoint holds: a new instance can only be right by restoring it.
    const log = redisLog(prefix);
    expect(await log.trimThrough(cpPos)).toBe(cut);
    await log.close();
    // Later events include late, out-of-order ones for calls and agents already in the checkpoint.
    const rest = shuffledWithDuplicates(events.slice(cut - 300), 4);
    for (const part of batches(rest, 500)) expect((await postEvents(a.url, part)).status).toBe(202);

    const c = await instance(prefix);
    await settled(c);
    await settled(a);
    const ref = await reference(events);
    const sc = await getSnapshot(c.url);
    expect(sc.totals.offered).toBeGreaterThan(100);
    expect(comparable(sc)).toEqual(comparable(await getSnapshot(a.url)));
    expect(comparable(sc)).toEqual(comparable(await getSnapshot(ref.url)));
  });

  it('trims the log only through a checkpoint older than LOG_RETENTION_HOURS', async () => {
    const prefix = freshPrefix();
    const a = await instance(prefix, { LOG_RETENTION_HOURS: '1' });
    const events = simEvents(NOW, 1, 5);
    const half = Math.floor(events.length / 2);
    for (const part of batches(events.slice(0, half), 500)) await postEvents(a.url, part);
    await settled(a);
    expect(await a.app.floor.checkpoint()).toBe(true); // cp1, saved at NOW
    const cp1 = a.app.floor.position;
    expect(await a.app.floor.checkpoint()).toBe(false); // nothing new folded
    for (const part of batches(events.slice(half), 500)) await postEvents(a.url, part);
    await settled(a);
    a.clock.now = NOW + 30 * 60_000;
    expect(await a.app.floor.checkpoint()).toBe(true); // cp2; cp1 only 30 min old: no trim
    expect(await admin.xlen(`${prefix}events`)).toBe(events.length);
    a.clock.now = NOW + 61 * 60_000;
    await postEvents(a.url, [{ id: `late-${randomUUID()}`, ts: NOW, type: 'agent.logout', agentId: 'nobody' }]);
    await settled(a);
    expect(await a.app.floor.checkpoint()).toBe(true); // cp3; cp1 is now older than 1 h: trimmed through it
    expect(await admin.xlen(`${prefix}events`)).toBe(events.length + 1 - half);
    const first = await admin.xrange(`${prefix}events`, '-', '+', 'COUNT', 1);
    expect(comparePositions(first[0]![0], cp1)).toBe(1);
  });

  it('configuration written on one instance is seen by the other (shared ConfigStore)', async () => {
    const prefix = freshPrefix();
    const [a, b] = [await instance(prefix), await instance(prefix)];
    const seen: string[] = [];
    b.app.configStore.watch((k) => seen.push(k));
    await new Promise((r) => setTimeout(r, 100));
    await a.app.configStore.set('test:roster:2026-03-10', { entries: [{ agentId: 'a1' }] });
    await until(() => seen.includes('test:roster:2026-03-10'), 5_000, 'watch at B');
    expect(await b.app.configStore.get('test:roster:2026-03-10')).toEqual({ entries: [{ agentId: 'a1' }] });
  });
});
