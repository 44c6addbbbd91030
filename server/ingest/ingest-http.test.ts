import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSnapshot, postEvents, startTestApp, TEST_SECRETS, type TestApp } from '../test-support/test-app.ts';

const T0 = Date.parse('2026-11-23T09:00:00+08:00');
const ev = (id: string, offsetSec: number, rest: Record<string, unknown>) => ({ id, ts: T0 + offsetSec * 1000, ...rest });

describe('POST /api/v1/events', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp({ now: T0 + 3600_000 }); });
  afterAll(async () => { await t.close(); });

  it('accepts one event object, answers 202 with counts, and counts a re-sent id once', async () => {
    const e = ev('one-1', 0, { type: 'call.queued', callId: 'c-one', queueId: 'q1', caller: '+8613800000000' });
    expect(await postEvents(t.url, e)).toEqual({ status: 202, body: { accepted: 1, duplicates: 0 } });
    expect(await postEvents(t.url, e)).toEqual({ status: 202, body: { accepted: 0, duplicates: 1 } });
    const snap = await getSnapshot(t.url);
    expect(snap.queues.find((q) => q.id === 'q1')?.offered).toBe(1);
    expect(JSON.stringify(snap)).not.toContain('8613800000000');
  });

  it('accepts ISO timestamps with an offset and epoch ms alike', async () => {
    const res = await postEvents(t.url, [
      { id: 'iso-1', ts: '2026-11-23T09:00:10+08:00', type: 'call.queued', callId: 'c-iso', queueId: 'q2' },
      { id: 'iso-2', ts: T0 + 15_000, type: 'call.answered', callId: 'c-iso', queueId: 'q2', agentId: 'a-iso' },
    ]);
    expect(res).toEqual({ status: 202, body: { accepted: 2, duplicates: 0 } });
    const q2 = (await getSnapshot(t.url)).queues.find((q) => q.id === 'q2')!;
    expect(q2.answered).toBe(1);
    expect(q2.asaSec).toBe(5);
  });

  it('rejects a batch with any invalid event, names every failing field, and applies nothing', async () => {
    const before = await getSnapshot(t.url);
    const res = await postEvents(t.url, [
      ev('bad-ok', 0, { type: 'call.queued', callId: 'c-bad', queueId: 'q9' }),
      ev('bad-1', 0, { type: 'call.exploded', callId: 'c-bad' }),
      { id: '', ts: 'yesterday', type: 'agent.login', agentId: 'a1' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['[1].type', '[2].id', '[2].ts', '[2].teamId']));
    const after = await getSnapshot(t.url);
    expect(after.queues.map((q) => q.id)).toEqual(before.queues.map((q) => q.id));
  });

  it('rejects unknown fields rather than ignoring them', async () => {
    const res = await postEvents(t.url, ev('x-1', 0, { type: 'agent.logout', agentId: 'a1', extra: 1 }));
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].message).toMatch(/unrecognized/i);
  });

  it('takes NDJSON and reports malformed lines by index', async () => {
    const lines = [
      JSON.stringify(ev('nd-1', 0, { type: 'agent.login', agentId: 'a-nd', teamId: 't-nd', name: 'Wang Fang' })),
      '',
      JSON.stringify(ev('nd-2', 60, { type: 'agent.state', agentId: 'a-nd', state: 'break', reason: 'short_break' })),
    ].join('\n');
    expect(await postEvents(t.url, lines, { contentType: 'application/x-ndjson' })).toEqual({ status: 202, body: { accepted: 2, duplicates: 0 } });
    const bad = await postEvents(t.url, `${lines}\n{not json`, { contentType: 'application/x-ndjson' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([{ path: '[2]', message: 'line 4: malformed JSON' }]);
    const agent = (await getSnapshot(t.url)).agents.find((a) => a.id === 'a-nd')!;
    expect(agent).toMatchObject({ state: 'break', reason: 'short_break', teamId: 't-nd', name: 'Wang Fang' });
  });

  it('answers auth, media type and size errors with the error body', async () => {
    const e = ev('auth-1', 0, { type: 'agent.logout', agentId: 'a1' });
    expect((await postEvents(t.url, e, { key: 'wrong-key-0000000000' })).status).toBe(401);
    expect((await postEvents(t.url, e, { key: TEST_SECRETS.displayToken })).status).toBe(403);
    const wrongType = await postEvents(t.url, JSON.stringify(e), { contentType: 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error.code).toBe('unsupported_media_type');
    const huge = await postEvents(t.url, JSON.stringify([{ pad: 'x'.repeat(11 * 1024 * 1024) }]));
    expect(huge.status).toBe(413);
    const malformed = await postEvents(t.url, '{"id": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.issues[0].path).toBe('(body)');
  });

  it('gives the same floor for any delivery order', async () => {
    const events = [
      ev('o-1', 100, { type: 'call.queued', callId: 'c-o', queueId: 'q-order' }),
      ev('o-2', 130, { type: 'call.answered', callId: 'c-o', queueId: 'q-order', agentId: 'a-o' }),
      ev('o-3', 400, { type: 'call.ended', callId: 'c-o', agentId: 'a-o', outcome: 'success' }),
      ev('o-4', 90, { type: 'agent.login', agentId: 'a-o', teamId: 't-o' }),
    ];
    expect((await postEvents(t.url, [events[2], events[1]])).status).toBe(202);
    expect((await postEvents(t.url, [events[3], events[0], events[2]])).body).toEqual({ accepted: 2, duplicates: 1 });
    const q = (await getSnapshot(t.url)).queues.find((x) => x.id === 'q-order')!;
    expect(q).toMatchObject({ offered: 1, answered: 1, answeredWithinSl: 0, asaSec: 30 });
  });
});
