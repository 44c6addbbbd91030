import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { FieldIssue } from '../../shared/errors.ts';
import { fieldIssues } from '../../shared/errors.ts';
import {
  BreakPlanPutSchema, RosterPutSchema,
  type BreakPlanDoc, type BreakPlanPreview, type BreakPlanPut, type BreakSlot, type RosterDoc, type RosterEntry,
} from '../../shared/roster.ts';
import type { AuditInput, AuditLog } from '../auth/audit-log.ts';
import { assertCanEditBreakPlan, canReadTeam } from '../auth/scope-guard.ts';
import type { FloorService } from '../floor/floor-service.ts';
import { ApiError, validationFailed } from '../http/api-error.ts';
import { projectChange, queueLoad, type QueueLoad } from '../schedule/forecast.ts';
import {
  isBreakType, localHhmm, localInstant, MIN_MS, planIssues, resolveEntry, rosterIssues, slotsFromRoster, withPlan,
  type ResolvedShift, type TimedActivity,
} from '../schedule/roster.ts';
import type { ConfigStore } from '../store/config-store.ts';

export const rosterKey = (date: string) => `roster:${date}`;
export const planKey = (date: string, teamId: string) => `breakplan:${date}:${teamId}`;
const PLAN_PREFIX = 'breakplan:';

interface StoredPlan { teamId: string; date: string; slots: BreakSlot[]; updatedAt: string; updatedBy: string }
type Actor = Pick<AuditInput, 'actor' | 'ip'>;

export interface BreakControlResult {
  applied: boolean;
  /** Why nothing was applied (`sl_below_target`, `no_break_due`). */
  reason: string | null;
  moved: { agentId: string; from: string; to: string }[];
  preview: BreakPlanPreview;
  plan: BreakPlanDoc | null;
}

/**
 * Rosters and break plans: validated, stored in the ConfigStore (shared by every instance, audited),
 * and handed to the engine as data (`engine.setSchedule`) whenever they change — here or on
 * another instance (ConfigStore `watch`). The engine never reads them itself.
 */
export class WorkforceService {
  private stopWatch: (() => void) | null = null;
  private applying = new Map<string, Promise<void>>();

  constructor(
    private readonly store: ConfigStore,
    private readonly floor: FloorService,
    private readonly audit: AuditLog,
    private readonly tz: string,
    private readonly clock: () => number,
    private readonly logger: Logger,
  ) {}

  today(): string { return DateTime.fromMillis(this.clock(), { zone: this.tz }).toISODate()!; }
  private shiftDate(date: string, days: number): string { return DateTime.fromISO(date, { zone: this.tz }).plus({ days }).toISODate()!; }

  /** Loads yesterday's, today's and tomorrow's schedules and follows changes. */
  async start(): Promise<void> {
    this.stopWatch = this.store.watch((key) => {
      const date = key.startsWith('roster:') ? key.slice(7) : key.startsWith(PLAN_PREFIX) ? key.slice(PLAN_PREFIX.length, PLAN_PREFIX.length + 10) : null;
      if (date) void this.applyDay(date).catch((err: unknown) => this.logger.error({ err, key }, 'schedule change could not be applied'));
    });
    const today = this.today();
    for (const d of [this.shiftDate(today, -1), today, this.shiftDate(today, 1)]) await this.applyDay(d);
  }

  stop(): void { this.stopWatch?.(); this.stopWatch = null; }

  /** Keeps the engine's days current: call now and then (the day turns over at local midnight). */
  async refreshDays(): Promise<void> {
    const today = this.today();
    for (const d of [today, this.shiftDate(today, 1)]) if (!this.floor.engine.schedule.hasDay(d)) await this.applyDay(d);
  }

  // ---------------------------------------------------------------- rosters

  async getRoster(date: string): Promise<RosterDoc | null> { return this.store.get<RosterDoc>(rosterKey(date)); }

  /** Validates a whole day's roster (every problem reported, nothing applied on error) and stores it. */
  async putRoster(body: unknown, by: Actor, allowedTeams: string[] | null = null): Promise<RosterDoc> {
    const parsed = RosterPutSchema.safeParse(body);
    if (!parsed.success) throw validationFailed(fieldIssues(parsed.error), 'roster rejected; nothing was applied');
    const roster = parsed.data;
    const issues = rosterIssues(roster);
    if (allowedTeams) roster.entries.forEach((e, i) => { if (!allowedTeams.includes(e.teamId)) issues.push({ path: `entries[${i}].teamId`, message: `team ${e.teamId} is outside your scope` }); });
    if (issues.length > 0) throw validationFailed(issues, 'roster rejected; nothing was applied');
    const before = await this.getRoster(roster.date);
    const doc: RosterDoc = { ...roster, updatedAt: new Date(this.clock()).toISOString(), updatedBy: by.actor.name };
    await this.store.set(rosterKey(roster.date), doc);
    await this.audit.record({ ...by, action: 'roster.put', target: `roster/${roster.date}`, before, after: doc });
    await this.applyDay(roster.date);
    return doc;
  }

  // ---------------------------------------------------------------- break plans

  async getPlan(teamId: string, date = this.today()): Promise<BreakPlanDoc> {
    const roster = await this.getRoster(date);
    const entries = (roster?.entries ?? []).filter((e) => e.teamId === teamId);
    const saved = await this.store.get<StoredPlan>(planKey(date, teamId));
    return {
      teamId, date,
      slots: saved?.slots ?? slotsFromRoster(entries),
      source: saved ? 'saved' : 'roster',
      updatedAt: saved?.updatedAt ?? null,
      updatedBy: saved?.updatedBy ?? null,
      shifts: entries.map((e) => ({ agentId: e.agentId, shiftStart: e.shiftStart, shiftEnd: e.shiftEnd, activities: e.activities.filter((a) => !isBreakType(a.type)) })),
    };
  }

  /** Validates a team's plan against the day's roster; answers the parsed plan and the team's roster entries. */
  async checkPlan(teamId: string, body: unknown): Promise<{ plan: BreakPlanPut & { date: string }; entries: Map<string, RosterEntry> }> {
    const parsed = BreakPlanPutSchema.safeParse(body);
    if (!parsed.success) throw validationFailed(fieldIssues(parsed.error), 'break plan rejected; nothing was applied');
    const date = parsed.data.date ?? this.today();
    const roster = await this.getRoster(date);
    if (!roster) throw validationFailed([{ path: 'date', message: `there is no roster for ${date}` }], 'break plan rejected; nothing was applied');
    const entries = new Map(roster.entries.filter((e) => e.teamId === teamId).map((e) => [e.agentId, e]));
    if (entries.size === 0) throw validationFailed([{ path: 'date', message: `team ${teamId} has nobody on the roster of ${date}` }], 'break plan rejected; nothing was applied');
    const issues: FieldIssue[] = planIssues(parsed.data.slots, entries);
    if (issues.length > 0) throw validationFailed(issues, 'break plan rejected; nothing was applied');
    return { plan: { ...parsed.data, date }, entries };
  }

  async putPlan(teamId: string, body: unknown, by: Actor, action = 'break-plan.put'): Promise<BreakPlanDoc> {
    const { plan } = await this.checkPlan(teamId, body);
    const before = await this.getPlan(teamId, plan.date);
    const stored: StoredPlan = { teamId, date: plan.date, slots: plan.slots, updatedAt: new Date(this.clock()).toISOString(), updatedBy: by.actor.name };
    await this.store.set(planKey(plan.date, teamId), stored);
    await this.audit.record({ ...by, action, target: `teams/${teamId}/break-plan/${plan.date}`, before: { slots: before.slots, source: before.source }, after: { slots: stored.slots } });
    await this.applyDay(plan.date);
    return this.getPlan(teamId, plan.date);
  }

  /** Projected SL/ASA per affected 15-minute interval with and without a proposed plan (nothing stored). */
  async preview(teamId: string, body: unknown): Promise<BreakPlanPreview> {
    const { plan, entries } = await this.checkPlan(teamId, body);
    return this.project(teamId, plan.date, [...entries.values()], plan.slots);
  }

  private project(teamId: string, date: string, entries: readonly RosterEntry[], slots: readonly BreakSlot[]): BreakPlanPreview {
    const engine = this.floor.engine;
    const now = this.clock();
    const proposed = this.effectiveShifts(date, entries, new Map([[teamId, slots]]));
    const loads = new Map<string, QueueLoad>();
    const snap = this.floor.projector;
    for (const { queueId } of engine.schedule.queuesOf(teamId)) {
      const aht = snap.totalsFor([queueId]).ahtSec ?? null;
      loads.set(queueId, queueLoad(engine, queueId, aht, now));
    }
    const intervals = projectChange(engine, teamId, date, proposed, loads, now);
    return {
      teamId, date, slTarget: engine.cfg.slTarget, slThresholdSec: engine.cfg.slThresholdSec,
      inputs: [...loads.values()].map((l) => ({ queueId: l.queueId, callsPerHour: l.callsPerSec === null ? null : Math.round(l.callsPerSec * 3600 * 10) / 10, ahtSec: l.ahtSec })),
      intervals,
      warn: intervals.some((i) => i.warn),
    };
  }

  /**
   * "Send the next break now": moves the team's next short break (or `agentId`'s) to start now.
   * Refused (nothing stored) when the projection puts a queue below its SL target, unless `force`.
   */
  async sendNextBreak(teamId: string, opts: { agentId?: string; force?: boolean }, by: Actor): Promise<BreakControlResult> {
    const date = this.today();
    const current = await this.getPlan(teamId, date);
    const now = this.clock();
    const nowMin = Math.ceil(now / MIN_MS) * MIN_MS;
    const candidates = current.slots
      .map((s, i) => ({ s, i, start: localInstant(this.tz, date, s.start) }))
      .filter((c) => c.s.type === 'short_break' && c.start > now && (opts.agentId === undefined || c.s.agentId === opts.agentId))
      .sort((a, b) => a.start - b.start);
    const roster = await this.getRoster(date);
    const entries = (roster?.entries ?? []).filter((e) => e.teamId === teamId);
    for (const c of candidates) {
      const len = localInstant(this.tz, date, c.s.end) - c.start;
      const moved: BreakSlot = { ...c.s, start: localHhmm(this.tz, date, nowMin), end: localHhmm(this.tz, date, nowMin + len) };
      const slots = current.slots.map((s, i) => (i === c.i ? moved : s));
      const issues = planIssues(slots, new Map(entries.map((e) => [e.agentId, e])));
      if (issues.length > 0) continue; // this agent cannot go now (first 30 minutes, overlap): try the next
      const preview = this.project(teamId, date, entries, slots);
      const change = [{ agentId: c.s.agentId, from: `${c.s.start}–${c.s.end}`, to: `${moved.start}–${moved.end}` }];
      if (preview.warn && !opts.force) return { applied: false, reason: 'sl_below_target', moved: change, preview, plan: null };
      const plan = await this.putPlan(teamId, { date, slots }, by, 'break-plan.send-next');
      return { applied: true, reason: null, moved: change, preview, plan };
    }
    return { applied: false, reason: 'no_break_due', moved: [], preview: this.project(teamId, date, entries, current.slots), plan: null };
  }

  /**
   * "Hold breaks": every break of the team starting in the next `minutes` moves to after the
   * hold (same length), where the plan's rules allow it; the others stay and are listed.
   */
  async holdBreaks(teamId: string, minutes: number, by: Actor): Promise<BreakControlResult & { notMoved: string[] }> {
    const date = this.today();
    const current = await this.getPlan(teamId, date);
    const roster = await this.getRoster(date);
    const entries = (roster?.entries ?? []).filter((e) => e.teamId === teamId);
    const byAgent = new Map(entries.map((e) => [e.agentId, e]));
    const now = this.clock();
    const until = now + minutes * MIN_MS;
    let slots = [...current.slots];
    const moved: BreakControlResult['moved'] = [];
    const notMoved: string[] = [];
    slots.forEach((s, i) => {
      const start = localInstant(this.tz, date, s.start);
      if (start < now || start >= until) return;
      const len = localInstant(this.tz, date, s.end) - start;
      const newStart = Math.ceil(until / MIN_MS) * MIN_MS;
      const next = { ...s, start: localHhmm(this.tz, date, newStart), end: localHhmm(this.tz, date, newStart + len) };
      const trial = slots.map((x, j) => (j === i ? next : x));
      if (newStart + len > localInstant(this.tz, date, '24:00') || planIssues(trial, byAgent).length > 0) { notMoved.push(`${s.agentId} ${s.start}–${s.end}`); return; }
      slots = trial;
      moved.push({ agentId: s.agentId, from: `${s.start}–${s.end}`, to: `${next.start}–${next.end}` });
    });
    const preview = this.project(teamId, date, entries, slots);
    if (moved.length === 0) return { applied: false, reason: 'no_break_due', moved, notMoved, preview, plan: null };
    const plan = await this.putPlan(teamId, { date, slots }, by, 'break-plan.hold');
    return { applied: true, reason: null, moved, notMoved, preview, plan };
  }

  // ---------------------------------------------------------------- to the engine

  /** Roster entries with each team's break plan laid over them, as instants. */
  private effectiveShifts(date: string, entries: readonly RosterEntry[], plans: ReadonlyMap<string, readonly BreakSlot[]>): ResolvedShift[] {
    const slotsByAgent = new Map<string, TimedActivity[]>();
    for (const [teamId, slots] of plans) {
      for (const e of entries) if (e.teamId === teamId) slotsByAgent.set(e.agentId, []);
      for (const s of slots) slotsByAgent.get(s.agentId)?.push({ type: s.type, start: localInstant(this.tz, date, s.start), end: localInstant(this.tz, date, s.end) });
    }
    return entries.map((e) => withPlan(resolveEntry(this.tz, date, e), slotsByAgent.get(e.agentId)));
  }

  /** A day's effective shifts (its roster with the teams' break plans), or null when the day has no roster (also used by the shift reports). */
  async effectiveDay(date: string): Promise<ResolvedShift[] | null> {
    const roster = await this.getRoster(date);
    if (!roster) return null;
    const plans = new Map<string, BreakSlot[]>();
    for (const key of await this.store.keys(`${PLAN_PREFIX}${date}:`)) {
      const p = await this.store.get<StoredPlan>(key);
      if (p) plans.set(p.teamId, p.slots);
    }
    return this.effectiveShifts(date, roster.entries, plans);
  }

  /** Reads a day's roster and plans and hands the effective shifts to the engine (serialized per day). */
  applyDay(date: string): Promise<void> {
    const prev = this.applying.get(date) ?? Promise.resolve();
    const next = prev.then(async () => {
      const shifts = await this.effectiveDay(date);
      if (!shifts && !this.floor.engine.schedule.hasDay(date)) return;
      this.floor.engine.setSchedule(date, shifts ?? []);
    });
    this.applying.set(date, next.catch(() => undefined));
    return next;
  }
}

/** Validates a team id path parameter. */
export function checkTeamScope(principal: { role: string; scope: { teams: string[] | null } }, teamId: string, edit: boolean): void {
  // One scope rule for the whole server (server/auth/scope-guard.ts): a team lead edits only their own team.
  if (edit) assertCanEditBreakPlan(principal, teamId);
  else if (!canReadTeam(principal, teamId)) throw new ApiError(403, 'forbidden', 'team outside your scope');
}
