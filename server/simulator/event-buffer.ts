import type { EventInput } from '../../shared/events.ts';

/** An event body without the envelope the buffer adds (`id`, `ts`). */
export type EventBody = EventInput extends infer E ? (E extends unknown ? Omit<E, 'id' | 'ts'> : never) : never;

interface Pending { ts: number; seq: number; event: EventInput }

/**
 * Gives events their ids and releases them in timestamp order. A step of the model may emit a
 * follow-up a millisecond or two after the step's own time; such events are held back until
 * the model has advanced past them, so the concatenation of every release is sorted by
 * (ts, emission order) whatever the sizes of the steps.
 */
export class EventBuffer {
  private pending: Pending[] = [];
  private seq = 0;

  constructor(private readonly idPrefix: string) {}

  /** Number of events emitted so far (released or held). */
  get emitted(): number {
    return this.seq;
  }

  /** Events emitted but not yet released. */
  get held(): number {
    return this.pending.length;
  }

  emit(ts: number, body: EventBody): void {
    const seq = this.seq;
    this.seq += 1;
    const event = { id: `${this.idPrefix}-${seq.toString(36)}`, ts: Math.round(ts), ...body } as EventInput;
    this.pending.push({ ts: Math.round(ts), seq, event });
  }

  /** Every held event with ts ≤ `nowMs`, sorted by (ts, emission order). */
  release(nowMs: number): EventInput[] {
    if (this.pending.length === 0) return [];
    this.pending.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    let n = 0;
    while (n < this.pending.length && (this.pending[n] as Pending).ts <= nowMs) n += 1;
    const out = this.pending.slice(0, n).map((p) => p.event);
    this.pending = this.pending.slice(n);
    return out;
  }
}
