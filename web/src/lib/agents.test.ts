import { describe, expect, it } from 'vitest';
import { agentRow, T0 } from '../test/fixtures.ts';
import { breakBoard, countByState, filterAgents, groupByTeam, isOnFloor, packAgentPages, sortAgents } from './agents.ts';

const rows = [
  agentRow({ id: 'a1', name: 'Bo', state: 'on_call', stateSince: T0 - 30_000, handled: 20, cph: 20 }),
  agentRow({ id: 'a2', name: 'Al', state: 'available', stateSince: T0 - 300_000, handled: 5, cph: 5 }),
  agentRow({ id: 'a3', name: 'Cy', state: 'break', reason: 'short_break', stateSince: T0 - 400_000, teamId: 't2', overrunAt: T0 - 100_000 }),
  agentRow({ id: 'a4', name: 'Di', state: 'offline', attendance: 'late', teamId: 't2' }),
  agentRow({ id: 'a5', name: 'Ed', state: 'offline', attendance: 'not_scheduled' }),
];

describe('filterAgents', () => {
  it('"active" keeps signed-in agents and the missing ones, not those off shift', () => {
    expect(filterAgents(rows, { teamId: null, state: 'active', search: '' }).map((r) => r.id)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(isOnFloor(rows[4]!)).toBe(false);
  });

  it('filters by team, state and name', () => {
    expect(filterAgents(rows, { teamId: 't2', state: 'all', search: '' }).map((r) => r.id)).toEqual(['a3', 'a4']);
    expect(filterAgents(rows, { teamId: null, state: 'break', search: '' }).map((r) => r.id)).toEqual(['a3']);
    expect(filterAgents(rows, { teamId: null, state: 'all', search: 'e' }).map((r) => r.id)).toEqual(['a5']);
  });
});

describe('sortAgents', () => {
  it('sorts by name, state order, time in state and live CPH', () => {
    expect(sortAgents(rows, 'name', 'asc', T0).map((r) => r.name)).toEqual(['Al', 'Bo', 'Cy', 'Di', 'Ed']);
    expect(sortAgents(rows, 'state', 'asc', T0).map((r) => r.state)).toEqual(['available', 'on_call', 'break', 'offline', 'offline']);
    expect(sortAgents(rows, 'time', 'desc', T0).map((r) => r.id)).toEqual(['a3', 'a2', 'a4', 'a5', 'a1']);
    expect(sortAgents(rows, 'cph', 'desc', T0)[0]!.id).toBe('a1');
  });
});

describe('breakBoard', () => {
  it('lists agents on break or away with the overrun advanced to now', () => {
    const board = breakBoard(rows, T0);
    expect(board.map((r) => r.id)).toEqual(['a3']);
    expect(board[0]!.breakOverrun).toBe(true);
  });
});

describe('countByState', () => {
  it('counts every state', () => {
    expect(countByState(rows)).toEqual({ available: 1, ringing: 0, on_call: 1, wrap_up: 0, break: 1, away: 0, offline: 2 });
  });
});

describe('packAgentPages', () => {
  const team = (id: string, n: number) => ({ teamId: id, agents: Array.from({ length: n }, (_, i) => agentRow({ id: `${id}-${i}`, teamId: id })) });

  it('puts small teams together on one page', () => {
    const pages = packAgentPages([team('t1', 8), team('t2', 8)], 8, 5, 0.3);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.sections.map((s) => s.teamId)).toEqual(['t1', 't2']);
  });

  it('starts a new page when a team does not fit beside the others', () => {
    const pages = packAgentPages([team('t1', 30), team('t2', 16)], 8, 5, 0.3);
    expect(pages.map((p) => p.sections.map((s) => s.teamId))).toEqual([['t1'], ['t2']]);
  });

  it('splits a team larger than a page into numbered parts, losing nobody', () => {
    const pages = packAgentPages([team('big', 70)], 8, 5, 0.3);
    const parts = pages.flatMap((p) => p.sections);
    expect(parts.map((s) => `${s.part}/${s.parts}`)).toEqual(['1/3', '2/3', '3/3']);
    expect(parts.reduce((n, s) => n + s.agents.length, 0)).toBe(70);
    for (const s of parts) expect(s.agents.length).toBeLessThanOrEqual(32);
  });

  it('always returns at least one (empty) page', () => {
    expect(packAgentPages([], 8, 5, 0.3)).toEqual([{ sections: [] }]);
  });
});

describe('groupByTeam', () => {
  it('keeps the snapshot\'s team order and sorts names within a team', () => {
    const groups = groupByTeam(rows, ['t2', 't1']);
    expect(groups.map((g) => g.teamId)).toEqual(['t2', 't1']);
    expect(groups[1]!.agents.map((a) => a.name)).toEqual(['Al', 'Bo', 'Ed']);
  });
});
