/** SPEC §3 per-team counts and rates, floor CPH over the last 60 minutes. */
import { describe, expect, it } from 'vitest';
import { floorRow, teamRow } from './project.ts';
import { at, engineWith, eventFactory, MIN, SEC, snapshotOf, YESTERDAY } from './test-events.ts';

describe('team counts by state', () => {
  const f = eventFactory();
  const events = [
    ...['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((a) => f.login(at('08:00'), a, 't1')),
    f.login(at('08:00'), 'a7', 't2'),
    f.state(at('09:00'), 'a2', 'on_call'),
    f.state(at('09:00'), 'a3', 'wrap_up'),
    f.state(at('09:00'), 'a4', 'break', 'short_break'),
    f.state(at('09:00'), 'a5', 'away'),
    f.logout(at('09:00'), 'a6'),
    f.state(at('09:00'), 'a7', 'ringing'),
  ];

  it('counts each agent once, in its current state', () => {
    const e = engineWith(events);
    expect(teamRow(e, 't1', at('09:01'))).toMatchObject({ agents: 6, loggedIn: 5, available: 1, ringing: 0, onCall: 1, wrapUp: 1, onBreak: 1, away: 1 });
    expect(teamRow(e, 't2', at('09:01'))).toMatchObject({ agents: 1, loggedIn: 1, available: 0, ringing: 1 });
  });

  it('floor counts sum the teams', () => {
    const snap = snapshotOf(events, at('09:01'));
    expect(snap.floor).toMatchObject({ agentsLoggedIn: 6, agentsAvailable: 1, agentsOnCall: 1, agentsOnBreak: 1 });
  });

  it('an agent moving team on a new login is counted in the new team only', () => {
    const moved = [...events, f.login(at('10:00'), 'a6', 't2')];
    const e = engineWith(moved);
    expect(teamRow(e, 't1', at('10:01'))).toMatchObject({ agents: 5, loggedIn: 5 });
    expect(teamRow(e, 't2', at('10:01'))).toMatchObject({ agents: 2, loggedIn: 2, available: 1 });
  });

  it('counts break overruns of the team\'s agents', () => {
    const e = engineWith(events);
    // a4 short break since 09:00 overruns at 09:05; a5 away since 09:00 overruns at 09:10.
    expect(teamRow(e, 't1', at('09:04')).breakOverruns).toBe(0);
    expect(teamRow(e, 't1', at('09:06')).breakOverruns).toBe(1);
    expect(teamRow(e, 't1', at('09:11')).breakOverruns).toBe(2);
  });
});

describe('team cph and success rate', () => {
  it('pools the team: handled / logged-in hours of all its agents; success / (success + failure)', () => {
    const f = eventFactory();
    const events = [
      f.login(at('08:00'), 'a1', 't1'), f.login(at('09:00'), 'a2', 't1'), f.logout(at('09:30'), 'a2'),
      f.dialed(at('08:10'), 'c1', 'a1'), f.ended(at('08:11'), 'c1', 'a1', 'success'),
      f.dialed(at('08:20'), 'c2', 'a1'), f.ended(at('08:21'), 'c2', 'a1', 'failure'),
      f.dialed(at('09:10'), 'c3', 'a2'), f.ended(at('09:11'), 'c3', 'a2', 'success'),
      f.disposition(at('09:12'), 'c2', 'a1', 'success'),
      f.dialed(at('09:20'), 'c4', 'a2'), f.ended(at('09:21'), 'c4', 'a2', 'no_answer'),
    ];
    const e = engineWith(events);
    // logged in: a1 08:00–10:00 = 2 h, a2 09:00–09:30 = 0.5 h → 2.5 h; handled 4 → 4 / 2.5 = 1.6
    // outcomes: c1 success, c2 success (disposition wins), c3 success, c4 outside → 3 / 3 = 1
    expect(teamRow(e, 't1', at('10:00'))).toMatchObject({ handled: 4, cph: 1.6, successRate: 1 });
  });

  it('team cph counts only today\'s part of a session that began yesterday', () => {
    const f = eventFactory();
    const events = [f.login(at('23:00', YESTERDAY), 'a1', 't1'), f.dialed(at('00:10'), 'c1', 'a1'), f.ended(at('00:12'), 'c1', 'a1', 'failure'),
      f.login(at('00:00'), 'a2', 't1')];
    const e = engineWith(events);
    // 00:00–00:30 for both = 1 h logged in today; 1 call → 1
    expect(teamRow(e, 't1', at('00:30'))).toMatchObject({ handled: 1, cph: 1, successRate: 0 });
  });

  it('team cph is null below 600 s logged in and the success rate null without outcomes', () => {
    const f = eventFactory();
    const e = engineWith([f.login(at('08:00'), 'a1', 't1'), f.dialed(at('08:01'), 'c1', 'a1'), f.ended(at('08:02'), 'c1', 'a1')]);
    expect(teamRow(e, 't1', at('08:09'))).toMatchObject({ handled: 1, cph: null, successRate: null });
  });
});

describe('floor cphLastHour: calls handled on the floor in the last 60 minutes (rolling)', () => {
  it('counts call ends in (now − 60 min, now]', () => {
    const f = eventFactory();
    const ends = [at('09:00:00'), at('09:30:00'), at('09:59:59'), at('10:00:00')];
    const events = [
      f.login(at('08:00'), 'a1'), f.login(at('08:00'), 'a2', 't2'),
      ...ends.flatMap((t, i) => [f.dialed(t - MIN, `c${i}`, i % 2 ? 'a1' : 'a2'), f.ended(t, `c${i}`, i % 2 ? 'a1' : 'a2')]),
    ];
    const e = engineWith(events);
    // now 10:00: window (09:00, 10:00] → 09:30, 09:59:59, 10:00 = 3 (09:00:00 is exactly 60 min old: out)
    expect(floorRow(e, [], at('10:00')).cphLastHour).toBe(3);
    // now 10:30: window (09:30, 10:30] → 09:59:59, 10:00 = 2
    expect(floorRow(e, [], at('10:30')).cphLastHour).toBe(2);
    // now 11:00:00.000: 10:00:00 is out, nothing left
    expect(floorRow(e, [], at('11:00')).cphLastHour).toBe(0);
  });

  it('counts each call once even with several call.ended events (transfer between agents)', () => {
    const f = eventFactory();
    const events = [
      f.login(at('08:00'), 'a1'), f.login(at('08:00'), 'a2'),
      f.queued(at('09:00'), 'c1'), f.answered(at('09:00:05'), 'c1', 'a1'),
      f.transferred(at('09:02'), 'c1', 'a1', { toAgentId: 'a2' }), f.ended(at('09:02'), 'c1', 'a1'),
      f.answered(at('09:02:01'), 'c1', 'a2'), f.ended(at('09:05'), 'c1', 'a2'),
    ];
    const snap = snapshotOf(events, at('09:30'));
    expect(snap.floor.cphLastHour).toBe(1);
    // …while each agent completed their part of it.
    expect(snap.agents.map((a) => [a.id, a.handled])).toEqual([['a1', 1], ['a2', 1]]);
  });

  it('is maintained across ticks (old ends are dropped, the window keeps rolling)', () => {
    const f = eventFactory();
    const e = engineWith([f.login(at('08:00'), 'a1'), f.dialed(at('08:10'), 'c1', 'a1'), f.ended(at('08:15'), 'c1', 'a1')]);
    e.tick(at('08:20'));
    expect(floorRow(e, [], at('08:20')).cphLastHour).toBe(1);
    e.tick(at('09:20'));
    expect(floorRow(e, [], at('09:20')).cphLastHour).toBe(0);
    e.apply(f.dialed(at('09:20'), 'c2', 'a1'));
    e.apply(f.ended(at('09:20') + 30 * SEC, 'c2', 'a1'));
    expect(floorRow(e, [], at('09:21')).cphLastHour).toBe(1);
  });
});
