import { createHash } from 'node:crypto';
import { EventSchema, type EventInput } from '../../../shared/events.ts';
import { IdSchema } from '../../../shared/ids.ts';
import { clip, parseQueueLogLine, type QueueLogLine } from './parse-line.ts';
import { isValidId, normalizeAgent, normalizePauseReason, toId, type PauseMapping } from './normalize.ts';

/** How the adapter turns queue_log names into API v1 ids. Every value must be a valid id. */
export interface QueueLogOptions {
  /** Raw member name/interface (`PJSIP/1001`, `John Smith`) or normalized id (`1001`) → agentId. Raw key wins. */
  agentMap?: Record<string, string>;
  /** agentId (after `agentMap`) → teamId for `agent.login`. Wins over `queueTeams`. */
  agentTeams?: Record<string, string>;
  /** Queue name → teamId for `agent.login` from ADDMEMBER. Default: the queue id itself. */
  queueTeams?: Record<string, string>;
  /** teamId for logins not tied to a queue (AGENTLOGIN with queue `NONE`). Default `unassigned`. */
  defaultTeam?: string;
  /** Queue name → queueId (default: the name when it is a valid id, else its slug). */
  queueMap?: Record<string, string>;
  /** Transfer target `exten@context` or `exten` → queueId; other targets become `toAgentId`. */
  transferQueues?: Record<string, string>;
  /** Extra pause reasons (case-insensitive raw text → reason code, or `{state: 'away', reason}`). */
  pauseReasons?: Record<string, string | PauseMapping>;
  /** Reason for a pause logged without one. Default `short_break`. */
  defaultPauseReason?: string;
  /** EXITEMPTY (queue had no logged-in members) as `call.abandoned` (default) or `call.timeout`. */
  exitEmptyAs?: 'abandoned' | 'timeout';
  /** Put the caller id of ENTERQUEUE into `call.queued.caller`. Default false (privacy). */
  includeCaller?: boolean;
  /** A call the adapter saw answered but never ended is forgotten after this many seconds. Default 14400. */
  maxCallSec?: number;
}

export interface QueueLogRejection { line: number; reason: string }

export interface QueueLogMapResult {
  /** Derived API v1 events, in line order; each one valid for the shared EventSchema. */
  events: EventInput[];
  /** Non-blank lines seen. */
  lines: number;
  /** Well-formed lines that produced no event (informational or unknown verbs, repeats, see docs/asterisk.md). */
  ignored: number;
  /** Malformed lines, 1-based line numbers of the input. */
  rejected: QueueLogRejection[];
}

/** Target of a transfer queue_log cannot name (attended transfers through a bridge or an application). */
export const UNKNOWN_TRANSFER_TARGET = 'unknown';

/** What the adapter remembers about one agent, learnt from the lines it has mapped. */
interface AgentTrack {
  /** Queues (and `@agent` for AGENTLOGIN) the agent is known to be a member of. */
  memberOf: Set<string>;
  /** Current pause: a mapping, `null` = known unpaused, `undefined` = unknown. */
  pause: PauseMapping | null | undefined;
  /** Call answered (CONNECT) and not yet ended. */
  call: { id: string; since: number } | null;
  /** Time of the newest line that changed this record; older lines do not change it. */
  lastTs: number;
}

const MAX_TRACKED_AGENTS = 20_000;

class LineError extends Error {}

type Body = DistributiveOmit<EventInput, 'id' | 'ts'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
interface Derived { slot: number; body: Body; ts?: number }

/**
 * Maps Asterisk queue_log lines to API v1 events (see docs/asterisk.md for the table).
 *
 * Per line the mapping is deterministic except for a little memory per agent — queue memberships,
 * the current pause and the call in progress — which a single line cannot tell: it keeps an agent in
 * several queues logged in until the last REMOVEMEMBER, defers a pause taken during a call to the
 * call's end, and returns a paused agent to `break` (not `available`) after a call. Event ids are
 * `aq:<rank>:<sha1 of the line>:<slot>` with a fixed slot per derived event, so re-sent lines give the
 * same ids; `rank` (see verbRank) orders events of the same second the way Asterisk writes them.
 * No I/O: feed lines in file order with `map`; use `fork`/`adopt` to apply a batch only once it is stored.
 */
export class QueueLogMapper {
  private readonly agentMap: Map<string, string>;
  private readonly pauseReasons: Map<string, PauseMapping>;
  private readonly defaultTeam: string;
  private readonly defaultPauseReason: string;
  private readonly maxCallMs: number;
  /** Set while mapping a line that is older than the newest line seen for its agent. */
  private lateLine = false;

  constructor(readonly options: QueueLogOptions = {}, private agents = new Map<string, AgentTrack>()) {
    checkOptions(options);
    this.agentMap = new Map(Object.entries(options.agentMap ?? {}));
    this.pauseReasons = new Map(Object.entries(options.pauseReasons ?? {}).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? { state: 'break' as const, reason: v } : v]));
    this.defaultTeam = options.defaultTeam ?? 'unassigned';
    this.defaultPauseReason = options.defaultPauseReason ?? 'short_break';
    this.maxCallMs = (options.maxCallSec ?? 4 * 3600) * 1000;
  }

  /** A mapper with the same options and a copy of this one's memory. */
  fork(): QueueLogMapper {
    const copy = new Map<string, AgentTrack>();
    for (const [id, t] of this.agents) copy.set(id, { ...t, memberOf: new Set(t.memberOf), call: t.call && { ...t.call } });
    return new QueueLogMapper(this.options, copy);
  }

  /** Takes over the memory of a fork (after its batch was stored). */
  adopt(fork: QueueLogMapper): void {
    this.agents = fork.agents;
  }

  /** Maps a text (lines separated by LF or CRLF) or an array of lines. Line numbers are 1-based. */
  map(input: string | readonly string[]): QueueLogMapResult {
    const lines = typeof input === 'string' ? input.split('\n') : input;
    const result: QueueLogMapResult = { events: [], lines: 0, ignored: 0, rejected: [] };
    lines.forEach((text, index) => {
      const raw = (index === 0 ? text.replace(/^\uFEFF/, '') : text).trim();
      if (raw === '') return;
      result.lines++;
      const parsed = parseQueueLogLine(raw);
      if (!parsed.ok) { result.rejected.push({ line: index + 1, reason: parsed.reason }); return; }
      let derived: Derived[] | null;
      try {
        this.lateLine = false;
        derived = this.mapLine(parsed.line);
        // A line older than one already mapped for its agent is a re-send (or a straggler): its call
        // events still count (same ids), its effect on the agent is not applied a second time.
        if (derived && this.lateLine) derived = derived.filter((d) => !d.body.type.startsWith('agent.'));
      } catch (e) {
        if (!(e instanceof LineError)) throw e;
        result.rejected.push({ line: index + 1, reason: `${parsed.line.event}: ${e.message}` });
        return;
      }
      if (derived === null || derived.length === 0) { result.ignored++; return; }
      const hash = createHash('sha1').update(raw).digest('hex');
      const rank = verbRank(parsed.line.event);
      const events = derived.map((d) => ({ id: `aq:${rank}:${hash}:${d.slot}`, ts: d.ts ?? parsed.line.ts, ...d.body }) as EventInput);
      for (const event of events) {
        const check = EventSchema.safeParse(event);
        if (!check.success) {
          const issue = check.error.issues[0];
          result.rejected.push({ line: index + 1, reason: `${parsed.line.event}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim() });
          return;
        }
      }
      result.events.push(...events);
    });
    return result;
  }

  /** Events derived from one line; null when the verb carries nothing for the wallboard. */
  private mapLine(l: QueueLogLine): Derived[] | null {
    switch (l.event) {
      case 'ENTERQUEUE': {
        const caller = this.options.includeCaller ? (l.data[1] ?? '').trim().slice(0, 64) : '';
        const body: Body = { type: 'call.queued', callId: this.callId(l), queueId: this.queueId(l) };
        if (caller !== '' && caller.toLowerCase() !== 'unknown') body.caller = caller;
        return [{ slot: 0, body }];
      }
      case 'CONNECT': {
        const callId = this.callId(l);
        const queueId = this.queueId(l);
        const agentId = this.agentId(l);
        num(l, 0, 'holdtime', true);
        num(l, 2, 'ringtime', false);
        const t = this.track(agentId, l.ts);
        if (t) t.call = { id: callId, since: l.ts };
        return [
          { slot: 0, body: { type: 'call.answered', callId, queueId, agentId } },
          { slot: 1, body: { type: 'agent.state', agentId, state: 'on_call' } },
        ];
      }
      case 'COMPLETEAGENT':
      case 'COMPLETECALLER': {
        const callId = this.callId(l);
        const agentId = this.agentId(l);
        num(l, 0, 'holdtime', true);
        num(l, 1, 'calltime', true);
        num(l, 2, 'origposition', false);
        return [{ slot: 0, body: { type: 'call.ended', callId, agentId } }, this.afterCall(agentId, l.ts, 1)];
      }
      case 'ABANDON':
        num(l, 0, 'position', true);
        num(l, 1, 'origposition', false);
        num(l, 2, 'waittime', false);
        return [{ slot: 0, body: { type: 'call.abandoned', callId: this.callId(l), queueId: this.queueId(l) } }];
      case 'EXITEMPTY':
      case 'EXITWITHTIMEOUT': {
        num(l, 0, 'position', false);
        num(l, 1, 'origposition', false);
        num(l, 2, 'waittime', false);
        const timeout = l.event === 'EXITWITHTIMEOUT' || this.options.exitEmptyAs === 'timeout';
        return [{ slot: 0, body: { type: timeout ? 'call.timeout' : 'call.abandoned', callId: this.callId(l), queueId: this.queueId(l) } }];
      }
      case 'EXITWITHKEY':
        if ((l.data[0] ?? '').trim() === '') throw new LineError('missing key (data1)');
        num(l, 1, 'position', false);
        num(l, 2, 'origposition', false);
        num(l, 3, 'waittime', false);
        return [{ slot: 0, body: { type: 'call.abandoned', callId: this.callId(l), queueId: this.queueId(l) } }];
      case 'RINGNOANSWER':
      case 'RINGCANCELED': {
        const agentId = this.agentId(l);
        const ringMs = num(l, 0, 'ringtime', true)!;
        // RINGNOANSWER|0 is logged for members whose device is unreachable: nobody was rung.
        if (ringMs <= 0) return null;
        const t = this.track(agentId, l.ts);
        if (t && this.onCall(t, l.ts)) return null; // rung on a second line while talking (ringinuse)
        return [
          { slot: 0, body: { type: 'agent.state', agentId, state: 'ringing' }, ts: l.ts - ringMs },
          this.afterCall(agentId, l.ts, 1, t),
        ];
      }
      case 'TRANSFER':
      case 'BLINDTRANSFER':
      case 'ATTENDEDTRANSFER': {
        const callId = this.callId(l);
        const fromAgentId = this.agentId(l);
        const target = this.transferTarget(l);
        return [
          { slot: 0, body: { type: 'call.transferred', callId, fromAgentId, ...target } },
          { slot: 1, body: { type: 'call.ended', callId, agentId: fromAgentId } },
          this.afterCall(fromAgentId, l.ts, 2),
        ];
      }
      case 'ADDMEMBER':
      case 'AGENTLOGIN':
      case 'AGENTCALLBACKLOGIN': {
        const agentId = this.agentId(l);
        const queue = l.event === 'ADDMEMBER' ? this.queueName(l) : '@agent';
        const pausedOnAdd = l.event === 'ADDMEMBER' && (l.data[0] ?? '').trim().toUpperCase() === 'PAUSED';
        const pause: PauseMapping = { state: 'break', reason: this.defaultPauseReason };
        const t = this.track(agentId, l.ts);
        if (t) {
          const already = t.memberOf.size > 0;
          t.memberOf.add(queue);
          if (already) return null; // a further queue of an agent already logged in
          t.pause = pausedOnAdd ? pause : null;
          t.call = null;
        }
        const login: Body = { type: 'agent.login', agentId, teamId: this.teamId(agentId, l) };
        const name = this.displayName(l.agent);
        if (name !== undefined) login.name = name;
        const out: Derived[] = [{ slot: 0, body: login }];
        if (pausedOnAdd) out.push({ slot: 1, body: { type: 'agent.state', agentId, ...pause } });
        return out;
      }
      case 'REMOVEMEMBER':
      case 'AGENTLOGOFF':
      case 'AGENTCALLBACKLOGOFF': {
        const agentId = this.agentId(l);
        const t = this.track(agentId, l.ts);
        if (t) {
          if (l.event === 'REMOVEMEMBER') t.memberOf.delete(this.queueName(l)); else t.memberOf.clear();
          if (t.memberOf.size > 0) return null; // still a member of other queues
          t.pause = undefined;
          t.call = null;
        }
        return [{ slot: 0, body: { type: 'agent.logout', agentId } }];
      }
      case 'PAUSE':
      case 'PAUSEALL': {
        const agentId = this.agentId(l);
        const pause = normalizePauseReason(l.data[0] ?? '', this.defaultPauseReason, this.pauseReasons);
        const t = this.track(agentId, l.ts);
        if (t) {
          const same = t.pause != null && t.pause.state === pause.state && t.pause.reason === pause.reason;
          t.pause = pause;
          if (same || this.onCall(t, l.ts)) return null; // repeat, or shown when the call ends
        }
        return [{ slot: 0, body: { type: 'agent.state', agentId, ...pause } }];
      }
      case 'UNPAUSE':
      case 'UNPAUSEALL': {
        const agentId = this.agentId(l);
        const t = this.track(agentId, l.ts);
        if (t) {
          const wasUnpaused = t.pause === null;
          t.pause = null;
          if (wasUnpaused || this.onCall(t, l.ts)) return null;
        }
        return [{ slot: 0, body: { type: 'agent.state', agentId, state: 'available' } }];
      }
      default:
        // QUEUESTART, CONFIGRELOAD, DID, INFO, SYSCOMPAT, custom QueueLog() verbs, ...
        return null;
    }
  }

  /** Agent state once a call (or a ring) is over: back to its pause if it paused, else available. */
  private afterCall(agentId: string, ts: number, slot: number, tracked?: AgentTrack | null): Derived {
    const t = tracked === undefined ? this.track(agentId, ts) : tracked;
    if (t) t.call = null;
    const pause = t?.pause;
    return { slot, body: pause ? { type: 'agent.state', agentId, state: pause.state, reason: pause.reason } : { type: 'agent.state', agentId, state: 'available' } };
  }

  /** The agent's record when this line is not older than the last one that changed it; null for a late line. */
  private track(agentId: string, ts: number): AgentTrack | null {
    let t = this.agents.get(agentId);
    if (t && ts < t.lastTs) {
      this.lateLine = true;
      return null;
    }
    if (!t) {
      t = { memberOf: new Set(), pause: undefined, call: null, lastTs: ts };
      if (this.agents.size >= MAX_TRACKED_AGENTS) this.agents.delete(this.agents.keys().next().value!);
    }
    this.agents.delete(agentId); // keep Map order = least recently used first
    this.agents.set(agentId, t);
    t.lastTs = ts;
    return t;
  }

  private onCall(t: AgentTrack, ts: number): boolean {
    return t.call !== null && ts - t.call.since <= this.maxCallMs;
  }

  private callId(l: QueueLogLine): string {
    if (l.callId === '' || l.callId === 'NONE') throw new LineError('missing callid');
    if (!isValidId(l.callId)) throw new LineError(`callid ${JSON.stringify(clip(l.callId))} is not a valid id`);
    return l.callId;
  }

  private queueName(l: QueueLogLine): string {
    if (l.queue === '' || l.queue === 'NONE') throw new LineError('missing queue');
    return l.queue;
  }

  private queueId(l: QueueLogLine): string {
    const name = this.queueName(l);
    return this.options.queueMap?.[name] ?? toId(name, 'queue');
  }

  private agentId(l: QueueLogLine): string {
    if (l.agent === '' || l.agent === 'NONE') throw new LineError('missing agent');
    return this.resolveAgent(l.agent);
  }

  private resolveAgent(raw: string): string {
    const direct = this.agentMap.get(raw);
    if (direct !== undefined) return direct;
    const { id } = normalizeAgent(raw);
    return this.agentMap.get(id) ?? id;
  }

  /** A display name for `agent.login` when the member name is one (not an interface or a number). */
  private displayName(raw: string): string | undefined {
    return normalizeAgent(raw).name;
  }

  private teamId(agentId: string, l: QueueLogLine): string {
    const team = this.options.agentTeams?.[agentId];
    if (team !== undefined) return team;
    if (l.queue === '' || l.queue === 'NONE') return this.defaultTeam;
    return this.options.queueTeams?.[l.queue] ?? this.queueId(l);
  }

  private transferTarget(l: QueueLogLine): { toQueueId: string } | { toAgentId: string } {
    let exten = '';
    let context = '';
    if (l.event === 'ATTENDEDTRANSFER') {
      // method|target...|holdtime|calltime|origposition; LINK names two channels.
      const method = (l.data[0] ?? '').trim().toUpperCase();
      if (method === '') throw new LineError('missing transfer method (data1)');
      const timesAt = method === 'LINK' ? 3 : 2;
      num(l, timesAt, 'holdtime', false);
      num(l, timesAt + 1, 'calltime', false);
      if (method === 'LINK') exten = (l.data[1] ?? '').trim();
    } else {
      // extension|context|holdtime|calltime|origposition
      exten = (l.data[0] ?? '').trim();
      context = (l.data[1] ?? '').trim();
      num(l, 2, 'holdtime', false);
      num(l, 3, 'calltime', false);
    }
    const queues = this.options.transferQueues ?? {};
    const queueId = (context !== '' ? queues[`${exten}@${context}`] : undefined) ?? queues[exten];
    if (queueId !== undefined) return { toQueueId: queueId };
    return { toAgentId: exten === '' ? UNKNOWN_TRANSFER_TARGET : this.resolveAgent(exten) };
  }
}

/**
 * queue_log has one-second resolution and the engine folds events of equal `ts` in id order, so the id
 * starts with the usual order of verbs within one second for one agent: log in, a call ends, unpause,
 * a ring ends, the next call connects, (callers leave), pause (e.g. Asterisk's auto-pause right after
 * RINGNOANSWER, or a pause right after COMPLETEAGENT), log off.
 */
export function verbRank(verb: string): number {
  switch (verb) {
    case 'ADDMEMBER': case 'AGENTLOGIN': case 'AGENTCALLBACKLOGIN': return 1;
    case 'ENTERQUEUE': return 2;
    case 'COMPLETEAGENT': case 'COMPLETECALLER': case 'TRANSFER': case 'BLINDTRANSFER': case 'ATTENDEDTRANSFER': return 3;
    case 'UNPAUSE': case 'UNPAUSEALL': return 4;
    case 'RINGNOANSWER': case 'RINGCANCELED': return 5;
    case 'CONNECT': return 6;
    case 'ABANDON': case 'EXITEMPTY': case 'EXITWITHKEY': case 'EXITWITHTIMEOUT': return 7;
    case 'PAUSE': case 'PAUSEALL': return 8;
    default: return 9; // REMOVEMEMBER, AGENTLOGOFF, AGENTCALLBACKLOGOFF
  }
}

/** Maps lines with a fresh mapper (no memory of earlier input). */
export function mapQueueLog(input: string | readonly string[], options: QueueLogOptions = {}): QueueLogMapResult {
  return new QueueLogMapper(options).map(input);
}

/** Reads an integer data field (0-based index into data1...); throws a LineError when malformed. */
function num(l: QueueLogLine, index: number, name: string, required: boolean): number | undefined {
  const v = (l.data[index] ?? '').trim();
  if (v === '') {
    if (required) throw new LineError(`missing ${name} (data${index + 1})`);
    return undefined;
  }
  if (!/^-?\d+$/.test(v)) throw new LineError(`${name} (data${index + 1}) ${JSON.stringify(clip(v))} is not a number`);
  return Number(v);
}

/** Throws a descriptive Error when an option holds an invalid id (a configuration mistake). */
function checkOptions(o: QueueLogOptions): void {
  const problems: string[] = [];
  const check = (where: string, v: unknown) => {
    if (!IdSchema.safeParse(v).success) problems.push(`${where}: ${JSON.stringify(v)} is not a valid id`);
  };
  for (const key of ['agentMap', 'agentTeams', 'queueTeams', 'queueMap', 'transferQueues'] as const) {
    for (const [k, v] of Object.entries(o[key] ?? {})) check(`${key}[${JSON.stringify(k)}]`, v);
  }
  if (o.defaultTeam !== undefined) check('defaultTeam', o.defaultTeam);
  const reasonOk = (r: unknown) => typeof r === 'string' && /^[\w.-]{1,64}$/.test(r);
  if (o.defaultPauseReason !== undefined && !reasonOk(o.defaultPauseReason)) problems.push(`defaultPauseReason: ${JSON.stringify(o.defaultPauseReason)} is not a valid reason code`);
  for (const [k, v] of Object.entries(o.pauseReasons ?? {})) {
    const m = typeof v === 'string' ? { state: 'break', reason: v } : v;
    if (!reasonOk(m.reason) || (m.state !== 'break' && m.state !== 'away')) problems.push(`pauseReasons[${JSON.stringify(k)}]: ${JSON.stringify(v)} is not a reason code or {state: 'break'|'away', reason}`);
  }
  if (o.maxCallSec !== undefined && !(o.maxCallSec > 0)) problems.push('maxCallSec must be > 0');
  if (problems.length > 0) throw new Error(`invalid Asterisk queue_log options: ${problems.join('; ')}`);
}
