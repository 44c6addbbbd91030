import { AttendanceSchema, GradeSchema, type AgentRow } from '../../shared/snapshot.ts';
import { STATE_CODE, STATES } from './counters.ts';
import { nanIfNull, nullIfNaN } from './agent-table.ts';
import type { Interner } from './interner.ts';

/** The engine's strings a row refers to (rows store their indexes). */
export interface RowStrings { agents: Interner; names: Interner; teams: Interner; reasons: Interner; queues: Interner }

const ATTENDANCE = AttendanceSchema.options;
const GRADES = [null, ...GradeSchema.unwrap().options] as const;
/** Fields that are not whole numbers (null is NaN). */
const D = { stateSince: 0, figuresAt: 1, loggedInSec: 2, cph: 3, successRate: 4, breakSec: 5, overrunAt: 6, adherence: 7, conformance: 8 } as const;
const DW = 9;
/** Whole-number fields, strings as the engine's interned indexes (-1: the row is not stored). */
const I = { handled: 0, success: 1, failure: 2, breakOverrun: 3, name: 4, team: 5, state: 6, reason: 7, grade: 8, queue: 9, attendance: 10 } as const;
const IW = 11;
const ROWS_STEP = 1024;

/**
 * The agent rows a projector last sent, by agent index: 9 doubles and 11 int32s each (116 bytes),
 * strings as the engine's interned indexes, instead of one object per agent (about 400 bytes).
 * Rows come back as objects.
 */
export class SentAgents {
  private d = new Float64Array(0);
  private n = new Int32Array(0);

  constructor(private readonly s: RowStrings) {}

  has(i: number): boolean { return (i + 1) * IW <= this.n.length && this.n[i * IW + I.state]! >= 0; }

  teamOf(i: number): string | undefined { return this.has(i) ? this.s.teams.at(this.n[i * IW + I.team]!) : undefined; }

  get(i: number): AgentRow | undefined {
    if (!this.has(i)) return undefined;
    const d = this.d;
    const n = this.n;
    const o = i * DW;
    const k = i * IW;
    const id = this.s.agents.at(i);
    // The same fields in the same order as agentRow builds them (one object shape for both).
    return {
      id,
      name: this.s.names.get(n[k + I.name]!) ?? id,
      teamId: this.s.teams.at(n[k + I.team]!),
      state: STATES[n[k + I.state]!]!,
      reason: this.s.reasons.get(n[k + I.reason]!),
      stateSince: d[o + D.stateSince]!,
      figuresAt: d[o + D.figuresAt]!,
      loggedInSec: d[o + D.loggedInSec]!,
      handled: n[k + I.handled]!, success: n[k + I.success]!, failure: n[k + I.failure]!,
      cph: nullIfNaN(d[o + D.cph]!),
      successRate: nullIfNaN(d[o + D.successRate]!),
      grade: GRADES[n[k + I.grade]!]!,
      breakSec: d[o + D.breakSec]!,
      breakOverrun: n[k + I.breakOverrun] === 1,
      overrunAt: nullIfNaN(d[o + D.overrunAt]!),
      currentCallQueueId: this.s.queues.get(n[k + I.queue]!),
      adherence: nullIfNaN(d[o + D.adherence]!),
      conformance: nullIfNaN(d[o + D.conformance]!),
      attendance: ATTENDANCE[n[k + I.attendance]!]!,
    };
  }

  set(i: number, r: AgentRow): void {
    if ((i + 1) * IW > this.n.length) this.grow(i);
    const d = this.d;
    const n = this.n;
    const o = i * DW;
    const k = i * IW;
    d[o + D.stateSince] = r.stateSince; d[o + D.figuresAt] = r.figuresAt; d[o + D.loggedInSec] = r.loggedInSec;
    d[o + D.cph] = nanIfNull(r.cph); d[o + D.successRate] = nanIfNull(r.successRate); d[o + D.breakSec] = r.breakSec;
    d[o + D.overrunAt] = nanIfNull(r.overrunAt); d[o + D.adherence] = nanIfNull(r.adherence); d[o + D.conformance] = nanIfNull(r.conformance);
    n[k + I.handled] = r.handled; n[k + I.success] = r.success; n[k + I.failure] = r.failure; n[k + I.breakOverrun] = r.breakOverrun ? 1 : 0;
    n[k + I.name] = this.s.names.find(r.name); n[k + I.team] = this.s.teams.find(r.teamId); n[k + I.state] = STATE_CODE[r.state];
    n[k + I.reason] = r.reason === null ? 0 : this.s.reasons.find(r.reason); n[k + I.grade] = GRADES.indexOf(r.grade);
    n[k + I.queue] = r.currentCallQueueId === null ? 0 : this.s.queues.find(r.currentCallQueueId);
    n[k + I.attendance] = ATTENDANCE.indexOf(r.attendance);
  }

  /** Room for row `i`, in steps of 1,024 rows. */
  private grow(i: number): void {
    const rows = Math.ceil((i + 1) / ROWS_STEP) * ROWS_STEP;
    const d = new Float64Array(rows * DW);
    d.set(this.d);
    const n = new Int32Array(rows * IW).fill(-1);
    n.set(this.n);
    this.d = d;
    this.n = n;
  }
}
