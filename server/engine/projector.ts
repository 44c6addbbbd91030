import type { Delta } from '../../shared/delta.ts';
import { advancedFigures } from '../../shared/live.ts';
import { centerLimits } from '../../shared/center-config.ts';
import type { AgentRow, Alert, Floor, QueueRow, QueueStats, Snapshot, TeamRow } from '../../shared/snapshot.ts';
import { agentAlerts, queueAlerts } from './alerts.ts';
import { UNASSIGNED_TEAM, type FloorEngine } from './engine.ts';
import { agentRow, floorRow, queueRow, queueStats, teamRow, totalsOf } from './project.ts';
import { SentAgents } from './sent-agents.ts';

type Row = { id: string };
type Patch<R> = Partial<R> & { id: string };

/** Fields of `next` that differ from `prev` (shallow; nested objects compared by value). */
export function diffRow<R extends Row>(prev: R | undefined, next: R): Patch<R> | null {
  if (!prev) return next;
  const patch: Record<string, unknown> = { id: next.id };
  let changed = false;
  for (const k of Object.keys(next) as (keyof R & string)[]) {
    const a = prev[k];
    const b = next[k];
    if (a === b || sameValue(a, b)) continue;
    patch[k] = b;
    changed = true;
  }
  return changed ? (patch as Patch<R>) : null;
}

/** Deep equality of the plain values rows hold (numbers, strings, null, small objects and arrays). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** Figures a screen advances by itself from `figuresAt` (shared advanceAgent). */
const RUNNING_FIELDS = ['loggedInSec', 'breakSec', 'cph'] as const;
const close = (a: number | null, b: number | null) => a === b || (a !== null && b !== null && Math.abs(a - b) <= 0.11);

/**
 * Agent patch against what the screen shows now: the screen advances running figures itself, so they
 * are sent (with a new `figuresAt` base) only when the screen's row, once patched, would no longer
 * advance to the engine's figures — a state change stays small. (Fields compared one by one, not
 * in a loop over names: this runs for every changed agent of every frame.)
 */
export function diffAgent(prev: AgentRow | undefined, next: AgentRow, now: number): Patch<AgentRow> | null {
  if (!prev) return next;
  const p: Record<string, unknown> = { id: next.id };
  let changed = false;
  if (prev.name !== next.name) { p.name = next.name; changed = true; }
  if (prev.teamId !== next.teamId) { p.teamId = next.teamId; changed = true; }
  if (prev.state !== next.state) { p.state = next.state; changed = true; }
  if (prev.reason !== next.reason) { p.reason = next.reason; changed = true; }
  if (prev.stateSince !== next.stateSince) { p.stateSince = next.stateSince; changed = true; }
  if (prev.handled !== next.handled) { p.handled = next.handled; changed = true; }
  if (prev.success !== next.success) { p.success = next.success; changed = true; }
  if (prev.failure !== next.failure) { p.failure = next.failure; changed = true; }
  if (prev.successRate !== next.successRate) { p.successRate = next.successRate; changed = true; }
  if (prev.overrunAt !== next.overrunAt) { p.overrunAt = next.overrunAt; changed = true; }
  if (prev.currentCallQueueId !== next.currentCallQueueId) { p.currentCallQueueId = next.currentCallQueueId; changed = true; }
  if (prev.adherence !== next.adherence) { p.adherence = next.adherence; changed = true; }
  if (prev.conformance !== next.conformance) { p.conformance = next.conformance; changed = true; }
  if (prev.attendance !== next.attendance) { p.attendance = next.attendance; changed = true; }
  // What the screen will show once it has merged the patch: next's fields, its figures still based at its figuresAt.
  const shown = advancedFigures({
    figuresAt: prev.figuresAt, loggedInSec: prev.loggedInSec, breakSec: prev.breakSec, cph: prev.cph, grade: prev.grade,
    state: next.state, stateSince: next.stateSince, handled: next.handled, successRate: next.successRate, overrunAt: next.overrunAt,
  }, now);
  let breakOverrun = shown.breakOverrun;
  if (!close(shown.loggedInSec, next.loggedInSec) || !close(shown.breakSec, next.breakSec) || !close(shown.cph, next.cph) || shown.grade !== next.grade) {
    // Rebase: the screen's row may hold another grade than ours (a snapshot is newer than our cache).
    p.figuresAt = next.figuresAt; p.loggedInSec = next.loggedInSec; p.breakSec = next.breakSec; p.cph = next.cph; p.grade = next.grade;
    breakOverrun = prev.breakOverrun;
    changed = true;
  }
  if (breakOverrun !== next.breakOverrun) { p.breakOverrun = next.breakOverrun; changed = true; }
  return changed ? (p as Patch<AgentRow>) : null;
}

function diffObject<T extends object>(prev: T | null, next: T): Partial<T> | null {
  const d = diffRow({ id: '', ...(prev ?? {}) } as T & Row, { id: '', ...next } as T & Row);
  if (!d) return null;
  const { id: _id, ...rest } = d as Row;
  return rest as Partial<T>;
}

/** How often slow-moving aggregates (team CPH, queue waits) are refreshed even without events. */
export const REFRESH_MS = 10_000;

/**
 * Turns engine changes into snapshot deltas: projects only what is dirty and sends the fields
 * that changed since the last delta. The cost follows the change, not the size of the floor.
 */
export class FloorProjector {
  seq = 0;
  private queues = new Map<string, QueueRow>();
  private agents: SentAgents;
  private teams = new Map<string, TeamRow>();
  private alerts = new Map<string, Alert>();
  /** Ids of the alerts in `alerts` by owner (`q:`/`a:` + id). */
  private alertsByOwner = new Map<string, Set<string>>();
  private totals: QueueStats | null = null;
  private floor: Floor | null = null;
  private day = '';
  private lastRefresh = 0;
  /**
   * Fields in which a snapshot handed out since the last delta differs from what the deltas have
   * sent (`q:`/`a:`/`t:` + id, `totals`, `floor`): the next delta sends them too, so a screen that
   * starts from that snapshot converges even when a value changes back before the next delta.
   */
  private owed = new Map<string, Set<string>>();
  /** Alerts such a snapshot shows otherwise than the deltas did, by id → owner (`q:`/`a:` + id). */
  private owedAlerts = new Map<string, string>();

  /** Center settings (SL defaults, thresholds) as last sent, JSON: a change goes out in the next delta. */
  private centerSent: string;

  constructor(private readonly engine: FloorEngine) {
    this.centerSent = JSON.stringify(centerSettings(engine));
    this.agents = new SentAgents({ agents: engine.agents.ids, names: engine.agents.names, teams: engine.teamIx, reasons: engine.agents.reasons, queues: engine.queueIx });
  }

  /** The whole floor at `now` (for a new screen or a GET). */
  snapshot(now: number): Snapshot {
    const e = this.engine;
    const queues = [...e.queueIds].sort().map((id) => queueRow(e, id, now));
    const agents = e.agentIds().sort().map((id) => agentRow(e, id, now)!).filter((a) => a.teamId !== UNASSIGNED_TEAM || a.state !== 'offline');
    const teams = [...e.teamIds].sort().map((id) => teamRow(e, id, now)).filter((t) => t.agents > 0);
    const alerts = [...queues.flatMap(queueAlerts), ...agents.flatMap((a) => [...agentAlerts(a), ...e.schedule.alertsOf(a.id)])].map((a) => this.withSince(a, now));
    const snap: Snapshot = {
      asOf: new Date(now).toISOString(),
      seq: this.seq,
      center: { tz: e.cfg.tz, today: e.cal.dayKey(now), shortAbandonSec: e.cfg.shortAbandonSec, ...centerSettings(e) },
      totals: queueStats(e, [...e.queueIds], now),
      queues, agents, teams,
      floor: floorRow(e, teams, now),
      alerts,
    };
    this.recordOwed(snap, now);
    return snap;
  }

  private recordOwed(snap: Snapshot, now: number): void {
    const owe = (key: string, patch: object | null) => {
      const fields = patch ? Object.keys(patch).filter((k) => k !== 'id') : [];
      if (fields.length === 0) return;
      let set = this.owed.get(key);
      if (!set) { set = new Set(); this.owed.set(key, set); }
      for (const f of fields) set.add(f);
    };
    for (const q of snap.queues) owe(`q:${q.id}`, diffRow(this.queues.get(q.id), q));
    for (const t of snap.teams) owe(`t:${t.id}`, diffRow(this.teams.get(t.id), t));
    for (const a of snap.agents) owe(`a:${a.id}`, diffAgent(this.agents.get(this.engine.agentIndexOf(a.id)), a, now));
    // Totals and floor not sent yet will be sent whole when they first change.
    if (this.totals) owe('totals', diffObject(this.totals, snap.totals));
    if (this.floor) owe('floor', diffObject(this.floor, snap.floor));
    // Alerts the snapshot shows differently from the deltas (or not at all).
    const shown = new Set<string>();
    for (const a of snap.alerts) {
      shown.add(a.id);
      if (diffRow(this.alerts.get(a.id), a)) this.owedAlerts.set(a.id, alertOwner(a));
    }
    for (const [id, a] of this.alerts) if (!shown.has(id)) this.owedAlerts.set(id, alertOwner(a));
  }

  /** Team of an agent as last sent (scope filtering of agent patches). */
  teamOf(agentId: string): string | undefined { return this.agents.teamOf(this.engine.agentIndexOf(agentId)); }

  /** Totals over some queues as last sent (scopes limited to those queues). */
  totalsFor(queueIds: string[]): QueueStats {
    return totalsOf(queueIds.map((id) => this.queues.get(id)).filter((q): q is QueueRow => q !== undefined));
  }

  /** What changed since the previous delta, or null when nothing did. */
  delta(now: number): Delta | null {
    const e = this.engine;
    const dirty = e.dirty;
    const day = e.cal.dayKey(now);
    const dayChanged = day !== this.day;
    if (dayChanged || now - this.lastRefresh >= REFRESH_MS) {
      this.lastRefresh = now;
      for (const q of e.queueIds) dirty.queues.add(q);
      for (const t of e.teamIds) dirty.teams.add(t);
      if (dayChanged) for (const a of e.agentIds()) dirty.agents.add(a);
    }
    this.day = day;
    for (const key of [...this.owed.keys(), ...this.owedAlerts.values()]) {
      const id = key.slice(2);
      if (key.startsWith('q:')) dirty.queues.add(id);
      else if (key.startsWith('a:')) dirty.agents.add(id);
      else if (key.startsWith('t:')) dirty.teams.add(id);
      else if (key === 'totals') dirty.queues.add('*');
    }
    /** A patch plus the fields a recent snapshot is owed (current values). */
    const withOwed = <R extends Row>(key: string, p: Patch<R> | null, row: R): Patch<R> | null => {
      const owed = this.owed.get(key);
      if (!owed) return p;
      const out = (p ?? { id: row.id }) as Record<string, unknown>;
      const all = owed.has('figuresAt') || RUNNING_FIELDS.some((f) => owed.has(f)) ? [...owed, 'figuresAt', ...RUNNING_FIELDS, 'grade'] : owed;
      for (const f of all) if (f in row) out[f] = (row as Record<string, unknown>)[f];
      return out as Patch<R>;
    };
    const out: Delta = { seq: this.seq + 1, asOf: new Date(now).toISOString() };
    if (dayChanged) out.today = day;
    const center = centerSettings(e);
    const centerJson = JSON.stringify(center);
    if (centerJson !== this.centerSent) { out.center = center; this.centerSent = centerJson; }
    const alertUps: Alert[] = [];
    const alertRemoves: string[] = [];
    const syncAlerts = (owner: string, next: Alert[]) => {
      let mine = this.alertsByOwner.get(owner);
      if (!mine && next.length === 0) return; // the usual case: no alert before, none now
      for (const id of mine ?? []) if (!next.some((a) => a.id === id)) { this.alerts.delete(id); mine!.delete(id); alertRemoves.push(id); }
      for (const a of next) {
        const prev = this.alerts.get(a.id);
        const withSince = this.withSince(a, now);
        if (!diffRow(prev, withSince)) continue;
        this.alerts.set(a.id, withSince);
        alertUps.push(withSince);
        if (!mine) { mine = new Set(); this.alertsByOwner.set(owner, mine); }
        mine.add(a.id);
      }
      if (mine?.size === 0) this.alertsByOwner.delete(owner);
    };

    const queueUps: Patch<QueueRow>[] = [];
    for (const id of dirty.queues) {
      if (id === '*' || !e.queueIds.has(id)) continue;
      const row = queueRow(e, id, now);
      const p = withOwed(`q:${id}`, diffRow(this.queues.get(id), row), row);
      if (p) { queueUps.push(p); this.queues.set(id, row); }
      syncAlerts(`q:${id}`, queueAlerts(row));
    }
    if (dirty.queues.size > 0) {
      const totals = queueStats(e, [...e.queueIds], now);
      const t = withOwed('totals', diffObject(this.totals, totals) as Patch<QueueStats & Row> | null, { id: '', ...totals });
      if (t) { const { id: _id, ...rest } = t; out.totals = rest; this.totals = totals; }
    }
    const agentUps: Patch<AgentRow>[] = [];
    for (const id of dirty.agents) {
      const row = agentRow(e, id, now);
      const i = e.agentIndexOf(id);
      if (!row || (row.teamId === UNASSIGNED_TEAM && row.state === 'offline' && !this.agents.has(i))) continue;
      const prev = this.agents.get(i);
      const p = withOwed(`a:${id}`, diffAgent(prev, row, now), row);
      if (p) { agentUps.push(p); this.agents.set(i, prev ? Object.assign(prev, p) : row); }
      syncAlerts(`a:${id}`, [...agentAlerts(row), ...e.schedule.alertsOf(id)]);
    }
    const teamUps: Patch<TeamRow>[] = [];
    const teamRemoves: string[] = [];
    for (const id of dirty.teams) {
      if (!e.teamIds.has(id)) continue;
      const row = teamRow(e, id, now);
      // A team without agents is not in the snapshot: take it off the screens too.
      if (row.agents === 0) { if (this.teams.delete(id)) teamRemoves.push(id); continue; }
      const p = withOwed(`t:${id}`, diffRow(this.teams.get(id), row), row);
      if (p) { teamUps.push(p); this.teams.set(id, row); }
    }
    const floor = floorRow(e, [...this.teams.values()], now);
    const f = withOwed('floor', diffObject(this.floor, floor) as Patch<Floor & Row> | null, { id: '', ...floor });
    if (f) { const { id: _id, ...rest } = f; out.floor = rest; this.floor = floor; }
    // Alerts a recent snapshot showed: send them as they are now, or take them off.
    for (const id of this.owedAlerts.keys()) {
      const a = this.alerts.get(id);
      if (a) { if (!alertUps.some((x) => x.id === id)) alertUps.push(a); } else if (!alertRemoves.includes(id)) alertRemoves.push(id);
    }
    this.owed.clear();
    this.owedAlerts.clear();
    dirty.clear();

    if (queueUps.length) out.queues = { upsert: queueUps };
    if (agentUps.length) out.agents = { upsert: agentUps };
    if (teamUps.length || teamRemoves.length) out.teams = { ...(teamUps.length ? { upsert: teamUps } : {}), ...(teamRemoves.length ? { remove: teamRemoves } : {}) };
    if (alertUps.length || alertRemoves.length) out.alerts = { ...(alertUps.length ? { upsert: alertUps } : {}), ...(alertRemoves.length ? { remove: alertRemoves } : {}) };
    const empty = !out.totals && !out.floor && !out.queues && !out.agents && !out.teams && !out.alerts && !out.today && !out.center;
    if (empty) return null;
    this.seq = out.seq;
    return out;
  }

  /** Threshold alerts on rates have no natural start: they date from when this projector first saw them. */
  private withSince(a: Alert, now: number): Alert {
    if (a.since !== 0) return a;
    return { ...a, since: this.alerts.get(a.id)?.since ?? now };
  }
}

/** The center-wide settings a configuration edit can change (SL defaults and thresholds). */
function centerSettings(e: FloorEngine): Pick<Snapshot['center'], 'slThresholdSec' | 'slTarget'> & { thresholds: NonNullable<Snapshot['center']['thresholds']> } {
  return {
    slThresholdSec: e.center.defaults.slThresholdSec ?? e.cfg.slThresholdSec,
    slTarget: e.center.defaults.slTarget ?? e.cfg.slTarget,
    thresholds: centerLimits(e.center),
  };
}

function alertOwner(a: Alert): string {
  return a.agentId !== undefined ? `a:${a.agentId}` : `q:${a.queueId}`;
}
