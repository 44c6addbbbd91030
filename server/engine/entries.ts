/**
 * Events as the engine keeps them for re-derivation: a few numbers each instead of objects with
 * string ids. An agent's window keeps (ts, code, ref) triples, a call keeps (ts, code) pairs;
 * `code` = kind · KIND_UNIT + tie · TIE_UNIT + payload, where `tie` is a hash of the event's
 * strings (reason, call, queue, team, name) and `payload` holds interned indexes. Comparing
 * (ts, code, ref) orders events at the same instant by kind, then by their content: that content
 * order is the fold order (docs/metrics.md). It does not depend on the order events arrived in
 * (interned indexes do, so they only decide when two hashes collide), and two events equal in
 * all of it fold like one (a copy).
 */
import type { FloorEvent, Outcome } from '../../shared/events.ts';

export const KIND_UNIT = 2 ** 50;
export const TIE_UNIT = 2 ** 26;

/** Agent entry kinds, in their order at equal time: sign in first, sign out last; a call ends before the state that follows it. */
export const AK = { login: 0, dialed: 1, answered: 2, ended: 3, disposition: 4, state: 5, logout: 6 } as const;
/** Call entry kinds, in their order at equal time. */
export const CK = { queued: 0, answered: 1, abandoned: 2, timeout: 3, transferred: 4, ended: 5, dialed: 6, disposition: 7 } as const;

/** Outcome codes in entries (0 = none); the success rate counts success/failure, the rest is `other`. */
const OUTCOME_CODE: Readonly<Record<Outcome, number>> = { success: 1, failure: 2, no_answer: 3, busy: 4, other: 5 };
export const OUTCOME_KIND = { success: 1, failure: 2, other: 3 } as const;

export const entryKind = (code: number) => Math.floor(code / KIND_UNIT);
export const entryPayload = (code: number) => code % TIE_UNIT;

/** 24-bit FNV-1a of a string: the content tie-break. */
export function tieOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) & 0xffffff;
}
const codeOf = (kind: number, tie: number, payload: number) => kind * KIND_UNIT + tie * TIE_UNIT + payload;

/** Lookups an encoding needs: indexes of strings (interned by the engine) and of the call. */
export interface EntryIndexes {
  team(id: string): number;
  queue(id: string): number;
  reason(r: string): number;
  name(n: string): number;
  state(s: string): number;
}

/** The agent entry code of an event that concerns an agent (`agentId`). */
export function agentEntry(e: FloorEvent, ix: EntryIndexes): number {
  switch (e.type) {
    case 'agent.login': return codeOf(AK.login, tieOf(`${e.teamId}\n${e.name ?? ''}`), e.name ? ix.name(e.name) : 0);
    case 'agent.logout': return codeOf(AK.logout, 0, 0);
    case 'agent.state': return codeOf(AK.state, e.reason ? tieOf(e.reason) : 0, ix.state(e.state) + 8 * (e.reason ? ix.reason(e.reason) : 0));
    case 'call.answered': return codeOf(AK.answered, tieOf(`${e.callId}\n${e.queueId}`), ix.queue(e.queueId));
    case 'call.dialed': return codeOf(AK.dialed, tieOf(e.callId), 0);
    case 'call.ended': return codeOf(AK.ended, tieOf(e.callId), e.outcome ? OUTCOME_CODE[e.outcome] : 0);
    case 'call.disposition': return codeOf(AK.disposition, tieOf(e.callId), OUTCOME_CODE[e.outcome]);
    default: throw new RangeError(`${e.type} is not an agent event`);
  }
}

/** The ref of an agent entry: the team of a sign-in, the call of a call event, else 0. */
export function agentRef(e: FloorEvent, ix: EntryIndexes, callSeq: number): number {
  return e.type === 'agent.login' ? ix.team(e.teamId) : 'callId' in e ? callSeq : 0;
}

/** The call entry code of a call event. */
export function callEntry(e: FloorEvent & { callId: string }, ix: EntryIndexes): number {
  switch (e.type) {
    case 'call.queued': return codeOf(CK.queued, tieOf(e.queueId), ix.queue(e.queueId));
    case 'call.answered': return codeOf(CK.answered, tieOf(e.queueId), ix.queue(e.queueId));
    case 'call.abandoned': return codeOf(CK.abandoned, tieOf(e.queueId), ix.queue(e.queueId));
    case 'call.timeout': return codeOf(CK.timeout, tieOf(e.queueId), ix.queue(e.queueId));
    case 'call.transferred': return codeOf(CK.transferred, 0, 0);
    case 'call.ended': return codeOf(CK.ended, 0, 0);
    case 'call.dialed': return codeOf(CK.dialed, 0, 0);
    case 'call.disposition': return codeOf(CK.disposition, 0, 0);
    default: throw new RangeError('not a call event');
  }
}

/**
 * Where an entry of `width` numbers goes in `list` (sorted entries starting at `from`) to keep the
 * fold order, or -1 when an equal entry is already there (a copy of an event). The usual case, an
 * entry newer than all, is checked first.
 */
export function entryPosition(list: readonly number[], from: number, width: 2 | 3, ts: number, code: number, ref: number): number {
  let hi = (list.length - from) / width;
  if (hi === 0) return list.length;
  const last = compareAt(list, list.length - width, width, ts, code, ref);
  if (last < 0) return list.length;
  if (last === 0) return -1;
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareAt(list, from + mid * width, width, ts, code, ref) < 0) lo = mid + 1; else hi = mid;
  }
  const at = from + lo * width;
  return compareAt(list, at, width, ts, code, ref) === 0 ? -1 : at;
}

/** The entry at `at` against (ts, code, ref), in fold order. */
function compareAt(list: readonly number[], at: number, width: 2 | 3, ts: number, code: number, ref: number): number {
  return list[at]! - ts || list[at + 1]! - code || (width === 3 ? list[at + 2]! - ref : 0);
}

/**
 * `list` with an entry inserted at `at` (from `entryPosition`). A short list is copied to a new
 * array of exactly the new size: a kept entry then costs its 8 bytes a number and no growth
 * slack (push grows an array by half plus 16 slots, more than a short list holds). A long one
 * (a very busy agent) grows in place, so appending stays cheap; compaction trims it.
 */
export function insertAt(list: number[], at: number, width: 2 | 3, ts: number, code: number, ref: number): number[] {
  if (list.length >= EXACT_UP_TO) {
    if (width === 3) list.splice(at, 0, ts, code, ref); else list.splice(at, 0, ts, code);
    return list;
  }
  const entry = width === 3 ? [ts, code, ref] : [ts, code];
  return at === list.length ? list.concat(entry) : list.slice(0, at).concat(entry, list.slice(at));
}
const EXACT_UP_TO = 96;
