import { describe, expect, it } from 'vitest';
import { agentRow, queueRow, snapshot } from '../test/fixtures.ts';
import { parseRoute } from './route.ts';
import { applyScope, scopeOf } from './scope.ts';

describe('parseRoute', () => {
  it('routes /tv to the wallboard with its options and everything else to the supervisor view', () => {
    expect(parseRoute('/tv', '?token=abc&rotate=30&scope=t1&pages=agents,queues')).toEqual({ view: 'tv', token: 'abc', rotateSec: 30, scope: 't1', pages: ['agents', 'queues'] });
    expect(parseRoute('/tv/', '').view).toBe('tv');
    expect(parseRoute('/', '').view).toBe('supervisor');
    expect(parseRoute('/supervisor', '?token=x').view).toBe('supervisor');
  });

  it('defaults and bounds the rotation; 0 turns it off', () => {
    expect(parseRoute('/tv', '').rotateSec).toBe(20);
    expect(parseRoute('/tv', '?rotate=1').rotateSec).toBe(5);
    expect(parseRoute('/tv', '?rotate=0').rotateSec).toBe(0);
    expect(parseRoute('/tv', '?rotate=abc').rotateSec).toBe(20);
    expect(parseRoute('/tv', '?pages=nonsense').pages).toEqual(['queues', 'agents', 'breaks', 'intraday']);
  });
});

describe('applyScope', () => {
  const snap = snapshot({
    queues: [queueRow({ id: 'sales', waiting: 3 }), queueRow({ id: 'support', waiting: 7 })],
    agents: [agentRow({ id: 'a1', teamId: 't1' }), agentRow({ id: 'a2', teamId: 't2' })],
    alerts: [
      { id: 'x1', rule: 'long_wait', severity: 'red', since: 1, queueId: 'support' },
      { id: 'x2', rule: 'break_overrun', severity: 'red', since: 1, agentId: 'a2' },
      { id: 'x3', rule: 'break_overrun', severity: 'red', since: 1, agentId: 'a1' },
    ],
  });

  it('a queue id shows that queue, its figures as totals, and its own queue alerts', () => {
    expect(scopeOf(snap, 'support')).toBe('queue');
    const scoped = applyScope(snap, 'support');
    expect(scoped.queues.map((q) => q.id)).toEqual(['support']);
    expect(scoped.totals.waiting).toBe(7);
    expect(scoped.alerts.map((a) => a.id)).toEqual(['x1', 'x2', 'x3']);
    expect(applyScope(snap, 'sales').alerts.map((a) => a.id)).toEqual(['x2', 'x3']);
  });

  it('a team id shows that team\'s agents and their alerts plus queue alerts', () => {
    expect(scopeOf(snap, 't1')).toBe('team');
    const scoped = applyScope(snap, 't1');
    expect(scoped.agents.map((a) => a.id)).toEqual(['a1']);
    expect(scoped.alerts.map((a) => a.id)).toEqual(['x1', 'x3']);
  });

  it('no scope shows everything', () => {
    expect(applyScope(snap, null)).toBe(snap);
  });
});
