import { cphOf, gradeOf } from './metrics.ts';
import type { AgentRow } from './snapshot.ts';

/**
 * Advances an agent row's time-dependent figures from `figuresAt` to `nowMs` with the same
 * formulas the engine uses (SPEC §3): the open login interval and the current break keep running.
 */
export function advanceAgent(row: AgentRow, nowMs: number): AgentRow {
  const at = Date.parse(row.figuresAt);
  const dt = Math.max(0, (nowMs - at) / 1000);
  if (dt === 0) return row;
  const loggedIn = row.state !== 'offline';
  const loggedInSec = row.loggedInSec + (loggedIn ? dt : 0);
  const breakSec = row.breakSec + (row.state === 'break' ? dt : 0);
  const cph = cphOf(row.handled, loggedInSec);
  const overrun = row.overrunAt !== null && nowMs >= Date.parse(row.overrunAt);
  return { ...row, loggedInSec, breakSec, cph, grade: gradeOf(cph, row.successRate), breakOverrun: row.breakOverrun || overrun };
}

/** Seconds between an ISO instant and `nowMs`, never negative (clock skew). */
export function secondsSince(iso: string | null, nowMs: number): number {
  if (iso === null) return 0;
  return Math.max(0, (nowMs - Date.parse(iso)) / 1000);
}
