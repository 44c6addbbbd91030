/** Fold order and de-duplication of a call's or agent's entries (entries.ts). */
import { describe, expect, it } from 'vitest';
import { queueStats } from './project.ts';
import { AK, CK, entryPosition, insertAt, KIND_UNIT } from './entries.ts';
import { at, engineWith, eventFactory, SEC, snapshotOf } from './test-events.ts';

const rowAt = (events: Parameters<typeof snapshotOf>[0], agentId: string, now: number) => snapshotOf(events, now).agents.find((a) => a.id === agentId);

/** Inserts (ts, code, ref) triples in the given order, as an agent's window does. */
function insertAll(triples: [number, number, number][]): number[] {
  let list: number[] = [];
  for (const [ts, code, ref] of triples) {
    const pos = entryPosition(list, 0, 3, ts, code, ref);
    if (pos >= 0) list = insertAt(list, pos, 3, ts, code, ref);
  }
  return list;
}

describe('entry order', () => {
  const login = [1000, AK.login * KIND_UNIT, 1] as [number, number, number];
  const state = [2000, AK.state * KIND_UNIT + 3, 0] as [number, number, number];
  const logout = [3000, AK.logout * KIND_UNIT, 0] as [number, number, number];

  it('keeps time order whatever the arrival order', () => {
    expect(insertAll([logout, login, state])).toEqual([...login, ...state, ...logout]);
    expect(insertAll([state, logout, login])).toEqual([...login, ...state, ...logout]);
  });

  it('refuses an entry already there (the same event again, or a re-sent copy)', () => {
    expect(insertAll([login, state, login, state, logout, state])).toEqual([...login, ...state, ...logout]);
  });

  it('orders equal times by kind: sign in first, a call ends before the state that follows it, sign out last', () => {
    const t = 5000;
    const ended = [t, AK.ended * KIND_UNIT + 1, 7] as [number, number, number];
    const available = [t, AK.state * KIND_UNIT + 1, 0] as [number, number, number];
    const signIn = [t, AK.login * KIND_UNIT, 1] as [number, number, number];
    const signOut = [t, AK.logout * KIND_UNIT, 0] as [number, number, number];
    expect(insertAll([signOut, available, ended, signIn])).toEqual([...signIn, ...ended, ...available, ...signOut]);
    // A call: queued before answered, answered before ended.
    let call: number[] = [];
    for (const code of [CK.ended * KIND_UNIT, CK.answered * KIND_UNIT + 1, CK.queued * KIND_UNIT + 1]) call = insertAt(call, entryPosition(call, 0, 2, t, code, 0), 2, t, code, 0);
    expect(call).toEqual([t, CK.queued * KIND_UNIT + 1, t, CK.answered * KIND_UNIT + 1, t, CK.ended * KIND_UNIT]);
  });
});

describe('events at the same instant fold alike whatever order they arrive in', () => {
  it('orders them by content, not by which string the engine met first', () => {
    const f = eventFactory();
    const t = at('10:00');
    const events = [f.login(at('09:00'), 'a1'), f.state(t, 'a1', 'break', 'short_break'), f.state(t, 'a1', 'break', 'meal')];
    const rows = [events, [events[0]!, events[2]!, events[1]!]].map((order) => rowAt(order, 'a1', at('10:01')));
    expect(rows[1]).toEqual(rows[0]);
  });
});

describe('AHT when the agent is already available as the call ends (same instant)', () => {
  it('folds the end first, so the available state closes the wrap-up at once with wrap 0', () => {
    const f = eventFactory('z');
    const t = at('10:00:00');
    const events = [
      f.login(at('09:00'), 'a1'), f.queued(t, 'c1'), f.answered(t, 'c1', 'a1'),
      f.state(t + 100 * SEC, 'a1', 'available'), // arrives first, same instant as the end
      f.ended(t + 100 * SEC, 'c1', 'a1'),
    ];
    // talk 100 s + wrap 0, counted at the end whichever event came first
    expect(queueStats(engineWith(events), ['q1'], t + 200 * SEC)).toMatchObject({ handled: 1, ahtSec: 100 });
    expect(queueStats(engineWith([...events].reverse()), ['q1'], t + 200 * SEC)).toMatchObject({ handled: 1, ahtSec: 100 });
  });

  it('waits for the agent\'s next state change when no state event comes with the end', () => {
    const f = eventFactory('y');
    const t = at('10:00:00');
    const e = engineWith([f.login(at('09:00'), 'a1'), f.queued(t, 'c1'), f.answered(t, 'c1', 'a1'), f.ended(t + 100 * SEC, 'c1', 'a1')]);
    // A wrap_up event may still follow: the call is not counted yet.
    expect(queueStats(e, ['q1'], t + 200 * SEC)).toMatchObject({ handled: 0, ahtSec: null });
    e.apply(f.state(t + 300 * SEC, 'a1', 'on_call'));
    expect(queueStats(e, ['q1'], t + 400 * SEC)).toMatchObject({ handled: 1, ahtSec: 100 });
  });
});
