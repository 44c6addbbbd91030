/**
 * The agent fold as a table: one row of numbers per agent (index from the engine's agent
 * interner), in one Float64Array. A row costs its fields × 8 bytes and nothing else, which keeps
 * a floor of 20,000 agents small; null is NaN, strings are interner indexes.
 */
export const F = {
  team: 0, state: 1, reason: 2, stateSince: 3, loginSince: 4, breakSince: 5,
  /** Queue of the call the agent is on (0 = none). */
  currentQueue: 6,
  /** 1 while the agent counts in its team's agent and state counts. */
  inTeam: 7,
  name: 8,
  /** Time of the agent's first event (rows show it as "since" before any state). */
  firstTs: 9,
  /** The call waiting for its wrap-up to end (AHT): queue (NaN = none, 0 = a call without queue), talk, end, wrap start. */
  pwQueue: 10, pwTalkMs: 11, pwEndedAt: 12, pwWrapStart: 13,
  /** The call of that wrap-up (its note is kept while the wrap-up lasts). */
  pwSeq: 14,
  /** The latest day with figures: day index, then handled, success, failure, closed login ms, closed break ms. */
  day: 15,
  /** Time of the last timeline change (the next one is encoded relative to it). */
  tlLastAt: 21,
  /** In a base row: how much of the timeline (chars) the base accounts for, and the latest event time folded into it. */
  timelineLen: 22, baseTs: 23,
} as const;
export const ROW = 24;
/** Table value → field (NaN stands for null), and back. */
export const nullIfNaN = (v: number): number | null => (Number.isNaN(v) ? null : v);
export const nanIfNull = (v: number | null): number => v ?? Number.NaN;
/** Offsets inside a day slot. */
export const DAY = { idx: 0, handled: 1, success: 2, failure: 3, loginMs: 4, breakMs: 5 } as const;
const DAY_SIZE = Object.keys(DAY).length;

const EMPTY_ROW = (() => {
  const r = new Float64Array(ROW).fill(Number.NaN);
  for (const f of [F.team, F.state, F.reason, F.currentQueue, F.inTeam, F.name, F.timelineLen]) r[f] = 0;
  for (let k = 1; k < DAY_SIZE; k++) r[F.day + k] = 0;
  return r;
})();

function emptyRows(rows: number): Float64Array {
  const d = new Float64Array(rows * ROW);
  for (let o = 0; o < d.length; o += ROW) d.set(EMPTY_ROW, o);
  return d;
}

export class AgentTable {
  data = emptyRows(1024);

  /** Makes row `i` exist (fresh rows are an offline agent of no team with no figures). */
  ensure(i: number): void {
    const need = (i + 1) * ROW;
    if (need <= this.data.length) return;
    // Grow in steps of 1,024 rows (a few hundred KB): little slack for a large floor.
    const rows = Math.ceil((i + 1) / 1024) * 1024;
    const grown = emptyRows(rows);
    grown.set(this.data);
    this.data = grown;
  }

  /** Copies row `i` of `from` into this table. */
  copyRow(from: AgentTable, i: number): void {
    const o = i * ROW;
    this.data.set(from.data.subarray(o, o + ROW), o);
  }

  get(i: number, f: number): number { return this.data[i * ROW + f]!; }
  set(i: number, f: number, v: number): void { this.data[i * ROW + f] = v; }

  /** Offset of the figures of day `dayIdx`, or -1 when the row has none for that day. */
  daySlot(i: number, dayIdx: number): number {
    return this.data[i * ROW + F.day] === dayIdx ? i * ROW + F.day : -1;
  }

  /**
   * Offset of the figures of day `dayIdx`, starting the day when it is later than the row's
   * (the row keeps only its latest day: the screens show today's figures); -1 for an older day.
   */
  openDay(i: number, dayIdx: number): number {
    const o = i * ROW + F.day;
    const d = this.data;
    if (d[o] === dayIdx) return o;
    if (!Number.isNaN(d[o]!) && dayIdx < d[o]!) return -1;
    d[o] = dayIdx;
    for (let k = 1; k < DAY_SIZE; k++) d[o + k] = 0;
    return o;
  }

  toJSON(rows: number): number[] { return [...this.data.subarray(0, rows * ROW)]; }

  restore(values: readonly number[]): void {
    this.ensure(Math.max(0, values.length / ROW - 1));
    this.data.set(values);
  }
}
