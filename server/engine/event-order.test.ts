/** Fold order and de-duplication of a call's or agent's event list. */
import { describe, expect, it } from 'vitest';
import { queueStats } from './project.ts';
import { compareEvents, insertInOrder } from './event-order.ts';
import { at, engineWith, eventFactory, SEC } from './test-events.ts';

describe('insertInOrder', () => {
  const f = eventFactory();
  const a = f.queued(at('09:00:00'), 'c1');
  const b = f.answered(at('09:00:10'), 'c1', 'a1');
  const c = f.ended(at('09:03:00'), 'c1', 'a1');

  it('keeps (ts, id) order whatever the arrival order', () => {
    const list = [c];
    expect(insertInOrder(list, a)).toBe(true);
    expect(insertInOrder(list, b)).toBe(true);
    expect(list.map((e) => e.id)).toEqual([a.id, b.id, c.id]);
  });

  it('refuses an id already there: the same object, or a re-sent copy', () => {
    const list = [a, b, c];
    expect(insertInOrder(list, b)).toBe(false);
    expect(insertInOrder(list, structuredClone(a))).toBe(false);
    expect(insertInOrder(list, { ...c })).toBe(false);
    expect(list).toHaveLength(3);
  });

  it('orders equal timestamps by id, so every replica folds them the same way', () => {
    const x = { ...a, id: 'x' };
    const y = { ...a, id: 'y' };
    expect(compareEvents(x, y)).toBeLessThan(0);
    expect(compareEvents(y, x)).toBeGreaterThan(0);
    expect(compareEvents(x, { ...x })).toBe(0);
  });
});

describe('AHT when the agent is already available as the call ends (same instant, state event first)', () => {
  it('counts the call at the agent\'s next state change, with wrap 0', () => {
    // Reading chosen: the engine waits for the agent's next state change to close the call's
    // wrap-up (a wrap_up event may still follow); as the agent was not in wrap_up, wrap is 0.
    const f = eventFactory('z');
    const t = at('10:00:00');
    const ended = f.ended(t + 100 * SEC, 'c1', 'a1'); // id z…4
    const events = [
      f.login(at('09:00'), 'a1'), f.queued(t, 'c1'), f.answered(t, 'c1', 'a1'),
      { ...f.state(t + 100 * SEC, 'a1', 'available'), id: 'a-first' }, // same ts, sorts before the end
      ended,
    ];
    const e = engineWith(events);
    expect(queueStats(e, ['q1'], t + 200 * SEC)).toMatchObject({ handled: 0, ahtSec: null });
    e.apply(f.state(t + 300 * SEC, 'a1', 'on_call'));
    // talk 100 s + wrap 0
    expect(queueStats(e, ['q1'], t + 400 * SEC)).toMatchObject({ handled: 1, ahtSec: 100 });
  });
});
