import { beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { EventSchema, type FloorEvent } from '../../shared/events.ts';
import { FloorModel } from './floor-model.ts';
import { buildFloor } from './floor-config.ts';
import { localDayOfDate, planAgentDay, rosterForDate } from './day-plan.ts';
import { Rng } from './prng.ts';

const TZ = 'Asia/Shanghai';
const DATE = '2026-11-23'; // a Monday
const DAY_START = DateTime.fromISO(DATE, { zone: TZ }).toMillis();
const DAY_MS = 86_400_000;

interface DayFigures {
  offered: number;
  answered: number;
  withinSl: number;
  abandoned: number;
  shortAbandoned: number;
  timedOut: number;
  transfersToQueue: number;
  transfersToAgent: number;
  dispositions: number;
  states: Set<string>;
  outcomes: Set<string>;
}

function figures(events: readonly FloorEvent[]): DayFigures {
  const queuedAt = new Map<string, number>();
  const f: DayFigures = { offered: 0, answered: 0, withinSl: 0, abandoned: 0, shortAbandoned: 0, timedOut: 0, transfersToQueue: 0, transfersToAgent: 0, dispositions: 0, states: new Set(), outcomes: new Set() };
  const answeredCalls = new Set<string>();
  for (const e of events) {
    switch (e.type) {
      case 'call.queued': f.offered += 1; queuedAt.set(`${e.callId}|${e.queueId}`, e.ts); break;
      case 'call.answered': {
        const key = `${e.callId}|${e.queueId}`;
        if (answeredCalls.has(key)) break; // a colleague picking up a direct transfer: same leg
        answeredCalls.add(key);
        f.answered += 1;
        if (e.ts - (queuedAt.get(key) as number) <= 20_000) f.withinSl += 1;
        break;
      }
      case 'call.abandoned':
        if (e.ts - (queuedAt.get(`${e.callId}|${e.queueId}`) as number) < 5000) f.shortAbandoned += 1;
        else f.abandoned += 1;
        break;
      case 'call.timeout': f.timedOut += 1; break;
      case 'call.transferred': if (e.toQueueId) f.transfersToQueue += 1; else f.transfersToAgent += 1; break;
      case 'call.disposition': f.dispositions += 1; f.outcomes.add(e.outcome); break;
      case 'call.ended': if (e.outcome) f.outcomes.add(e.outcome); break;
      case 'agent.state': f.states.add(e.reason ? `${e.state}:${e.reason}` : e.state); f.states.add(e.state); break;
      default: break;
    }
  }
  return f;
}

describe('FloorModel — one simulated day', () => {
  let events: FloorEvent[];
  let raw: ReturnType<FloorModel['advanceTo']>;

  beforeAll(() => {
    const model = new FloorModel({ startMs: DAY_START, seed: 1, tz: TZ });
    raw = model.advanceTo(DAY_START + DAY_MS);
    events = raw.map((e) => EventSchema.parse(e));
  });

  it('produces only events the ingest API accepts, with epoch-ms timestamps inside the day, in order', () => {
    expect(raw.length).toBeGreaterThan(10_000);
    for (const e of raw) expect(EventSchema.safeParse(e).success).toBe(true);
    let last = DAY_START;
    for (const e of raw) {
      expect(typeof e.ts).toBe('number');
      const ts = e.ts as number;
      expect(ts).toBeGreaterThanOrEqual(last);
      expect(ts).toBeLessThanOrEqual(DAY_START + DAY_MS);
      last = ts;
    }
  });

  it('gives every event a unique id', () => {
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('has caller numbers on call.queued only', () => {
    const queued = events.filter((e) => e.type === 'call.queued');
    expect(queued.every((e) => e.type === 'call.queued' && /^\+86 1\d{2} \d{4} \d{4}$/.test(e.caller ?? ''))).toBe(true);
  });

  it('follows a coherent lifecycle for every call', () => {
    const byCall = new Map<string, FloorEvent[]>();
    for (const e of events) {
      if (!('callId' in e)) continue;
      let list = byCall.get(e.callId);
      if (!list) byCall.set(e.callId, (list = []));
      list.push(e);
    }
    let finished = 0;
    for (const [callId, list] of byCall) {
      type Phase = 'start' | 'waiting' | 'ringing-direct' | 'talking' | 'transferring' | 'transfer-ended' | 'dialing' | 'done';
      let phase: Phase = 'start';
      let queueId = '';
      let agentId = '';
      let pendingTransfer: { toQueueId?: string; toAgentId?: string } = {};
      for (const e of list) {
        const where = `${callId} ${e.type} in ${phase}`;
        switch (e.type) {
          case 'call.queued':
            expect(phase === 'start' || (phase === 'transfer-ended' && pendingTransfer.toQueueId === e.queueId), where).toBe(true);
            phase = 'waiting'; queueId = e.queueId; break;
          case 'call.answered':
            if (phase === 'ringing-direct') expect(e.agentId, where).toBe(pendingTransfer.toAgentId);
            else expect(phase, where).toBe('waiting');
            expect(e.queueId, where).toBe(queueId);
            phase = 'talking'; agentId = e.agentId; break;
          case 'call.abandoned':
          case 'call.timeout':
            expect(phase, where).toBe('waiting');
            expect(e.queueId, where).toBe(queueId);
            phase = 'done'; break;
          case 'call.transferred':
            expect(phase, where).toBe('talking');
            expect(e.fromAgentId, where).toBe(agentId);
            pendingTransfer = { ...(e.toQueueId ? { toQueueId: e.toQueueId } : {}), ...(e.toAgentId ? { toAgentId: e.toAgentId } : {}) };
            phase = 'transferring'; break;
          case 'call.ended':
            expect(e.agentId, where).toBe(agentId);
            if (phase === 'transferring') {
              // the transferring agent's part ends; the caller goes on to a queue or a colleague
              phase = pendingTransfer.toAgentId ? 'ringing-direct' : 'transfer-ended';
              break;
            }
            expect(['talking', 'dialing'], where).toContain(phase);
            phase = 'done'; break;
          case 'call.dialed':
            expect(phase, where).toBe('start');
            phase = 'dialing'; agentId = e.agentId; break;
          case 'call.disposition':
            expect(phase, where).toBe('done');
            expect(e.agentId, where).toBe(agentId);
            break;
        }
      }
      if (phase === 'done') finished += 1;
      else {
        // only calls still in progress at the end of the day may be unfinished
        expect((list[list.length - 1] as FloorEvent).ts, `${callId} unfinished in ${phase}`).toBeGreaterThan(DAY_START + DAY_MS - 45 * 60_000);
      }
    }
    expect(finished).toBeGreaterThan(4000);
  });

  it('keeps every agent coherent: states only while signed in, legal transitions', () => {
    const allowed: Record<string, string[]> = {
      offline: ['login'],
      available: ['ringing', 'on_call', 'break', 'away', 'logout'],
      ringing: ['on_call', 'available'],
      on_call: ['wrap_up'],
      wrap_up: ['available', 'break', 'logout'],
      break: ['available', 'break', 'logout'],
      away: ['available', 'break', 'logout'],
      login: ['available'],
    };
    const state = new Map<string, string>();
    for (const e of events) {
      if (e.type !== 'agent.login' && e.type !== 'agent.logout' && e.type !== 'agent.state') continue;
      const from = state.get(e.agentId) ?? 'offline';
      const to = e.type === 'agent.login' ? 'login' : e.type === 'agent.logout' ? 'logout' : e.state;
      expect(allowed[from], `${e.agentId}: ${from} → ${to} at ${new Date(e.ts).toISOString()}`).toContain(to);
      state.set(e.agentId, to === 'logout' ? 'offline' : to);
    }
  });

  it('produces believable aggregates', () => {
    const f = figures(events);
    const slDenominator = f.answered + f.abandoned + f.timedOut;
    const serviceLevel = f.withinSl / slDenominator;
    const abandonRate = f.abandoned / slDenominator;
    expect(f.offered).toBeGreaterThan(2000);
    expect(f.offered).toBeLessThan(6000);
    expect(abandonRate).toBeGreaterThan(0.01);
    expect(abandonRate).toBeLessThan(0.15);
    expect(serviceLevel).toBeGreaterThan(0.7);
    expect(serviceLevel).toBeLessThan(0.95);
    expect(f.shortAbandoned).toBeGreaterThanOrEqual(1);
    expect(f.timedOut).toBeGreaterThanOrEqual(1);
    expect(f.transfersToQueue).toBeGreaterThanOrEqual(1);
    expect(f.transfersToAgent).toBeGreaterThanOrEqual(1);
    expect(f.dispositions).toBeGreaterThanOrEqual(1);
    for (const s of ['available', 'ringing', 'on_call', 'wrap_up', 'break', 'away', 'break:short_break', 'break:meal', 'break:meeting']) {
      expect(f.states, s).toContain(s);
    }
    for (const o of ['success', 'failure', 'no_answer', 'busy', 'other']) expect(f.outcomes, o).toContain(o);
  });

  it('has the service level move over the day (quiet nights, pressure at the peaks)', () => {
    const hourly = Array.from({ length: 24 }, () => [] as FloorEvent[]);
    for (const e of events) hourly[Math.floor((e.ts - DAY_START) / 3_600_000)]?.push(e);
    const offered = hourly.map((h) => figures(h).offered);
    const night = (offered[2] ?? 0) + (offered[3] ?? 0) + (offered[4] ?? 0);
    const morning = (offered[9] ?? 0) + (offered[10] ?? 0) + (offered[11] ?? 0);
    expect(morning).toBeGreaterThan(8 * night);
    const levels = hourly.map((h) => { const f = figures(h); const d = f.answered + f.abandoned + f.timedOut; return d > 50 ? f.withinSl / d : null; })
      .filter((x): x is number => x !== null);
    expect(Math.min(...levels)).toBeLessThan(0.8);
    expect(Math.max(...levels)).toBeGreaterThan(0.9);
  });

  it('signs agents in at their rostered shift starts, some late, some leaving early, and out at the end', () => {
    const floor = buildFloor(1);
    const roster = rosterForDate(floor, DATE, TZ);
    const day = localDayOfDate(DATE, TZ);
    const at = (hhmm: string) => DateTime.fromISO(`${DATE}T${hhmm === '24:00' ? '00:00' : hhmm}`, { zone: TZ }).toMillis() + (hhmm === '24:00' ? DAY_MS : 0);
    const firstLogin = new Map<string, number>();
    const lastLogout = new Map<string, number>();
    for (const e of events) {
      if (e.type === 'agent.login' && !firstLogin.has(e.agentId)) firstLogin.set(e.agentId, e.ts);
      if (e.type === 'agent.logout') lastLogout.set(e.agentId, e.ts);
      if (e.type === 'agent.login') {
        expect(e.name).toBeTruthy();
        expect(e.teamId).toBe(floor.agents.find((a) => a.id === e.agentId)?.teamId);
      }
    }
    let late = 0;
    let onTime = 0;
    let earlyLeave = 0;
    for (const entry of roster.entries) {
      const login = firstLogin.get(entry.agentId);
      if (login === undefined) continue; // a no-show
      const start = at(entry.shiftStart);
      expect(login - start).toBeGreaterThan(-10 * 60_000);
      expect(login - start).toBeLessThan(31 * 60_000);
      if (login - start > 180_000) late += 1;
      else onTime += 1;
      const logout = lastLogout.get(entry.agentId);
      if (logout !== undefined && entry.shiftEnd !== '24:00' && logout < at(entry.shiftEnd) - 5 * 60_000) earlyLeave += 1;
    }
    expect(day.date).toBe(DATE);
    expect(firstLogin.size).toBeGreaterThan(floor.agents.length * 0.9);
    expect(late).toBeGreaterThanOrEqual(2);
    expect(onTime).toBeGreaterThan(late * 3);
    expect(earlyLeave + late).toBeGreaterThanOrEqual(3);
  });

  it('spreads telesales CPH and success rates around the grade bars', () => {
    const floor = buildFloor(1);
    const outbound = floor.agents.filter((a) => a.outbound);
    const handled = new Map<string, number>();
    const loginAt = new Map<string, number>();
    const loggedMs = new Map<string, number>();
    const outcome = new Map<string, { agentId: string; outcome: string }>();
    for (const e of events) {
      if (e.type === 'agent.login') loginAt.set(e.agentId, e.ts);
      if (e.type === 'agent.logout') loggedMs.set(e.agentId, (loggedMs.get(e.agentId) ?? 0) + e.ts - (loginAt.get(e.agentId) as number));
      if (e.type === 'call.ended') handled.set(e.agentId, (handled.get(e.agentId) ?? 0) + 1);
      if ((e.type === 'call.ended' && e.outcome) || e.type === 'call.disposition') outcome.set(e.callId, { agentId: e.agentId, outcome: e.outcome as string });
    }
    const grades = new Set<string>();
    const cphs: number[] = [];
    for (const a of outbound) {
      const ms = loggedMs.get(a.id);
      if (ms === undefined) continue; // late shift still signed in at midnight
      const cph = (handled.get(a.id) ?? 0) / (ms / 3_600_000);
      const results = [...outcome.values()].filter((o) => o.agentId === a.id);
      const success = results.filter((o) => o.outcome === 'success').length;
      const failure = results.filter((o) => o.outcome === 'failure').length;
      const sr = success / (success + failure);
      cphs.push(cph);
      grades.add(cph >= 17 && sr >= 0.65 ? 'A' : cph >= 15 && sr >= 0.6 ? 'B' : cph >= 13 && sr >= 0.58 ? 'C' : cph >= 11 && sr >= 0.52 ? 'trainee' : 'below');
    }
    expect(cphs.length).toBeGreaterThanOrEqual(5);
    expect(Math.min(...cphs)).toBeGreaterThan(8);
    expect(Math.max(...cphs)).toBeLessThan(21);
    expect(grades.size).toBeGreaterThanOrEqual(3);
  });
});

describe('FloorModel — determinism and bounded memory', () => {
  it('gives the same stream for the same seed, whatever the advance steps', () => {
    const end = DAY_START + 10 * 3_600_000;
    const once = new FloorModel({ startMs: DAY_START, seed: 42, tz: TZ }).advanceTo(end);
    const stepped = new FloorModel({ startMs: DAY_START, seed: 42, tz: TZ });
    const rng = new Rng(9);
    const chunks: unknown[] = [];
    for (let t = DAY_START; t < end;) {
      t = Math.min(end, t + (rng.chance(0.8) ? rng.int(1, 1500) : rng.int(1, 900_000)));
      chunks.push(...stepped.advanceTo(t));
    }
    expect(chunks).toEqual(once);
    expect(new FloorModel({ startMs: DAY_START, seed: 42, tz: TZ }).advanceTo(end)).toEqual(once);
  });

  it('gives a different stream for another seed', () => {
    const end = DAY_START + 9 * 3_600_000;
    const a = new FloorModel({ startMs: DAY_START, seed: 1, tz: TZ }).advanceTo(end);
    const b = new FloorModel({ startMs: DAY_START, seed: 2, tz: TZ }).advanceTo(end);
    expect(a).not.toEqual(b);
  });

  it('never goes backwards and never returns events after the time asked for', () => {
    const model = new FloorModel({ startMs: DAY_START, seed: 3, tz: TZ });
    const until = DAY_START + 9 * 3_600_000 + 123;
    const events = model.advanceTo(until);
    expect(events.every((e) => (e.ts as number) <= until)).toBe(true);
    expect(model.advanceTo(until - 60_000)).toEqual([]);
    expect(model.nowMs).toBe(until);
  });

  it('backfills in ordered batches of at most maxBatch, equal to one big advance', () => {
    const end = DAY_START + 14 * 3_600_000;
    const batches = [...new FloorModel({ startMs: DAY_START, seed: 5, tz: TZ }).backfill(end, 5000)];
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.every((b) => b.length > 0 && b.length <= 5000)).toBe(true);
    expect(batches.slice(0, -1).every((b) => b.length === 5000)).toBe(true);
    expect(batches.flat()).toEqual(new FloorModel({ startMs: DAY_START, seed: 5, tz: TZ }).advanceTo(end));
  });

  it('runs for days with unique ids, every day staffed, and bounded working sets', () => {
    const model = new FloorModel({ startMs: DAY_START, seed: 11, tz: TZ });
    const ids = new Set<string>();
    const footprints: number[] = [];
    for (let d = 0; d < 3; d += 1) {
      const events = model.advanceTo(DAY_START + (d + 1) * DAY_MS);
      for (const e of events) ids.add(e.id);
      const logins = events.filter((e) => e.type === 'agent.login').length;
      expect(logins, `day ${d}`).toBeGreaterThan(70);
      const fp = model.footprint();
      footprints.push(fp.activeCalls + fp.timers + fp.heldEvents);
      expect(fp.activeCalls).toBeLessThan(200);
    }
    expect(ids.size).toBe(model.status().eventsEmitted);
    expect(Math.max(...footprints)).toBeLessThan(2000);
  });

  it('starts warm mid-shift: on-shift agents sign in right away', () => {
    const start = DAY_START + 14 * 3_600_000; // 14:00 local
    const model = new FloorModel({ startMs: start, seed: 1, tz: TZ });
    const events = model.advanceTo(start + 60_000);
    const logins = events.filter((e) => e.type === 'agent.login');
    expect(logins.length).toBeGreaterThan(30);
    expect(logins.every((e) => (e.ts as number) <= start + 31_000)).toBe(true);
  });

  it('follows the configured time zone', () => {
    const berlinStart = DateTime.fromISO(DATE, { zone: 'Europe/Berlin' }).toMillis();
    const model = new FloorModel({ startMs: berlinStart, seed: 1, tz: 'Europe/Berlin' });
    const events = model.advanceTo(berlinStart + 9 * 3_600_000);
    const earlyLogins = events.filter((e) => e.type === 'agent.login' && (e.ts as number) > berlinStart + 7.5 * 3_600_000);
    expect(earlyLogins.length).toBeGreaterThan(20); // the 08:00 Berlin early shift
  });
});

describe('the demo roster', () => {
  it('matches the simulated shifts and follows the break rules', () => {
    const floor = buildFloor(1);
    const roster = rosterForDate(floor, DATE, TZ);
    expect(roster.date).toBe(DATE);
    expect(roster.entries).toHaveLength(floor.agents.length);
    const shifts = new Set(roster.entries.map((e) => `${e.shiftStart}-${e.shiftEnd}`));
    expect(shifts).toEqual(new Set(['08:00-16:00', '16:00-24:00', '00:00-08:00']));
    const day = localDayOfDate(DATE, TZ);
    for (const agent of floor.agents) {
      const plan = planAgentDay(floor, agent, day, TZ);
      expect(plan.activities.filter((a) => a.type === 'meal')).toHaveLength(1);
      const breaks = plan.activities.filter((a) => a.type === 'short_break');
      expect(breaks.length).toBeGreaterThanOrEqual(5);
      for (const b of breaks) {
        expect(b.startMs - plan.shiftStartMs).toBeGreaterThanOrEqual(30 * 60_000);
        expect(b.endMs - b.startMs).toBe(5 * 60_000);
        expect(b.endMs).toBeLessThanOrEqual(plan.shiftEndMs);
      }
      for (let i = 1; i < plan.activities.length; i += 1) {
        expect((plan.activities[i] as { startMs: number }).startMs).toBeGreaterThanOrEqual((plan.activities[i - 1] as { endMs: number }).endMs);
      }
    }
    for (const entry of roster.entries) {
      for (const a of entry.activities) expect(a.start < a.end || a.end === '24:00').toBe(true);
    }
  });

  it('rotates the early and late shifts weekly', () => {
    const floor = buildFloor(1);
    const north = floor.agents.find((a) => a.teamId === 't-north');
    if (!north) throw new Error('no north agent');
    const thisWeek = planAgentDay(floor, north, localDayOfDate(DATE, TZ), TZ).shift;
    const nextWeek = planAgentDay(floor, north, localDayOfDate('2026-11-30', TZ), TZ).shift;
    expect(new Set([thisWeek, nextWeek])).toEqual(new Set(['early', 'late']));
  });
});
