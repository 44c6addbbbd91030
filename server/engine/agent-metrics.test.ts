/** SPEC §3 per-agent fields, each from a small hand-written event sequence. */
import { describe, expect, it } from 'vitest';
import type { FloorEvent } from '../../shared/events.ts';
import { gradeOf } from '../../shared/metrics.ts';
import { agentRow } from './project.ts';
import { at, engineWith, eventFactory, MIN, SEC, YESTERDAY } from './test-events.ts';

const rowAt = (events: readonly FloorEvent[], agentId: string, now: number) => agentRow(engineWith(events), agentId, now)!;

describe('state, reason, stateSince', () => {
  const f = eventFactory();
  const events = [f.login(at('08:00'), 'a1', 't1', 'Li Na'), f.state(at('09:00'), 'a1', 'break', 'short_break')];

  it('a login makes the agent available from the login time', () => {
    expect(rowAt(events.slice(0, 1), 'a1', at('08:30'))).toMatchObject({ state: 'available', reason: null, stateSince: at('08:00'), teamId: 't1', name: 'Li Na' });
  });

  it('follows agent.state with its reason', () => {
    expect(rowAt(events, 'a1', at('09:01'))).toMatchObject({ state: 'break', reason: 'short_break', stateSince: at('09:00') });
  });

  it('a reason change restarts stateSince; a logout makes the agent offline', () => {
    const more = [...events, f.state(at('09:02'), 'a1', 'break', 'meal'), f.logout(at('09:30'), 'a1')];
    expect(rowAt(more.slice(0, 3), 'a1', at('09:05'))).toMatchObject({ state: 'break', reason: 'meal', stateSince: at('09:02') });
    expect(rowAt(more, 'a1', at('09:31'))).toMatchObject({ state: 'offline', reason: null, stateSince: at('09:30') });
  });
});

describe('loggedInSec: login→logout intervals today, the open one running to now', () => {
  it('adds closed sessions and the open one', () => {
    const f = eventFactory();
    const events = [f.login(at('08:00'), 'a1'), f.logout(at('10:00'), 'a1'), f.login(at('11:00'), 'a1')];
    // 08:00–10:00 = 7200 s closed + 11:00–11:30 = 1800 s open = 9000 s
    expect(rowAt(events, 'a1', at('11:30')).loggedInSec).toBe(9000);
    expect(rowAt(events, 'a1', at('11:30')).figuresAt).toBe(at('11:30'));
  });

  it('clips a session spanning local midnight to today (open and closed)', () => {
    const f = eventFactory();
    const open = [f.login(at('23:00', YESTERDAY), 'a1')];
    // 23:00 yesterday → 00:30 today: only 00:00–00:30 is today = 1800 s.
    expect(rowAt(open, 'a1', at('00:30')).loggedInSec).toBe(1800);
    // Seen from yesterday 23:59:59: 59 min 59 s = 3599 s.
    expect(rowAt(open, 'a1', at('23:59:59', YESTERDAY)).loggedInSec).toBe(3599);
    const closed = [...open, f.logout(at('01:00'), 'a1')];
    // Closed 23:00 → 01:00: today's part 00:00–01:00 = 3600 s, no matter how late we look.
    expect(rowAt(closed, 'a1', at('02:00')).loggedInSec).toBe(3600);
  });

  it('an agent.state while offline starts a session (implicit login)', () => {
    const f = eventFactory();
    const events = [f.login(at('08:00'), 'a1'), f.logout(at('08:10'), 'a1'), f.state(at('09:00'), 'a1', 'available')];
    // 600 s + (09:05 − 09:00) 300 s = 900 s
    expect(rowAt(events, 'a1', at('09:05'))).toMatchObject({ loggedInSec: 900, state: 'available', teamId: 't1' });
  });
});

/** `n` ended calls of agent `agentId`, 10 s each, one every 60 s from `from`; outcomes in order. */
function endedCalls(f: ReturnType<typeof eventFactory>, agentId: string, from: number, n: number, outcomes: readonly (FloorEvent & { type: 'call.ended' })['outcome'][] = []): FloorEvent[] {
  const out: FloorEvent[] = [];
  for (let i = 0; i < n; i++) {
    const t = from + i * MIN;
    const callId = `${agentId}-call${i}`;
    out.push(f.dialed(t, callId, agentId), f.ended(t + 10 * SEC, callId, agentId, outcomes[i]));
  }
  return out;
}

describe('handled, cph', () => {
  it('handled counts call.ended of this agent today, inbound and outbound', () => {
    const f = eventFactory();
    const events = [
      f.login(at('08:00'), 'a1'),
      f.queued(at('08:10'), 'in1'), f.answered(at('08:10:05'), 'in1', 'a1'), f.ended(at('08:12'), 'in1', 'a1'),
      f.dialed(at('08:20'), 'out1', 'a1'), f.ended(at('08:21'), 'out1', 'a1', 'no_answer'),
      // someone else's call
      f.dialed(at('08:20'), 'out2', 'a2'), f.ended(at('08:21'), 'out2', 'a2'),
    ];
    expect(rowAt(events, 'a1', at('09:00')).handled).toBe(2);
  });

  it('a call ended at 23:59 local yesterday is not handled today', () => {
    const f = eventFactory();
    const events = [f.login(at('23:00', YESTERDAY), 'a1'), f.dialed(at('23:58', YESTERDAY), 'c1', 'a1'), f.ended(at('23:59', YESTERDAY), 'c1', 'a1'),
      f.dialed(at('00:01'), 'c2', 'a1'), f.ended(at('00:02'), 'c2', 'a1')];
    expect(rowAt(events, 'a1', at('00:30')).handled).toBe(1);
    // Yesterday's row counted it (each agent keeps its latest day's figures: the screens show today).
    expect(rowAt(events.slice(0, 3), 'a1', at('23:59:30', YESTERDAY)).handled).toBe(1);
  });

  it('cph = handled / (loggedInSec / 3600), null while logged in under 600 s', () => {
    const f = eventFactory();
    const events = [f.login(at('09:00'), 'a1'), ...endedCalls(f, 'a1', at('09:01'), 2)];
    // 09:09:59.999: 599.999 s < 600 → null (and so no grade)
    expect(rowAt(events, 'a1', at('09:09:59.999'))).toMatchObject({ handled: 2, cph: null, grade: null });
    // 09:10:00: 2 / (600 / 3600) = 12
    expect(rowAt(events, 'a1', at('09:10:00')).cph).toBe(12);
    // 10:00: 2 / 1 h = 2
    expect(rowAt(events, 'a1', at('10:00')).cph).toBe(2);
  });
});

describe('successRate: success / (success + failure), the latest outcome of a call wins', () => {
  it('a call.disposition overrides the outcome of call.ended; no_answer is outside the rate', () => {
    const f = eventFactory();
    const events = [
      f.login(at('08:00'), 'a1'),
      f.dialed(at('08:01'), 'c1', 'a1'), f.ended(at('08:02'), 'c1', 'a1', 'success'), // success
      f.dialed(at('08:03'), 'c2', 'a1'), f.ended(at('08:04'), 'c2', 'a1', 'failure'), // failure …
      f.disposition(at('08:05'), 'c2', 'a1', 'success'), //                                …then success
      f.dialed(at('08:06'), 'c3', 'a1'), f.ended(at('08:07'), 'c3', 'a1', 'no_answer'), // outside
      f.dialed(at('08:08'), 'c4', 'a1'), f.ended(at('08:09'), 'c4', 'a1', 'success'), //  success …
      f.disposition(at('08:10'), 'c4', 'a1', 'busy'), //                                   …then outside
      f.dialed(at('08:11'), 'c5', 'a1'), f.ended(at('08:12'), 'c5', 'a1'), //            no outcome …
      f.disposition(at('08:13'), 'c5', 'a1', 'failure'), //                                …then failure
    ];
    // success: c1, c2 = 2; failure: c5 = 1 → 2 / 3 = 0.6667
    expect(rowAt(events, 'a1', at('09:00'))).toMatchObject({ handled: 5, success: 2, failure: 1, successRate: 0.6667 });
  });

  it('is null with no success or failure yet', () => {
    const f = eventFactory();
    const events = [f.login(at('08:00'), 'a1'), f.dialed(at('08:01'), 'c1', 'a1'), f.ended(at('08:02'), 'c1', 'a1', 'no_answer')];
    expect(rowAt(events, 'a1', at('09:00'))).toMatchObject({ successRate: null, grade: null });
  });

  it('"latest" is by event time, whatever the arrival order', () => {
    const f = eventFactory();
    const events = [f.login(at('08:00'), 'a1'), f.dialed(at('08:01'), 'c1', 'a1'), f.ended(at('08:02'), 'c1', 'a1', 'failure'), f.disposition(at('08:03'), 'c1', 'a1', 'success')];
    const reversed = [...events].reverse();
    expect(rowAt(reversed, 'a1', at('09:00'))).toMatchObject({ success: 1, failure: 0, successRate: 1 });
  });
});

describe('grade from the SPEC §2 table (cph at least / success rate at least)', () => {
  /** Logged in exactly 4 h (08:00–12:00) with `handled` calls; `s` successes and `f` failures among them. */
  function gradeFor(handled: number, s: number, fl: number) {
    const f = eventFactory();
    const outcomes = [...Array<'success'>(s).fill('success'), ...Array<'failure'>(fl).fill('failure')];
    const events = [f.login(at('08:00'), 'a1'), ...endedCalls(f, 'a1', at('08:00:10'), handled, outcomes)];
    expect(events.at(-1)!.ts).toBeLessThan(at('12:00'));
    const row = rowAt(events, 'a1', at('12:00'));
    expect(row.loggedInSec).toBe(4 * 3600);
    return row;
  }

  it.each([
    // handled/4 h = cph; s/(s+f) = success rate
    { handled: 68, s: 13, f: 7, cph: 17, rate: 0.65, grade: 'A' }, //       exactly on A
    { handled: 68, s: 16, f: 9, cph: 17, rate: 0.64, grade: 'B' }, //       A's cph, rate just below A
    { handled: 67, s: 13, f: 7, cph: 16.8, rate: 0.65, grade: 'B' }, //     cph 16.75 just below A
    { handled: 60, s: 3, f: 2, cph: 15, rate: 0.6, grade: 'B' }, //         exactly on B
    { handled: 59, s: 3, f: 2, cph: 14.8, rate: 0.6, grade: 'C' }, //       cph 14.75 just below B
    { handled: 60, s: 35, f: 24, cph: 15, rate: 0.5932, grade: 'C' }, // rate 35/59 just below B
    { handled: 52, s: 29, f: 21, cph: 13, rate: 0.58, grade: 'C' }, //      exactly on C
    { handled: 52, s: 4, f: 3, cph: 13, rate: 0.5714, grade: 'trainee' }, // rate below C
    { handled: 51, s: 29, f: 21, cph: 12.8, rate: 0.58, grade: 'trainee' }, // cph 12.75 below C
    { handled: 44, s: 13, f: 12, cph: 11, rate: 0.52, grade: 'trainee' }, // exactly on trainee pass
    { handled: 43, s: 13, f: 12, cph: 10.8, rate: 0.52, grade: 'below' }, // cph 10.75
    { handled: 44, s: 1, f: 1, cph: 11, rate: 0.5, grade: 'below' }, //      rate below 52%
    { handled: 80, s: 1, f: 1, cph: 20, rate: 0.5, grade: 'below' }, //      high cph cannot make up for the rate
  ])('$handled calls in 4 h ($s success / $f failure) → cph $cph, rate $rate → $grade', ({ handled, s, f, cph, rate, grade }) => {
    const row = gradeFor(handled, s, f);
    expect(row).toMatchObject({ handled, cph, successRate: rate, grade });
  });

  it('gradeOf is null while either input is unknown', () => {
    expect(gradeOf(null, 0.9)).toBeNull();
    expect(gradeOf(30, null)).toBeNull();
  });
});

describe('breakSec and breakOverrun', () => {
  it('breakSec sums time in break today, the current break running to now', () => {
    const f = eventFactory();
    const events = [
      f.login(at('08:00'), 'a1'),
      f.state(at('09:00'), 'a1', 'break', 'short_break'), f.state(at('09:04'), 'a1', 'available'), // 240 s
      f.state(at('10:00'), 'a1', 'away'), f.state(at('10:02'), 'a1', 'available'), //                away is not break
      f.state(at('12:00'), 'a1', 'break', 'meal'), //                                                 open
    ];
    // 240 + (12:30 − 12:00) 1800 = 2040 s
    expect(rowAt(events, 'a1', at('12:30')).breakSec).toBe(2040);
  });

  it('a break across midnight counts only today\'s part', () => {
    const f = eventFactory();
    const events = [f.login(at('22:00', YESTERDAY), 'a1'), f.state(at('23:50', YESTERDAY), 'a1', 'break', 'meal'), f.state(at('00:20'), 'a1', 'available')];
    // 00:00–00:20 = 1200 s
    expect(rowAt(events, 'a1', at('01:00')).breakSec).toBe(1200);
  });

  it('short_break overruns after 5 min', () => {
    const f = eventFactory();
    const events = [f.login(at('08:00'), 'a1'), f.state(at('10:00'), 'a1', 'break', 'short_break')];
    expect(rowAt(events, 'a1', at('10:04:59.999'))).toMatchObject({ breakOverrun: false, overrunAt: at('10:05') });
    expect(rowAt(events, 'a1', at('10:05:00.001'))).toMatchObject({ breakOverrun: true, overrunAt: at('10:05') });
  });

  it('away overruns after 10 min', () => {
    const f = eventFactory();
    const events = [f.login(at('08:00'), 'a1'), f.state(at('11:00'), 'a1', 'away')];
    expect(rowAt(events, 'a1', at('11:09:59.999'))).toMatchObject({ breakOverrun: false, overrunAt: at('11:10') });
    expect(rowAt(events, 'a1', at('11:10:00.001'))).toMatchObject({ breakOverrun: true });
  });

  it('a meal has no limit here', () => {
    const f = eventFactory();
    const events = [f.login(at('08:00'), 'a1'), f.state(at('12:00'), 'a1', 'break', 'meal')];
    expect(rowAt(events, 'a1', at('13:30'))).toMatchObject({ breakOverrun: false, overrunAt: null, breakSec: 5400 });
  });

  it('coming back ends the overrun', () => {
    const f = eventFactory();
    const events = [f.login(at('08:00'), 'a1'), f.state(at('10:00'), 'a1', 'break', 'short_break'), f.state(at('10:07'), 'a1', 'available')];
    expect(rowAt(events, 'a1', at('10:08'))).toMatchObject({ breakOverrun: false, overrunAt: null, breakSec: 420 });
  });
});
