/**
 * The floor's additive sums, in numeric slots: per queue and day, per queue and 15-minute
 * interval, per team (now and per day), and agent-seconds per interval for the whole floor.
 * Calls and agents add their amounts here and take them back (negative amounts) when an
 * out-of-order event re-derives them, so the sums always equal the fold in time order.
 */

/** Queue counters of one day. */
export const QD = { offered: 0, answered: 1, abandoned: 2, shortAbandoned: 3, timedOut: 4, withinSl: 5, waitSum: 6, transferred: 7, handled: 8, handleSum: 9 } as const;
export type QueueCounter = keyof typeof QD;
export const QUEUE_COUNTERS = Object.keys(QD) as QueueCounter[];
const QD_SIZE = QUEUE_COUNTERS.length;

/** Queue counters of one 15-minute interval (the intraday series). */
export const QB = { offered: 0, answered: 1, abandoned: 2, withinSl: 3, slDenominator: 4, waitSum: 5 } as const;
export type IntervalCounter = keyof typeof QB;
const QB_SIZE = Object.keys(QB).length;

/** Team counters of one day; open sign-ins are filed under the day they began (count and Σ start offsets). */
export const TD = { handled: 0, success: 1, failure: 2, loginClosedMs: 3, openLogin: 4, openLoginSince: 5 } as const;
const TD_SIZE = Object.keys(TD).length;

/** Agent-milliseconds per interval: closed stretches split by interval, open ones by the interval they began in. */
export const FB = { loginMs: 0, breakMs: 1, openLogin: 2, openLoginSince: 3, openBreak: 4, openBreakSince: 5 } as const;
const FB_SIZE = Object.keys(FB).length;

/** Agent state codes (index into a team's state counts). */
export const STATES = ['offline', 'available', 'ringing', 'on_call', 'wrap_up', 'break', 'away'] as const;
export type StateName = (typeof STATES)[number];
export const STATE_CODE: Readonly<Record<StateName, number>> = Object.fromEntries(STATES.map((s, i) => [s, i])) as Record<StateName, number>;
export const S_OFFLINE = 0;
export const S_WRAP = 4;
export const S_BREAK = 5;
export const S_AWAY = 6;

export interface QueueTotals {
  days: Map<string, Float64Array>;
  buckets: Map<number, Float64Array>;
  /** Legs still waiting: (call seq × 64 + leg) → queuedAt. */
  waiting: Map<number, number>;
}

export interface TeamTotals {
  /** Agents whose team this is, and how many of them are in each state now. */
  agents: number;
  states: Float64Array;
  days: Map<string, Float64Array>;
}

/** What changed, for the projector (queue and team by index; interval series). */
export interface CounterListener {
  queue(q: number): void;
  team(t: number): void;
  intraday(): void;
}

const slots = <K extends string>(m: Map<K | number, Float64Array>, key: K | number, size: number) => {
  let v = m.get(key);
  if (!v) { v = new Float64Array(size); m.set(key, v); }
  return v;
};

export class Counters {
  /** By queue index (Interner of queue ids). */
  readonly queues: QueueTotals[] = [];
  /** By team index. */
  readonly teams: TeamTotals[] = [];
  /** Floor-wide agent-milliseconds per interval start. */
  readonly floorBuckets = new Map<number, Float64Array>();

  constructor(private readonly changed: CounterListener) {}

  queue(q: number): QueueTotals {
    let v = this.queues[q];
    if (!v) { v = { days: new Map(), buckets: new Map(), waiting: new Map() }; this.queues[q] = v; }
    return v;
  }

  team(t: number): TeamTotals {
    let v = this.teams[t];
    if (!v) { v = { agents: 0, states: new Float64Array(STATES.length), days: new Map() }; this.teams[t] = v; }
    return v;
  }

  addQueueDay(q: number, day: string, field: number, amount: number): void {
    slots(this.queue(q).days, day, QD_SIZE)[field]! += amount;
    this.changed.queue(q);
    this.changed.intraday();
  }

  addQueueBucket(q: number, bucket: number, field: number, amount: number): void {
    slots(this.queue(q).buckets, bucket, QB_SIZE)[field]! += amount;
    this.changed.intraday();
  }

  addTeamAgents(t: number, amount: number): void {
    this.team(t).agents += amount;
    this.changed.team(t);
  }

  addTeamState(t: number, state: number, amount: number): void {
    this.team(t).states[state]! += amount;
    this.changed.team(t);
  }

  addTeamDay(t: number, day: string, field: number, amount: number): void {
    slots(this.team(t).days, day, TD_SIZE)[field]! += amount;
    this.changed.team(t);
  }

  addFloorBucket(bucket: number, field: number, amount: number): void {
    slots(this.floorBuckets, bucket, FB_SIZE)[field]! += amount;
    this.changed.intraday();
  }

  /** A queue's day counter (0 when nothing was counted). */
  queueDay(q: number, day: string, field: number): number { return this.queues[q]?.days.get(day)?.[field] ?? 0; }
  queueBucket(q: number, bucket: number, field: number): number { return this.queues[q]?.buckets.get(bucket)?.[field] ?? 0; }
  teamDay(t: number, day: string, field: number): number { return this.teams[t]?.days.get(day)?.[field] ?? 0; }
  floorBucket(bucket: number, field: number): number { return this.floorBuckets.get(bucket)?.[field] ?? 0; }

  /** Forgets days before `keepDay` and intervals before `keepFromMs` (retention). */
  forgetBefore(keepDay: string, keepFromMs: number): void {
    const dropDays = (m: Map<string, Float64Array>) => { for (const k of m.keys()) if (k < keepDay) m.delete(k); };
    const dropBuckets = (m: Map<number, Float64Array>) => { for (const k of m.keys()) if (k < keepFromMs) m.delete(k); };
    for (const q of this.queues) if (q) { dropDays(q.days); dropBuckets(q.buckets); }
    for (const t of this.teams) if (t) dropDays(t.days);
    dropBuckets(this.floorBuckets);
  }

  toJSON(): CountersState {
    const arr = <K>(m: Map<K, Float64Array>) => [...m].map(([k, v]) => [k, [...v]] as [K, number[]]);
    return {
      queues: this.queues.map((q) => (q ? { days: arr(q.days), buckets: arr(q.buckets), waiting: [...q.waiting] } : null)),
      teams: this.teams.map((t) => (t ? { agents: t.agents, states: [...t.states], days: arr(t.days) } : null)),
      floorBuckets: arr(this.floorBuckets),
    };
  }

  restore(s: CountersState): void {
    const map = <K>(entries: [K, number[]][]) => new Map(entries.map(([k, v]) => [k, Float64Array.from(v)]));
    s.queues.forEach((q, i) => { if (q) this.queues[i] = { days: map(q.days), buckets: map(q.buckets), waiting: new Map(q.waiting) }; });
    s.teams.forEach((t, i) => { if (t) this.teams[i] = { agents: t.agents, states: Float64Array.from(t.states), days: map(t.days) }; });
    for (const [k, v] of map(s.floorBuckets)) this.floorBuckets.set(k, v);
  }
}

/** Counters as plain data (checkpoints). */
export interface CountersState {
  queues: ({ days: [string, number[]][]; buckets: [number, number[]][]; waiting: [number, number][] } | null)[];
  teams: ({ agents: number; states: number[]; days: [string, number[]][] } | null)[];
  floorBuckets: [number, number[]][];
}
