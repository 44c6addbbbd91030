import { cphOf, gradeOf, type Grade } from './metrics.ts';
import type { AgentRow } from './snapshot.ts';

/** The figures of an agent row that run with time. */
export interface RunningFigures { loggedInSec: number; breakSec: number; cph: number | null; grade: Grade; breakOverrun: boolean }

type RunningInputs = Pick<AgentRow, 'figuresAt' | 'state' | 'stateSince' | 'loggedInSec' | 'breakSec' | 'cph' | 'grade' | 'handled' | 'successRate' | 'overrunAt'>;

/**
 * An agent row's time-dependent figures advanced from `figuresAt` to `nowMs` with the same
 * formulas the engine uses (SPEC §3): the open login interval and the current break keep running.
 */
export function advancedFigures(row: RunningInputs, nowMs: number): RunningFigures {
  const at = row.figuresAt;
  const dt = Math.max(0, (nowMs - at) / 1000);
  // Overrun is a pure function of overrunAt, as in the engine (a row's stored flag may be stale).
  const breakOverrun = row.overrunAt !== null && nowMs >= row.overrunAt;
  if (dt === 0) return { loggedInSec: row.loggedInSec, breakSec: row.breakSec, cph: row.cph, grade: row.grade, breakOverrun };
  const loggedInSec = row.loggedInSec + (row.state !== 'offline' ? dt : 0);
  // A break that began after `figuresAt` runs from its start: a screen can merge a state change
  // into an older row without a new `figuresAt` (the projector checks that this reproduces the engine).
  const breakSec = row.breakSec + (row.state === 'break' ? Math.max(0, (nowMs - Math.max(at, row.stateSince)) / 1000) : 0);
  const cph = cphOf(row.handled, loggedInSec);
  return { loggedInSec, breakSec, cph, grade: gradeOf(cph, row.successRate), breakOverrun };
}

/** The row with its time-dependent figures advanced to `nowMs` (`advancedFigures`). */
export function advanceAgent(row: AgentRow, nowMs: number): AgentRow {
  const f = advancedFigures(row, nowMs);
  if (f.loggedInSec === row.loggedInSec && f.breakSec === row.breakSec && f.cph === row.cph && f.grade === row.grade && f.breakOverrun === row.breakOverrun) return row;
  return { ...row, ...f };
}

/** Seconds between an instant (epoch ms) and `nowMs`, never negative (clock skew). */
export function secondsSince(ms: number | null, nowMs: number): number {
  if (ms === null) return 0;
  return Math.max(0, (nowMs - ms) / 1000);
}
