import type { CenterConfig } from '../../shared/center-config.ts';
import { cphOf, gradeOf, rate } from '../../shared/metrics.ts';
import type { ReportAgentRow, ReportQueueRow, ReportQueueStats, ReportTeamRow, ShiftReport } from '../../shared/report.ts';
import type { Intraday } from '../../shared/snapshot.ts';
import type { Scope } from '../auth/principal.ts';
import { overrunAt } from '../engine/agent-fold.ts';
import type { EngineConfig } from '../engine/engine-config.ts';
import { FloorEngine } from '../engine/engine.ts';
import { intraday, type IntervalMinutes } from '../engine/intraday.ts';
import { QD, QUEUE_COUNTERS, type QueueCounter } from '../engine/counters.ts';
import { agentRow, round1, round4 } from '../engine/project.ts';
import { adherenceOf } from '../schedule/adherence.ts';
import { attendanceOf } from '../schedule/attendance.ts';
import { localHhmm, type ResolvedShift } from '../schedule/roster.ts';
import { LOG_START, type EventLog } from '../store/event-log.ts';
import { addDays, type ReportWindow } from './shift-window.ts';

export interface ReportSources {
  log: EventLog;
  /** The live floor's engine configuration and center configuration (the report folds with the same settings). */
  engineConfig: () => EngineConfig;
  centerConfig: () => CenterConfig;
  /** A day's effective shifts (roster with break plans), null when the day has no roster. */
  shiftsOf: (date: string) => Promise<ResolvedShift[] | null>;
  clock: () => number;
  /** The log keeps at least this much history (older windows may be incomplete and are refused). */
  logRetentionMs: number;
}

/** Thrown for a window the report cannot be built for (answered 400 by the route). */
export class ReportWindowError extends Error {}

const PAGE = 5_000;
type Counters = Record<QueueCounter, number>;

/** SPEC §3 queue figures from raw counters: the formulas and rounding of `queueStats` (server/engine/project.ts). */
export function statsOf(c: Counters): ReportQueueStats {
  const slDenominator = c.answered + c.abandoned + c.timedOut;
  return {
    offered: c.offered, answered: c.answered, abandoned: c.abandoned, shortAbandoned: c.shortAbandoned, timedOut: c.timedOut,
    answeredWithinSl: c.withinSl,
    serviceLevel: round4(rate(c.withinSl, slDenominator)),
    abandonRate: round4(rate(c.abandoned, slDenominator)),
    answerRate: round4(rate(c.answered, c.answered + c.abandoned + c.shortAbandoned + c.timedOut)),
    asaSec: round1(c.answered > 0 ? c.waitSum / c.answered / 1000 : null),
    ahtSec: round1(c.handled > 0 ? c.handleSum / c.handled / 1000 : null),
    handled: c.handled,
    transferred: c.transferred,
    transferRate: round4(rate(c.transferred, c.answered)),
  };
}

const zero = (): Counters => Object.fromEntries(QUEUE_COUNTERS.map((f) => [f, 0])) as Counters;

function countersOf(engine: FloorEngine, queueId: string, day: string): Counters {
  const c = zero();
  for (const f of QUEUE_COUNTERS) c[f] = engine.queueDay(queueId, day, QD[f]);
  return c;
}

/** An agent's raw figures for the day of `now` up to `now` (the sums `agentRow` rounds). */
function rawAgent(engine: FloorEngine, agentId: string, now: number) {
  const i = engine.agentIndexOf(agentId);
  if (i === 0) return { loginMs: 0, breakMs: 0, handled: 0, success: 0, failure: 0 };
  const a = engine.agentAt(i);
  const today = engine.cal.dayOf(now);
  const d = engine.agentDay(i, today.idx);
  const running = (since: number | null) => (since === null ? 0 : Math.max(0, now - Math.max(since, today.start)));
  return {
    loginMs: d.loginClosedMs + running(a.loginSince),
    breakMs: d.breakClosedMs + running(a.breakSince),
    handled: d.handled, success: d.success, failure: d.failure,
  };
}

/** A window folded: the engine at its end, and (unless it starts at midnight) the engine at its start. */
export interface FoldedWindow {
  window: ReportWindow;
  end: FloorEngine;
  /** Instant the end figures are projected at: the window's last millisecond, or now. */
  endAt: number;
  start: FloorEngine | null;
  eventsFolded: number;
  complete: boolean;
}

/**
 * End-of-shift and day reports. A report folds the event log's events of the window through a
 * fresh, pure `FloorEngine` (the live floor's definitions and configuration, the day's roster) and
 * projects it at the window's end; a window that does not start at midnight is the difference of
 * that projection and one at the window's start (events before the start only), so every figure
 * is defined exactly as on the live floor. Builds run one at a time.
 */
export class ShiftReporter {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly src: ReportSources) {}

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Folds the log for `window` (see the class comment). */
  fold(window: ReportWindow): Promise<FoldedWindow> {
    return this.serially(() => this.foldNow(window));
  }

  private async foldNow(window: ReportWindow): Promise<FoldedWindow> {
    const now = this.src.clock();
    if (window.start > now) throw new ReportWindowError(`the ${window.shift} window of ${window.date} has not begun yet`);
    if (window.start < now - this.src.logRetentionMs) throw new ReportWindowError(`the ${window.shift} window of ${window.date} is older than the event log keeps (LOG_RETENTION_HOURS); its figures would be incomplete`);
    const complete = now >= window.end;
    const endAt = Math.min(now, window.end - 1);
    const cfg = this.src.engineConfig();
    const endEngine = new FloorEngine(cfg);
    const dayStart = endEngine.cal.startOfDay(window.date);
    const startEngine = window.start > dayStart ? new FloorEngine(cfg) : null;
    const center = this.src.centerConfig();
    endEngine.setCenterConfig(center);
    startEngine?.setCenterConfig(center);
    for (const date of [addDays(cfg.tz, window.date, -1), window.date]) {
      const shifts = await this.src.shiftsOf(date);
      if (!shifts) continue;
      endEngine.setSchedule(date, shifts);
      startEngine?.setSchedule(date, shifts);
    }
    let pos = LOG_START;
    let eventsFolded = 0;
    for (;;) {
      const page = await this.src.log.readAfter(pos, PAGE);
      if (page.length === 0) break;
      for (const { event } of page) {
        if (event.ts > endAt) continue;
        endEngine.apply(event);
        eventsFolded++;
        if (startEngine && event.ts < window.start) startEngine.apply(event);
      }
      pos = page[page.length - 1]!.pos;
      // Give the event loop a turn between pages: a long log must not stall live screens.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { window, end: endEngine, endAt, start: startEngine, eventsFolded, complete };
  }

  /** The report of `window`, limited to `scope`. */
  async build(window: ReportWindow, scope: Scope): Promise<ShiftReport> {
    return buildReport(await this.fold(window), scope, this.src.clock());
  }

  /** The interval series of a day (a `day` window) from the log, as of the day's end or now. */
  async intraday(dayWindow: ReportWindow, intervalMinutes: IntervalMinutes, queueId: string | null): Promise<Intraday> {
    const f = await this.fold(dayWindow);
    return intraday(f.end, f.endAt, intervalMinutes, queueId);
  }
}

const inList = (list: string[] | null, id: string) => list === null || list.includes(id);

/** Pure: the report of a folded window. */
export function buildReport(f: FoldedWindow, scope: Scope, generatedAt: number): ShiftReport {
  const { window, end: B, start: A, endAt } = f;
  const day = window.date;
  const tz = B.cfg.tz;

  // Queues: window counters = day counters at the end − day counters at the start.
  const queueIds = [...B.queueIds].sort().filter((q) => inList(scope.queues, q));
  const queueCounters = new Map<string, Counters>();
  for (const q of queueIds) {
    const dayCounters = countersOf(B, q, day);
    if (!QUEUE_COUNTERS.some((k) => dayCounters[k] !== 0)) continue; // no activity that day
    const c = { ...dayCounters };
    if (A) { const s = countersOf(A, q, day); for (const k of QUEUE_COUNTERS) c[k] -= s[k]; }
    queueCounters.set(q, c);
  }
  const total = zero();
  for (const c of queueCounters.values()) for (const k of QUEUE_COUNTERS) total[k] += c[k];
  const queues: ReportQueueRow[] = [...queueCounters].map(([id, c]) => ({ id, ...statsOf(c) }));

  // Agents: rostered with a shift overlapping the window, or active in it.
  const agents: (ReportAgentRow & { adh: { inMs: number; scheduledMs: number } | null; scheduledShift: boolean; present: boolean })[] = [];
  const dayStart = B.cal.startOfDay(day);
  for (const id of B.agentIds().sort()) {
    const a = B.agent(id)!;
    const tl = a.timeline;
    const shift = B.schedule.shiftOf(id, day) ?? null;
    const rostered = shift !== null && shift.start < window.end && shift.end > window.start;
    const e = rawAgent(B, id, endAt);
    const s = A ? rawAgent(A, id, window.start) : { loginMs: 0, breakMs: 0, handled: 0, success: 0, failure: 0 };
    const loginMs = e.loginMs - s.loginMs;
    const handled = e.handled - s.handled;
    const success = e.success - s.success;
    const failure = e.failure - s.failure;
    const breakMs = e.breakMs - s.breakMs;
    let changedInWindow = false;
    for (let i = 0; i < tl.length && !changedInWindow; i++) changedInWindow = tl.atOf(i) >= window.start && tl.atOf(i) <= endAt;
    if (!rostered && loginMs <= 0 && handled === 0 && success + failure === 0 && !changedInWindow) continue;
    const teamId = a.teamId === 'unassigned' && shift ? shift.teamId : a.teamId;
    if (!inList(scope.teams, teamId)) continue;

    const row = agentRow(B, id, endAt)!;
    const loggedInSec = loginMs / 1000;
    const cph = cphOf(handled, loggedInSec);
    const successRate = rate(success, success + failure);
    // Break usage: stretches begun in the window, judged by the engine's overrun rule.
    let breaks = 0;
    let breakOverruns = 0;
    let overrunMs = 0;
    for (let i = 0; i < tl.length; i++) {
      const state = tl.stateOf(i);
      const at = tl.atOf(i);
      if ((state !== 'break' && state !== 'away') || at < window.start || at > endAt) continue;
      if (state === 'break') breaks++;
      const stretchEnd = Math.min(i + 1 < tl.length ? tl.atOf(i + 1) : endAt, endAt);
      const probe = { agentId: id, state, reason: tl.reasonOf(i), stateSince: at };
      const limit = overrunAt(state, probe.reason, at, B.schedule.plannedBreakSec(probe));
      if (limit !== null && stretchEnd > limit) { breakOverruns++; overrunMs += stretchEnd - limit; }
    }
    let adh: { inMs: number; scheduledMs: number } | null = null;
    let present = false;
    const scheduledShift = shift !== null && rostered && shift.start <= endAt;
    if (shift) {
      const figures = adherenceOf(B.schedule.segmentsOf(id, day), tl, dayStart, endAt, B.schedule.graceMs);
      adh = { inMs: figures.inMs, scheduledMs: figures.scheduledMs };
      if (scheduledShift) {
        const att = attendanceOf(shift, tl, endAt);
        present = att.arrivedAt !== null && att.status !== 'absent';
      }
    }
    agents.push({
      id, name: a.name, teamId,
      shift: shift ? { start: localHhmm(tz, day, shift.start), end: localHhmm(tz, day, shift.end) } : null,
      attendance: row.attendance,
      adherence: row.adherence,
      conformance: row.conformance,
      loggedInSec: round1(loggedInSec)!,
      handled, success, failure,
      cph: round1(cph),
      successRate: round4(successRate),
      grade: gradeOf(cph, successRate),
      breakSec: round1(breakMs / 1000)!,
      breaks, breakOverruns,
      overrunSec: round1(overrunMs / 1000)!,
      adh, scheduledShift, present,
    });
  }

  // Teams: sums over their agents in the report.
  const teamIds = [...new Set(agents.map((a) => a.teamId))].sort();
  const teams: ReportTeamRow[] = teamIds.map((teamId) => {
    const rows = agents.filter((a) => a.teamId === teamId);
    const sum = (f: (a: (typeof rows)[number]) => number) => rows.reduce((s, a) => s + f(a), 0);
    const loginSec = sum((a) => a.loggedInSec);
    const handled = sum((a) => a.handled);
    const success = sum((a) => a.success);
    const failure = sum((a) => a.failure);
    const scheduled = rows.filter((a) => a.scheduledShift).length;
    const present = rows.filter((a) => a.scheduledShift && a.present).length;
    const inMs = sum((a) => a.adh?.inMs ?? 0);
    const schedMs = sum((a) => a.adh?.scheduledMs ?? 0);
    return {
      id: teamId,
      agents: rows.length,
      scheduled, present,
      attendanceRate: round4(rate(present, scheduled)),
      adherence: schedMs < 1000 ? null : round4(Math.min(1, Math.max(0, inMs / schedMs))),
      loggedInSec: round1(loginSec)!,
      handled,
      cph: round1(cphOf(handled, loginSec)),
      successRate: round4(rate(success, success + failure)),
      breakSec: round1(sum((a) => a.breakSec))!,
      breakOverruns: sum((a) => a.breakOverruns),
    };
  });

  return {
    date: day, shift: window.shift, tz,
    window: { from: window.from, to: window.to, start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
    asOf: new Date(f.complete ? window.end : endAt).toISOString(),
    complete: f.complete,
    generatedAt: new Date(generatedAt).toISOString(),
    eventsFolded: f.eventsFolded,
    center: { slThresholdSec: B.cfg.slThresholdSec, shortAbandonSec: B.cfg.shortAbandonSec },
    totals: statsOf(total),
    queues,
    teams,
    agents: agents.map(({ adh: _adh, scheduledShift: _s, present: _p, ...row }) => row),
  };
}
