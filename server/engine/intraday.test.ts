/** SPEC §3 intraday series: per 15-minute interval, and its 30/60-minute aggregation. */
import { describe, expect, it } from 'vitest';
import { intraday } from './intraday.ts';
import { at, engineWith, eventFactory, iso, YESTERDAY } from './test-events.ts';

const f = eventFactory();
const events = [
  // calls
  f.queued(at('09:01:00'), 'c1'), f.answered(at('09:01:10'), 'c1', 'a1'), //   wait 10 s, within SL
  f.queued(at('09:05:00'), 'c2'), f.abandoned(at('09:06:00'), 'c2'), //        abandoned after 60 s
  f.queued(at('09:14:50'), 'c3'), f.answered(at('09:15:20'), 'c3', 'a3'), //   offered 09:00, answered 09:15, wait 30 s
  f.queued(at('09:20:00'), 'c4'), f.abandoned(at('09:20:03'), 'c4'), //        short abandon: not "abandoned"
  f.queued(at('09:25:00'), 'c5', 'q2'), f.timeout(at('09:27:00'), 'c5', 'q2'), // q2 timeout: in SL denominator
  // agents
  f.login(at('08:00'), 'a1'), //                                              all day
  f.state(at('09:00'), 'a1', 'break', 'short_break'), f.state(at('09:03'), 'a1', 'available'), // 3 min break
  f.login(at('09:03'), 'a2'), f.logout(at('09:09'), 'a2'), //                  6 of 15 min = 0.4
  f.login(at('09:06'), 'a3'), //                                              9 of 15 min = 0.6, then all along
];
const e = engineWith(events);
const now = at('10:20');

describe('15-minute series', () => {
  const s = intraday(e, now, 15, null);
  const point = (hhmm: string) => s.points.find((p) => p.start === iso(at(hhmm)))!;

  it('runs from local midnight to the current interval', () => {
    // 00:00 … 10:15 = 10 × 4 + 2 = 42 intervals
    expect(s).toMatchObject({ day: '2026-03-10', intervalMinutes: 15, queueId: null });
    expect(s.points).toHaveLength(42);
    expect(s.points[0]!.start).toBe(iso(at('00:00')));
    expect(s.points.at(-1)!.start).toBe(iso(at('10:15')));
  });

  it('counts calls in the interval of their own event', () => {
    // 09:00: offered c1 c2 c3 = 3; answered c1; abandoned c2; SL 1 / (1 + 1) = 0.5; ASA 10
    expect(point('09:00')).toMatchObject({ offered: 3, answered: 1, abandoned: 1, serviceLevel: 0.5, asaSec: 10 });
    // 09:15: offered c4 c5 = 2; answered c3 (30 s, outside); short abandon c4 not counted;
    // c5 timed out: SL 0 / (1 + 0 + 1) = 0; ASA 30
    expect(point('09:15')).toMatchObject({ offered: 2, answered: 1, abandoned: 0, serviceLevel: 0, asaSec: 30 });
    // quiet interval: rates null
    expect(point('09:30')).toMatchObject({ offered: 0, answered: 0, abandoned: 0, serviceLevel: null, asaSec: null });
  });

  it('agents logged in / on break are time-weighted averages over the interval', () => {
    // 07:45: nobody; 08:00: a1 all 15 min = 1
    expect(point('07:45')).toMatchObject({ agentsLoggedIn: 0, agentsOnBreak: 0 });
    expect(point('08:00')).toMatchObject({ agentsLoggedIn: 1, agentsOnBreak: 0 });
    // 09:00: a1 15 min + a2 6 min + a3 9 min = 30 agent-min / 15 = 2; break 3 min / 15 = 0.2
    expect(point('09:00')).toMatchObject({ agentsLoggedIn: 2, agentsOnBreak: 0.2 });
    // 09:15: a1 + a3 = 2
    expect(point('09:15').agentsLoggedIn).toBe(2);
    // current interval 10:15–10:20 (5 min so far): a1 + a3 = 2
    expect(point('10:15').agentsLoggedIn).toBe(2);
  });

  it('filters calls by queue (agents are floor-wide)', () => {
    const q2 = intraday(e, now, 15, 'q2');
    const p = q2.points.find((x) => x.start === iso(at('09:15')))!;
    // q2: offered c5; timeout only → SL 0 / 1 = 0, no answers → ASA null
    expect(p).toMatchObject({ offered: 1, answered: 0, abandoned: 0, serviceLevel: 0, asaSec: null, agentsLoggedIn: 2 });
  });
});

describe('30- and 60-minute aggregation', () => {
  it('sums the 15-minute counters and re-weights the agents', () => {
    const s30 = intraday(e, now, 30, null);
    // 00:00 … 10:00 = 21 intervals
    expect(s30.points).toHaveLength(21);
    // 09:00–09:30: offered 5, answered 2, abandoned 1; SL 1 / (2 + 1 + 1 timeout) = 0.25;
    // ASA (10 + 30) / 2 = 20; logged in (30 + 30) agent-min / 30 = 2; break 3 / 30 = 0.1
    expect(s30.points.find((p) => p.start === iso(at('09:00')))).toMatchObject({ offered: 5, answered: 2, abandoned: 1, serviceLevel: 0.25, asaSec: 20, agentsLoggedIn: 2, agentsOnBreak: 0.1 });
    // current interval 10:00–10:20 (20 min so far): 2 agents all along
    expect(s30.points.at(-1)).toMatchObject({ start: iso(at('10:00')), agentsLoggedIn: 2 });

    const s60 = intraday(e, now, 60, null);
    expect(s60.points).toHaveLength(11);
    // 08:00–09:00: a1 only = 1
    expect(s60.points.find((p) => p.start === iso(at('08:00')))).toMatchObject({ agentsLoggedIn: 1, offered: 0 });
    // 09:00–10:00: agent-min 30 + 30 + 30 + 30 = 120 / 60 = 2; break 3 / 60 = 0.05 → 0.1 (0.1 resolution)
    expect(s60.points.find((p) => p.start === iso(at('09:00')))).toMatchObject({ offered: 5, answered: 2, abandoned: 1, serviceLevel: 0.25, asaSec: 20, agentsLoggedIn: 2, agentsOnBreak: 0.1 });
  });
});

describe('a session across local midnight', () => {
  it('carries yesterday\'s open session into today\'s intervals', () => {
    const g = eventFactory('g');
    const ev = [g.login(at('23:50', YESTERDAY), 'a1'), g.logout(at('00:20'), 'a1'), g.login(at('23:40', YESTERDAY), 'a2')];
    const s = intraday(engineWith(ev), at('00:40'), 15, null);
    // 00:00: a1 + a2 all 15 min = 2; 00:15: a1 5 min (0.33) + a2 15 min = 1.33 → 1.3; 00:30 (10 min so far): a2 = 1
    expect(s.points.map((p) => p.agentsLoggedIn)).toEqual([2, 1.3, 1]);
  });

  it('calls of yesterday are not in today\'s series', () => {
    const g = eventFactory('h');
    const ev = [g.queued(at('23:59', YESTERDAY), 'c1'), g.answered(at('23:59:30', YESTERDAY), 'c1', 'a1')];
    const s = intraday(engineWith(ev), at('00:10'), 15, null);
    expect(s.points).toHaveLength(1);
    expect(s.points[0]).toMatchObject({ offered: 0, answered: 0 });
  });
});
