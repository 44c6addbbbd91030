/** SPEC §3 per-queue fields (and totals), each from a small hand-written event sequence. */
import { describe, expect, it } from 'vitest';
import { queueRow, queueStats } from './project.ts';
import { at, engineWith, eventFactory, inboundCall, SEC, snapshotOf, YESTERDAY } from './test-events.ts';

describe('live queue figures: waiting, longestWaitSec, oldestQueuedAt', () => {
  const f = eventFactory();
  const events = [
    f.queued(at('09:00:00'), 'c1'),
    f.queued(at('09:00:30'), 'c2'),
    f.queued(at('09:01:00'), 'c3'),
    f.answered(at('09:01:10'), 'c3', 'a1'),
    f.queued(at('09:00:45'), 'c4', 'q2'),
    f.timeout(at('09:01:40'), 'c4', 'q2'),
  ];

  it('counts calls still queued and measures the oldest one against now', () => {
    const e = engineWith(events);
    const q1 = queueStats(e, ['q1'], at('09:02:00'));
    // c1 and c2 wait; c3 was answered. Oldest c1: 09:02:00 − 09:00:00 = 120 s.
    expect(q1.waiting).toBe(2);
    expect(q1.longestWaitSec).toBe(120);
    expect(q1.oldestQueuedAt).toBe(at('09:00:00'));
  });

  it('is 0 / null when nothing waits', () => {
    const e = engineWith(events);
    // q2's only call timed out.
    const q2 = queueStats(e, ['q2'], at('09:02:00'));
    expect(q2).toMatchObject({ waiting: 0, longestWaitSec: 0, oldestQueuedAt: null });
  });

  it('moves to the next oldest call when the oldest leaves the queue', () => {
    const e = engineWith([...events, f.abandoned(at('09:02:00'), 'c1')]);
    // Only c2 waits: 09:03:00 − 09:00:30 = 150 s.
    const q1 = queueStats(e, ['q1'], at('09:03:00'));
    expect(q1).toMatchObject({ waiting: 1, longestWaitSec: 150, oldestQueuedAt: at('09:00:30') });
  });

  it('totals take the longest wait over all queues', () => {
    const e = engineWith([...events, f.queued(at('08:59:00'), 'c5', 'q2')]);
    const totals = snapshotOf([...events, f.queued(at('08:59:00'), 'c5', 'q2')], at('09:02:00')).totals;
    // c1, c2 in q1 and c5 in q2 wait; c5 is oldest: 09:02 − 08:59 = 180 s.
    expect(totals).toMatchObject({ waiting: 3, longestWaitSec: 180, oldestQueuedAt: at('08:59:00') });
    expect(queueStats(e, ['q1', 'q2'], at('09:02:00')).waiting).toBe(3);
  });
});

describe('offered, answered, abandoned vs shortAbandoned, timedOut, answeredWithinSl and the rates', () => {
  const f = eventFactory();
  const t0 = at('10:00:00');
  const events = [
    // c1: abandoned after exactly 5.000 s → abandoned (wait ≥ shortAbandonSec).
    f.queued(t0, 'c1'), f.abandoned(t0 + 5000, 'c1'),
    // c2: abandoned after 4.999 s → short abandon.
    f.queued(t0, 'c2'), f.abandoned(t0 + 4999, 'c2'),
    // c3: answered after exactly 20.000 s → within SL (wait ≤ slThresholdSec).
    f.queued(t0, 'c3'), f.answered(t0 + 20_000, 'c3', 'a1'),
    // c4: answered after 20.001 s → outside SL.
    f.queued(t0, 'c4'), f.answered(t0 + 20_001, 'c4', 'a2'),
    // c5: timed out after 60 s.
    f.queued(t0, 'c5'), f.timeout(t0 + 60_000, 'c5'),
    // c6: answered after 2 s → within SL.
    f.queued(t0, 'c6'), f.answered(t0 + 2000, 'c6', 'a3'),
  ];
  const q = queueStats(engineWith(events), ['q1'], at('10:05:00'));

  it('counts each outcome once', () => {
    expect(q).toMatchObject({ offered: 6, answered: 3, abandoned: 1, shortAbandoned: 1, timedOut: 1, answeredWithinSl: 2, waiting: 0 });
  });

  it('serviceLevel = answeredWithinSl / (answered + abandoned + timedOut)', () => {
    // 2 / (3 + 1 + 1) = 0.4 — short abandons are outside the denominator.
    expect(q.serviceLevel).toBe(0.4);
  });

  it('abandonRate = abandoned / (answered + abandoned + timedOut)', () => {
    // 1 / 5 = 0.2
    expect(q.abandonRate).toBe(0.2);
  });

  it('answerRate = answered / (answered + abandoned + shortAbandoned + timedOut)', () => {
    // 3 / (3 + 1 + 1 + 1) = 0.5
    expect(q.answerRate).toBe(0.5);
  });

  it('asaSec = Σ(answeredAt − queuedAt) / answered', () => {
    // (20.000 + 20.001 + 2.000) / 3 = 14.000333… → 14.0 (0.1 s resolution)
    expect(q.asaSec).toBe(14);
  });

  it('rates are null when their denominator is 0, never 0 or NaN', () => {
    const g = eventFactory();
    // Only a waiting call: every denominator is 0.
    const waitingOnly = queueStats(engineWith([g.queued(at('10:00'), 'x1')]), ['q1'], at('10:01'));
    expect(waitingOnly).toMatchObject({ offered: 1, serviceLevel: null, abandonRate: null, answerRate: null, asaSec: null, ahtSec: null, transferRate: null });
    // Only a short abandon: SL and abandon-rate denominators are 0, the answer-rate one is 1.
    const shortOnly = queueStats(engineWith([g.queued(at('10:00'), 'x2'), g.abandoned(at('10:00:02'), 'x2')]), ['q1'], at('10:01'));
    expect(shortOnly).toMatchObject({ shortAbandoned: 1, serviceLevel: null, abandonRate: null, answerRate: 0 });
    // A queue nobody ever mentioned.
    const unknown = queueStats(engineWith([]), ['nope'], at('10:01'));
    expect(unknown).toMatchObject({ offered: 0, serviceLevel: null, abandonRate: null, answerRate: null, asaSec: null, ahtSec: null, transferRate: null });
  });

  it('severity colours follow the default thresholds', () => {
    const row = queueRow(engineWith(events), 'q1', at('10:05:00'));
    // SL 0.4 < 0.7 → red; abandon 0.2 > 0.1 → red; nobody waiting → ok.
    expect(row.severity).toEqual({ serviceLevel: 'red', abandonRate: 'red', longestWaitSec: 'ok' });
  });
});

describe('totals sum the queues', () => {
  it('sums counts and recomputes rates from the sums', () => {
    const f = eventFactory();
    const t = at('11:00:00');
    const events = [
      f.queued(t, 'c1', 'q1'), f.answered(t + 10 * SEC, 'c1', 'a1', 'q1'), // q1: within SL, wait 10
      f.queued(t, 'c2', 'q2'), f.answered(t + 30 * SEC, 'c2', 'a2', 'q2'), // q2: outside SL, wait 30
      f.queued(t, 'c3', 'q2'), f.abandoned(t + 8 * SEC, 'c3', 'q2'), //      q2: abandoned
      f.queued(t, 'c4', 'q2'), //                                               q2: waiting
    ];
    const snap = snapshotOf(events, at('11:01:00'));
    const [q1, q2] = snap.queues;
    expect(q1).toMatchObject({ id: 'q1', offered: 1, answered: 1, serviceLevel: 1, asaSec: 10 });
    expect(q2).toMatchObject({ id: 'q2', offered: 3, answered: 1, abandoned: 1, waiting: 1, serviceLevel: 0, abandonRate: 0.5 });
    // totals: offered 1+3 = 4, answered 2, abandoned 1, SL = 1 / (2 + 1) = 0.3333, abandon 1/3,
    // answer rate 2/3, ASA (10 + 30) / 2 = 20 — not the average of the queue rates.
    expect(snap.totals).toMatchObject({
      offered: 4, answered: 2, abandoned: 1, waiting: 1, answeredWithinSl: 1,
      serviceLevel: 0.3333, abandonRate: 0.3333, answerRate: 0.6667, asaSec: 20,
    });
  });
});

describe('ahtSec: talk (answered → ended) + wrap-up (ended → agent leaves wrap_up)', () => {
  const f = eventFactory();
  // a1: classic. Talk 11:00:10 → 11:03:10 = 180 s; wrap 11:03:10 → 11:04:10 = 60 s; handle 240 s.
  const classic = inboundCall(f, { callId: 'c1', agentId: 'a1', queuedAt: at('11:00:00'), answeredAt: at('11:00:10'), endedAt: at('11:03:10'), wrapEndAt: at('11:04:10') });
  // a2: presses wrap-up before the caller hangs up. Talk 11:10:00 → 11:12:30 = 150 s;
  // wrap counts from the end of the call: 11:12:30 → 11:13:00 = 30 s; handle 180 s.
  const earlyWrap = [
    f.queued(at('11:09:50'), 'c2'), f.answered(at('11:10:00'), 'c2', 'a2'), f.state(at('11:10:00'), 'a2', 'on_call'),
    f.state(at('11:12:00'), 'a2', 'wrap_up'), f.ended(at('11:12:30'), 'c2', 'a2'), f.state(at('11:13:00'), 'a2', 'available'),
  ];
  // a3: no wrap-up at all; goes available 5 s after the call. Talk 11:20:00 → 11:21:40 = 100 s; wrap 0.
  const noWrap = [
    f.queued(at('11:19:00'), 'c3'), f.answered(at('11:20:00'), 'c3', 'a3'), f.state(at('11:20:00'), 'a3', 'on_call'),
    f.ended(at('11:21:40'), 'c3', 'a3'), f.state(at('11:21:45'), 'a3', 'available'),
  ];
  const logins = [f.login(at('10:00'), 'a1'), f.login(at('10:00'), 'a2'), f.login(at('10:00'), 'a3')];

  it('a call counts only once its wrap-up is over', () => {
    const e = engineWith([...logins, ...classic]);
    // 11:03:30: the call has ended but a1 is still in wrap-up → not handled yet for AHT.
    const during = engineWith([...logins, ...classic.filter((ev) => ev.ts <= at('11:03:30'))]);
    expect(queueStats(during, ['q1'], at('11:03:30'))).toMatchObject({ handled: 0, ahtSec: null });
    // After 11:04:10: 180 + 60 = 240 s.
    expect(queueStats(e, ['q1'], at('11:05'))).toMatchObject({ handled: 1, ahtSec: 240 });
  });

  it('a call that ends while the agent is already in wrap_up counts wrap from the end of the call', () => {
    const e = engineWith([...logins, ...earlyWrap]);
    // 150 + 30 = 180 s
    expect(queueStats(e, ['q1'], at('11:15'))).toMatchObject({ handled: 1, ahtSec: 180 });
  });

  it('an agent going straight to available has wrap 0', () => {
    const e = engineWith([...logins, ...noWrap]);
    // 100 + 0 = 100 s
    expect(queueStats(e, ['q1'], at('11:25'))).toMatchObject({ handled: 1, ahtSec: 100 });
  });

  it('averages over the handled calls of the queue', () => {
    const e = engineWith([...logins, ...classic, ...earlyWrap, ...noWrap]);
    // (240 + 180 + 100) / 3 = 173.33 → 173.3
    expect(queueStats(e, ['q1'], at('11:30'))).toMatchObject({ handled: 3, ahtSec: 173.3 });
  });

  it('a logout ends the wrap-up', () => {
    const g = eventFactory('g');
    const events = [
      g.login(at('10:00'), 'a4'), g.queued(at('12:00:00'), 'c4'), g.answered(at('12:00:00'), 'c4', 'a4'), g.state(at('12:00:00'), 'a4', 'on_call'),
      g.ended(at('12:01:00'), 'c4', 'a4'), g.state(at('12:01:00'), 'a4', 'wrap_up'), g.logout(at('12:01:20'), 'a4'),
    ];
    // talk 60 + wrap 20 = 80 s
    expect(queueStats(engineWith(events), ['q1'], at('12:05'))).toMatchObject({ handled: 1, ahtSec: 80 });
  });
});

describe('transferRate = calls transferred / answered', () => {
  it('charges the transfer to the queue whose leg was answered', () => {
    const f = eventFactory();
    const events = [
      // c1: q1 → answered by a1 → transferred to q2 → answered there by a2.
      f.queued(at('13:00:00'), 'c1', 'q1'), f.answered(at('13:00:05'), 'c1', 'a1', 'q1'),
      f.transferred(at('13:02:00'), 'c1', 'a1', { toQueueId: 'q2' }),
      f.queued(at('13:02:00'), 'c1', 'q2'), f.answered(at('13:02:30'), 'c1', 'a2', 'q2'),
      // c2: q1 → answered, not transferred.
      f.queued(at('13:05:00'), 'c2', 'q1'), f.answered(at('13:05:03'), 'c2', 'a1', 'q1'),
    ];
    const snap = snapshotOf(events, at('13:10'));
    // q1: 1 transferred / 2 answered = 0.5; q2: 0 / 1 = 0; totals: 1 / 3.
    expect(snap.queues.find((q) => q.id === 'q1')).toMatchObject({ offered: 2, answered: 2, transferred: 1, transferRate: 0.5 });
    expect(snap.queues.find((q) => q.id === 'q2')).toMatchObject({ offered: 1, answered: 1, transferred: 0, transferRate: 0 });
    expect(snap.totals).toMatchObject({ offered: 3, answered: 3, transferred: 1, transferRate: 0.3333 });
  });
});

describe('"today" is the calendar day in CENTER_TZ (Asia/Shanghai)', () => {
  it('an event at 23:59 local yesterday does not count today; 00:00 local does', () => {
    const f = eventFactory();
    const events = [
      // 23:59:00 local on the 9th = 15:59 UTC on the 9th.
      f.queued(at('23:59:00', YESTERDAY), 'c1'), f.answered(at('23:59:10', YESTERDAY), 'c1', 'a1'),
      // queued yesterday, answered today (wait 15 s): offered yesterday, answered today.
      f.queued(at('23:59:50', YESTERDAY), 'c2'), f.answered(at('00:00:05'), 'c2', 'a1'),
      // 00:00:00 local today = 16:00 UTC yesterday: counts today.
      f.queued(at('00:00:00'), 'c3'), f.abandoned(at('00:00:30'), 'c3'),
    ];
    const e = engineWith(events);
    expect(queueStats(e, ['q1'], at('08:00'))).toMatchObject({ offered: 1, answered: 1, abandoned: 1, answeredWithinSl: 1, serviceLevel: 0.5, asaSec: 15 });
    // Seen from yesterday 23:59:59: c1 and c2 offered, c1 answered.
    expect(queueStats(e, ['q1'], at('23:59:59', YESTERDAY))).toMatchObject({ offered: 2, answered: 1, abandoned: 0 });
  });

  it('the same instants belong to another day in another zone', () => {
    const f = eventFactory();
    // 23:59 Shanghai = 15:59 UTC, i.e. the same day in UTC as 00:00:30 Shanghai (16:00:30 UTC).
    const events = [f.queued(at('23:59:00', YESTERDAY), 'c1'), f.queued(at('00:00:30'), 'c2')];
    const utc = engineWith(events, 'UTC');
    expect(queueStats(utc, ['q1'], at('00:01')).offered).toBe(2);
    expect(queueStats(engineWith(events), ['q1'], at('00:01')).offered).toBe(1);
  });
});
