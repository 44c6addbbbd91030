import type { AgentState } from '../../shared/snapshot.ts';
import { notesDone, stepAgent, withoutNotes, type AgentStepContext } from './agent-fold.ts';
import { AgentTable, DAY, F, nanIfNull, nullIfNaN } from './agent-table.ts';
import type { DayCalendar } from './calendar.ts';
import { S_OFFLINE, STATES, type Counters } from './counters.ts';
import { entryPosition, insertAt } from './entries.ts';
import { Interner } from './interner.ts';
import { TimelineCodec, type DecodedTimeline } from './timeline.ts';

/** An agent as other modules read it (the drill-down, reports, data quality, the schedule book). */
export interface AgentView {
  agentId: string;
  teamId: string;
  name: string;
  state: AgentState;
  reason: string | null;
  stateSince: number | null;
  loginSince: number | null;
  breakSince: number | null;
  /** Signed in at some time (today or before): the agent is known to the floor. */
  everSignedIn: boolean;
  firstTs: number | null;
  currentCallQueueId: string | null;
  timeline: DecodedTimeline;
}

/** An agent's figures of one day, as folded (running stretches not included). */
export interface AgentDayFigures { handled: number; success: number; failure: number; loginClosedMs: number; breakClosedMs: number }

/** The agents as plain data (checkpoints); NaN is written as null by JSON. */
export interface AgentBookState {
  ids: string[];
  names: string[];
  reasons: string[];
  live: (number | null)[];
  base: (number | null)[];
  windows: (number[] | null)[];
  liveNotes: ((number | null)[] | null)[];
  baseNotes: ((number | null)[] | null)[];
  timelines: string[];
  timelineReasons: string[];
  queue: number[];
  compacted: number;
}

/** Results of `AgentBook.apply`. */
export const COPY = -1;
export const IN_ORDER = 1;
export const TOO_LATE = 2;

/** The team of an agent before its first sign-in (not shown as a team). */
export const UNASSIGNED_TEAM = 'unassigned';
const UNASSIGNED = 1;
const nan = (xs: readonly (number | null)[]) => xs.map(nanIfNull);

/**
 * Every agent's fold, as rows of numbers (agent-table.ts): `live` is the agent now, `base` the fold
 * of what compaction took out of its window. The window holds the agent's entries inside the
 * reorder horizon (entries.ts): an event in order is one step of `live`; one out of order takes the
 * window's amounts back and re-derives the agent from its base. Each agent also keeps its state
 * changes of today (timeline.ts) and notes about its recent calls (agent-fold.ts).
 */
export class AgentBook {
  readonly ids = new Interner();
  readonly names = new Interner();
  readonly reasons = new Interner();
  readonly live = new AgentTable();
  private readonly base = new AgentTable();
  private windows: (number[] | null)[] = [];
  private liveNotes: (number[] | null)[] = [];
  private baseNotes: (number[] | null)[] = [];
  /**
   * Each agent's state changes of today; how many appends each had since it was last flattened
   * (each leaves a string piece and a link until then); and the cutoff it was last trimmed to.
   */
  private timelines: string[] = [];
  private tlPieces: number[] = [];
  private tlTrimmedTo: number[] = [];
  private codec = new TimelineCodec();
  /** Agents with a window (each once): compaction looks at these, never at the whole floor. */
  private queue: number[] = [];
  /** Window entries folded into a base so far. */
  compacted = 0;
  private readonly liveCtx: AgentStepContext;
  private readonly baseCtx: AgentStepContext;

  constructor(cal: DayCalendar, counters: Counters, private readonly teams: Interner) {
    teams.idOf(UNASSIGNED_TEAM);
    this.liveCtx = {
      cal, table: this.live, notes: this.liveNotes, counters, sign: 1, dayKey: dayKeyOf,
      changed: (i, at, state, reason) => {
        this.timelines[i] += this.codec.encode(this.live.get(i, F.tlLastAt), at, state, this.reasons.get(reason));
        this.live.set(i, F.tlLastAt, at);
        this.tlPieces[i] = (this.tlPieces[i] ?? 0) + 1;
      },
    };
    this.baseCtx = {
      cal, table: this.base, notes: this.baseNotes, counters: null, sign: 1, dayKey: dayKeyOf,
      changed: (i, at, state, reason) => {
        const length = this.codec.encode(this.base.get(i, F.tlLastAt), at, state, this.reasons.get(reason)).length;
        this.base.set(i, F.timelineLen, this.base.get(i, F.timelineLen) + length);
        this.base.set(i, F.tlLastAt, at);
      },
    };
  }

  get count(): number { return this.ids.size; }
  indexOf(agentId: string): number { return this.ids.find(agentId); }

  /** Adds a new agent (offline, in no team, no figures); returns its index. */
  add(agentId: string): number {
    const i = this.ids.idOf(agentId);
    this.live.ensure(i);
    this.base.ensure(i);
    this.live.set(i, F.team, UNASSIGNED);
    this.base.set(i, F.team, UNASSIGNED);
    this.timelines[i] = '';
    return i;
  }

  /** A rostered agent the floor has not seen: offline in `team` from the start (counted there). */
  addRostered(agentId: string, team: number, counters: Counters): void {
    const i = this.add(agentId);
    this.live.set(i, F.team, team);
    this.live.set(i, F.inTeam, 1);
    counters.addTeamAgents(team, 1);
    counters.addTeamState(team, S_OFFLINE, 1);
    this.base.copyRow(this.live, i);
  }

  /**
   * Folds entry (ts, code, ref) into agent `i`. Returns COPY for a copy of an entry already there,
   * else flags: IN_ORDER when it came in order, TOO_LATE when it is older than what the base holds.
   */
  apply(i: number, ts: number, code: number, ref: number): number {
    const old = this.windows[i] ?? [];
    const at = entryPosition(old, 0, 3, ts, code, ref);
    if (at < 0) return COPY;
    const tooLate = ts <= this.base.get(i, F.baseTs);
    const inOrder = at === old.length;
    // Out of order: the old window is replayed (to take its amounts back), so keep it as it was.
    const before = inOrder ? old : old.slice();
    const win = insertAt(old, at, 3, ts, code, ref);
    this.windows[i] = win;
    if (before.length === 0) this.queue.push(i);
    if (inOrder) stepAgent(this.liveCtx, i, ts, code, ref);
    else {
      this.replay(i, before, -1);
      this.replay(i, win, 1);
    }
    return (inOrder ? IN_ORDER : 0) | (tooLate ? TOO_LATE : 0);
  }

  /**
   * Re-derives agent `i` from its base over `window`, adding the window's amounts times `sign`:
   * -1 over the old window takes its contribution back, +1 over the new one adds it again.
   */
  private replay(i: number, window: readonly number[], sign: number): void {
    this.live.copyRow(this.base, i);
    const notes = this.baseNotes[i];
    this.liveNotes[i] = notes ? notes.slice() : null;
    this.timelines[i] = this.timelines[i]!.slice(0, this.base.get(i, F.timelineLen));
    const ctx = sign === 1 ? this.liveCtx : { ...this.liveCtx, sign };
    for (let k = 0; k < window.length; k += 3) stepAgent(ctx, i, window[k]!, window[k + 1]!, window[k + 2]!);
  }

  /**
   * Folds every agent's window entries older than `cutoff` into its base (already counted: no
   * sums), lets go of its notes of calls quiet since then, and trims its timeline to changes from
   * `keepFrom` (keeping the one in force then). Only agents with a window are looked at.
   */
  compact(cutoff: number, keepFrom: number): void {
    const stillOpen: number[] = [];
    for (const i of this.queue) {
      const win = this.windows[i];
      if (!win || win.length === 0) continue;
      if (win[0]! < cutoff) this.advanceBase(i, win, cutoff);
      this.trimTimeline(i, keepFrom);
      if (this.windows[i]!.length > 0) stillOpen.push(i);
      else this.windows[i] = null;
    }
    this.queue = stillOpen;
  }

  private advanceBase(i: number, win: number[], cutoff: number): void {
    let k = 0;
    for (; k < win.length && win[k]! < cutoff; k += 3) stepAgent(this.baseCtx, i, win[k]!, win[k + 1]!, win[k + 2]!);
    if (k === 0) return;
    this.compacted += k / 3;
    this.base.set(i, F.baseTs, Math.max(win[k - 3]!, nullIfNaN(this.base.get(i, F.baseTs)) ?? 0));
    this.windows[i] = win.slice(k);
    const done = notesDone(this.liveNotes[i] ?? null, cutoff, this.live.get(i, F.pwSeq));
    this.baseNotes[i] = withoutNotes(this.baseNotes[i] ?? null, done);
    this.liveNotes[i] = withoutNotes(this.liveNotes[i] ?? null, done);
  }

  /**
   * Drops state changes before `from` that the base accounts for, keeping the one in force at
   * `from` (once per new `from`: a day), and makes the timeline one flat string again after appends.
   */
  private trimTimeline(i: number, from: number): void {
    if (this.tlTrimmedTo[i] !== from) {
      this.tlTrimmedTo[i] = from;
      const trimmed = this.codec.trim(this.timelines[i]!, this.base.get(i, F.timelineLen), from);
      if (trimmed) { this.base.set(i, F.timelineLen, this.base.get(i, F.timelineLen) - trimmed.removed); this.timelines[i] = trimmed.text; }
    }
    if ((this.tlPieces[i] ?? 0) > 0) { flatten(this.timelines[i]!); this.tlPieces[i] = 0; }
  }

  teamOf(i: number): number { return this.live.get(i, F.team); }
  /** Window entries of an agent (tests and diagnostics). */
  windowLength(i: number): number { return (this.windows[i]?.length ?? 0) / 3; }

  view(i: number, queues: Interner): AgentView {
    const t = this.live;
    return {
      agentId: this.ids.at(i),
      teamId: this.teams.at(t.get(i, F.team)),
      name: this.names.get(t.get(i, F.name)) ?? this.ids.at(i),
      state: STATES[t.get(i, F.state)]!,
      reason: this.reasons.get(t.get(i, F.reason)),
      stateSince: nullIfNaN(t.get(i, F.stateSince)),
      loginSince: nullIfNaN(t.get(i, F.loginSince)),
      breakSince: nullIfNaN(t.get(i, F.breakSince)),
      everSignedIn: this.timelines[i]!.length > 0 || !Number.isNaN(t.get(i, F.loginSince)),
      firstTs: nullIfNaN(t.get(i, F.firstTs)),
      currentCallQueueId: queues.get(t.get(i, F.currentQueue)),
      timeline: this.codec.view(this.timelines[i]!),
    };
  }

  /** An agent's folded figures of day `dayIdx` (zeros when it has none). */
  day(i: number, dayIdx: number): AgentDayFigures {
    const slot = this.live.daySlot(i, dayIdx);
    const d = this.live.data;
    if (slot < 0) return { handled: 0, success: 0, failure: 0, loginClosedMs: 0, breakClosedMs: 0 };
    return { handled: d[slot + DAY.handled]!, success: d[slot + DAY.success]!, failure: d[slot + DAY.failure]!, loginClosedMs: d[slot + DAY.loginMs]!, breakClosedMs: d[slot + DAY.breakMs]! };
  }

  toJSON(): AgentBookState {
    const rows = this.ids.size + 1;
    return {
      ids: this.ids.toJSON(), names: this.names.toJSON(), reasons: this.reasons.toJSON(),
      live: this.live.toJSON(rows), base: this.base.toJSON(rows),
      windows: this.windows.slice(0, rows), liveNotes: this.liveNotes.slice(0, rows), baseNotes: this.baseNotes.slice(0, rows),
      timelines: this.timelines.slice(0, rows), timelineReasons: this.codec.toJSON(), queue: this.queue, compacted: this.compacted,
    };
  }

  restore(s: AgentBookState): void {
    for (const id of s.ids) this.ids.idOf(id);
    for (const n of s.names) this.names.idOf(n);
    for (const r of s.reasons) this.reasons.idOf(r);
    this.live.restore(nan(s.live));
    this.base.restore(nan(s.base));
    this.windows = s.windows;
    this.liveNotes = s.liveNotes.map((n) => (n ? nan(n) : null));
    this.baseNotes = s.baseNotes.map((n) => (n ? nan(n) : null));
    this.liveCtx.notes = this.liveNotes;
    this.baseCtx.notes = this.baseNotes;
    this.timelines = s.timelines;
    this.timelines[0] ??= '';
    this.codec = TimelineCodec.from(s.timelineReasons);
    this.queue = s.queue;
    this.compacted = s.compacted;
  }
}

/**
 * Makes V8 store a string built by appends as one piece (in place: converting a string to a
 * number flattens it first), so the pieces and links of the appends can be collected.
 */
const flatten = (s: string) => { void Number(s); };

/** "YYYY-MM-DD" of a day index (days since 1970-01-01; the index is of the local date, so UTC gives it back). */
const dayKeys = new Map<number, string>();
function dayKeyOf(idx: number): string {
  let k = dayKeys.get(idx);
  if (k === undefined) {
    k = new Date(idx * 86_400_000).toISOString().slice(0, 10);
    if (dayKeys.size > 64) dayKeys.clear();
    dayKeys.set(idx, k);
  }
  return k;
}
