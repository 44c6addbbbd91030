import type { AgentState } from '../../shared/snapshot.ts';
import { STATES } from './counters.ts';

/** One state change: when, the state, its reason. */
export interface Change { at: number; state: AgentState; reason: string | null }

/**
 * An agent's state changes in time order (adherence, attendance, break rules and the drill-down
 * read it). The engine keeps it encoded (`TimelineCodec`); tests may wrap plain changes.
 */
export interface TimelineView {
  readonly length: number;
  atOf(i: number): number;
  stateOf(i: number): AgentState;
  reasonOf(i: number): string | null;
}

/** A list of changes as a timeline (tests, and small derived lists). */
export function changesView(changes: readonly Change[]): TimelineView {
  return {
    length: changes.length,
    atOf: (i) => changes[i]!.at,
    stateOf: (i) => changes[i]!.state,
    reasonOf: (i) => changes[i]!.reason,
  };
}

/** The change at `i` as an object. */
export const changeAt = (tl: TimelineView, i: number): Change => ({ at: tl.atOf(i), state: tl.stateOf(i), reason: tl.reasonOf(i) });

/**
 * An agent's day of state changes as a one-byte string, about 4 bytes a change (a packed number
 * would take 8, an object 40+): the time since the previous change in ms as a zigzag varint (7
 * bits a char), then one char holding the state (3 bits) and the reason's slot (5 bits; 31 means
 * the slot follows as a varint). The first change's time is counted from 2000-01-01. Appending
 * needs the previous change's time, which the fold keeps beside the string.
 */
const ORIGIN = Date.UTC(2000, 0, 1);
const ESCAPE = 31;

function varint(v: number): string {
  let s = '';
  while (v >= 128) { s += String.fromCharCode(128 + (v % 128)); v = Math.floor(v / 128); }
  return s + String.fromCharCode(v);
}
const zigzag = (d: number) => (d >= 0 ? 2 * d : -2 * d - 1);
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

export class TimelineCodec {
  private readonly slots = new Map<string, number>();
  private readonly reasons: string[] = [''];

  /** The encoding of a change at `at` after one at `prevAt` (NaN: the first change). */
  encode(prevAt: number, at: number, state: number, reason: string | null): string {
    const slot = reason === null ? 0 : this.slotOf(reason);
    const head = varint(zigzag(at - (Number.isNaN(prevAt) ? ORIGIN : prevAt)));
    return slot < ESCAPE ? head + String.fromCharCode(state + 8 * slot) : head + String.fromCharCode(state + 8 * ESCAPE) + varint(slot);
  }

  /** A view of a timeline, decoded on first use (into arrays, for random access). */
  view(encoded: string): DecodedTimeline { return new DecodedTimeline(this.reasons, encoded); }

  /**
   * Drops changes before `from` within the first `prefix` chars, keeping the one in force at
   * `from` (re-encoded as the first). Returns the new string and how much shorter it is, or null
   * when nothing goes. Reads only the changes it drops.
   */
  trim(encoded: string, prefix: number, from: number): { text: string; removed: number } | null {
    const r = new Reader(encoded);
    if (!r.next()) return null;
    let keep = { at: r.at, code: r.code, end: r.pos };
    let dropped = 0;
    while (r.next() && r.at <= from && r.pos <= prefix) { keep = { at: r.at, code: r.code, end: r.pos }; dropped++; }
    if (dropped === 0) return null;
    const slot = Math.floor(keep.code / 8);
    const text = this.encode(Number.NaN, keep.at, keep.code % 8, slot === 0 ? null : this.reasons[slot]!) + encoded.slice(keep.end);
    return { text, removed: encoded.length - text.length };
  }

  private slotOf(reason: string): number {
    let slot = this.slots.get(reason);
    if (slot === undefined) { slot = this.reasons.length; this.reasons.push(reason); this.slots.set(reason, slot); }
    return slot;
  }

  toJSON(): string[] { return this.reasons.slice(1); }

  static from(reasons: readonly string[]): TimelineCodec {
    const c = new TimelineCodec();
    for (const r of reasons) c.slotOf(r);
    return c;
  }
}

/** Reads an encoded timeline change by change: `at`, `code` (state + 8 · slot), and `pos` after it. */
class Reader {
  at = ORIGIN;
  code = 0;
  pos = 0;
  constructor(private readonly s: string) {}

  next(): boolean {
    if (this.pos >= this.s.length) return false;
    this.at += unzigzag(this.varint());
    const sc = this.s.charCodeAt(this.pos++);
    const slot = Math.floor(sc / 8) === ESCAPE ? this.varint() : Math.floor(sc / 8);
    this.code = (sc % 8) + 8 * slot;
    return true;
  }

  private varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const c = this.s.charCodeAt(this.pos++);
      v += (c % 128) * scale;
      if (c < 128) return v;
      scale *= 128;
    }
  }
}

export class DecodedTimeline implements TimelineView {
  private ats: number[] | null = null;
  private codes: number[] = [];
  constructor(private readonly reasons: readonly string[], private readonly encoded: string) {}

  private decoded(): number[] {
    if (this.ats) return this.ats;
    const ats: number[] = [];
    const r = new Reader(this.encoded);
    while (r.next()) { ats.push(r.at); this.codes.push(r.code); }
    return (this.ats = ats);
  }

  get length(): number { return this.decoded().length; }
  atOf(i: number): number { return this.decoded()[i]!; }
  stateOf(i: number): AgentState { this.decoded(); return STATES[this.codes[i]! % 8]!; }
  reasonOf(i: number): string | null {
    this.decoded();
    const slot = Math.floor(this.codes[i]! / 8);
    return slot === 0 ? null : this.reasons[slot]!;
  }
}
