import { cphOf, gradeOf } from './metrics.ts';
import type { AgentRow } from './snapshot.ts';

/**
 * Advances an agent row's time-dependent figures from `figuresAt` to `nowMs` with the same
 * formulas the engine uses (SPEC §3): the open login interval and the current break keep running.
 */
export function advanceAgent(row: AgentRow, nowMs: number): AgentRow {
  const at = row.figuresAt;
  const dt = Math.max(0, (nowMs - at) / 1000);
  // Overrun is a pure function of overrunAt, as in the engine (a row's stored flag may be stale).
  const breakOverrun = row.overrunAt !== null && nowMs >= row.overrunAt;
  if (dt === 0) return row.breakOverrun === breakOverrun ? row : { ...row, breakOverrun };
  const loggedIn = row.state !== 'offline';
  const loggedInSec = row.loggedInSec + (loggedIn ? dt : 0);
  // A break that began after `figuresAt` runs from its start: a screen can merge a state change
  // into an older row without a new `figuresAt` (the projector checks that this reproduces the engine).
  const breakSec = row.breakSec + (row.state === 'break' ? Math.max(0, (nowMs - Math.max(at, row.stateSince)) / 1000) : 0);
  const cph = cphOf(row.handled, loggedInSec);
  return { ...row, loggedInSec, breakSec, cph, grade: gradeOf(cph, row.successRate), breakOverrun };
}

/** Seconds between an instant (epoch ms) and `nowMs`, never negative (clock skew). */
export function secondsSince(ms: number | null, nowMs: number): number {
  if (ms === null) return 0;
  return Math.max(0, (nowMs - ms) / 1000);
}
