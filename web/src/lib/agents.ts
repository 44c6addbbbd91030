import { advanceAgent, secondsSince } from '../../../shared/live.ts';
import type { AgentRow, AgentState } from '../../../shared/snapshot.ts';
import { isAttendanceIssue, STATE_ORDER } from './labels.ts';

export type SortKey = 'name' | 'state' | 'time' | 'cph';
export type SortDir = 'asc' | 'desc';
/** `active`: signed in, or scheduled and missing (late / absent / left early). */
export type StateFilter = 'active' | 'all' | AgentState;

export interface AgentFilter {
  teamId: string | null;
  state: StateFilter;
  search: string;
}

/** Whether an agent belongs on the floor board: signed in, or should be and is not. */
export function isOnFloor(row: AgentRow): boolean {
  return row.state !== 'offline' || isAttendanceIssue(row.attendance);
}

export function filterAgents(rows: readonly AgentRow[], filter: AgentFilter): AgentRow[] {
  const needle = filter.search.trim().toLowerCase();
  return rows.filter((row) => {
    if (filter.teamId !== null && row.teamId !== filter.teamId) return false;
    if (filter.state === 'active' ? !isOnFloor(row) : filter.state !== 'all' && row.state !== filter.state) return false;
    if (needle && !row.name.toLowerCase().includes(needle) && !row.id.toLowerCase().includes(needle)) return false;
    return true;
  });
}

const collator = new Intl.Collator(['en', 'zh-CN'], { numeric: true, sensitivity: 'base' });
const stateRank = new Map(STATE_ORDER.map((s, i) => [s, i]));

/**
 * Agents sorted by `key` (ties by name). `time` and `cph` use the figures advanced to `nowMs`,
 * the same values the tiles show.
 */
export function sortAgents(rows: readonly AgentRow[], key: SortKey, dir: SortDir, nowMs: number): AgentRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  const keyed = rows.map((row) => {
    let value: number | string;
    switch (key) {
      case 'name': value = row.name; break;
      case 'state': value = stateRank.get(row.state) ?? 99; break;
      case 'time': value = secondsSince(row.stateSince, nowMs); break;
      case 'cph': value = advanceAgent(row, nowMs).cph ?? -1; break;
    }
    return { row, value };
  });
  keyed.sort((a, b) => {
    const primary = typeof a.value === 'string' || typeof b.value === 'string'
      ? collator.compare(String(a.value), String(b.value))
      : a.value - b.value;
    return primary !== 0 ? sign * primary : collator.compare(a.row.name, b.row.name) || a.row.id.localeCompare(b.row.id);
  });
  return keyed.map((k) => k.row);
}

export function countByState(rows: readonly AgentRow[]): Record<AgentState, number> {
  const counts: Record<AgentState, number> = { available: 0, ringing: 0, on_call: 0, wrap_up: 0, break: 0, away: 0, offline: 0 };
  for (const row of rows) counts[row.state] += 1;
  return counts;
}

/** Agents on break or away, over-runs first, then the longest-running. */
export function breakBoard(rows: readonly AgentRow[], nowMs: number): AgentRow[] {
  return rows
    .filter((r) => r.state === 'break' || r.state === 'away')
    .map((r) => advanceAgent(r, nowMs))
    .sort((a, b) => Number(b.breakOverrun) - Number(a.breakOverrun) || secondsSince(b.stateSince, nowMs) - secondsSince(a.stateSince, nowMs) || collator.compare(a.name, b.name));
}

export interface TeamSection {
  teamId: string;
  agents: AgentRow[];
  /** 1-based part when a team is split across pages, with the number of parts. */
  part: number;
  parts: number;
}

export interface AgentPage {
  sections: TeamSection[];
}

/**
 * Packs team groups onto TV pages of `rowsPerPage` tile rows, `cols` tiles wide; a team
 * heading costs `headerRows` of a row. Teams stay whole when they fit on one page; bigger
 * teams are split into parts. Always returns at least one page.
 */
export function packAgentPages(groups: readonly { teamId: string; agents: AgentRow[] }[], cols: number, rowsPerPage: number, headerRows: number): AgentPage[] {
  const c = Math.max(1, Math.floor(cols));
  const capacity = Math.max(1 + headerRows, rowsPerPage);
  const maxRowsPerPart = Math.max(1, Math.floor(capacity - headerRows));
  const pages: AgentPage[] = [];
  let current: TeamSection[] = [];
  let used = 0;
  const flush = () => {
    if (current.length > 0) pages.push({ sections: current });
    current = [];
    used = 0;
  };
  for (const group of groups) {
    if (group.agents.length === 0) continue;
    const rows = Math.ceil(group.agents.length / c);
    if (rows <= maxRowsPerPart) {
      if (used + headerRows + rows > capacity + 1e-9) flush();
      current.push({ teamId: group.teamId, agents: group.agents, part: 1, parts: 1 });
      used += headerRows + rows;
      continue;
    }
    flush();
    const perPart = maxRowsPerPart * c;
    const parts = Math.ceil(group.agents.length / perPart);
    for (let p = 0; p < parts; p++) {
      current.push({ teamId: group.teamId, agents: group.agents.slice(p * perPart, (p + 1) * perPart), part: p + 1, parts });
      used = capacity;
      if (p < parts - 1) flush();
    }
    used = headerRows + Math.ceil((group.agents.length - (parts - 1) * perPart) / c);
  }
  flush();
  return pages.length > 0 ? pages : [{ sections: [] }];
}

/** Agents grouped by team, teams in the snapshot's order then any others, names sorted within. */
export function groupByTeam(rows: readonly AgentRow[], teamOrder: readonly string[]): { teamId: string; agents: AgentRow[] }[] {
  const groups = new Map<string, AgentRow[]>();
  for (const id of teamOrder) groups.set(id, []);
  for (const row of rows) {
    const list = groups.get(row.teamId);
    if (list) list.push(row);
    else groups.set(row.teamId, [row]);
  }
  return [...groups].map(([teamId, agents]) => ({ teamId, agents: [...agents].sort((a, b) => collator.compare(a.name, b.name)) }));
}
