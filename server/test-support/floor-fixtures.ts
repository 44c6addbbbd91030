/**
 * Shared by the scale-out and durability tests: a realistic event history (the simulator's floor
 * model), a shuffled and duplicated delivery of it, a producer that retries unacknowledged
 * batches, and snapshot comparison.
 */
import type { EventInput } from '../../shared/events.ts';
import type { Snapshot } from '../../shared/snapshot.ts';
import { DateTime } from 'luxon';
import { FloorModel } from '../simulator/floor-model.ts';
import { mulberry32 } from '../simulator/prng.ts';
import { postEvents } from './test-app.ts';

/** The simulator's events of the `hours` before `endMs` (ascending ts). */
export function simEvents(endMs: number, hours: number, seed = 7, tz?: string): EventInput[] {
  const model = new FloorModel({ startMs: endMs - hours * 3600_000, seed, ...(tz ? { tz } : {}) });
  return model.advanceTo(endMs);
}

/**
 * Every event once, a `dupRate` share of them twice, in an order shuffled within windows of
 * `window` events (events of one call or agent arrive out of order and more than once).
 */
export function shuffledWithDuplicates<T>(events: readonly T[], seed: number, dupRate = 0.2, window = 200): T[] {
  const r = mulberry32(seed); // seeded, so a failing order can be replayed
  const out: T[] = [];
  for (let i = 0; i < events.length; i += window) {
    const chunk = events.slice(i, i + window);
    for (const e of chunk) if (r() < dupRate) chunk.push(e);
    for (let j = chunk.length - 1; j > 0; j--) {
      const k = Math.floor(r() * (j + 1));
      [chunk[j], chunk[k]] = [chunk[k]!, chunk[j]!];
    }
    out.push(...chunk);
  }
  return out;
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface SendStats { attempts: number; refused: number; unavailable: { status: number; retryAfter: string | null; ms: number }[] }

/**
 * Posts one batch until it is acknowledged (202), as a well-behaved producer does: a refused
 * connection, a reset or a 503 means "not acknowledged", so the same batch (same ids) goes again.
 * `url()` is asked before every attempt (a restarted server may be elsewhere).
 */
export async function sendUntilAcked(url: () => string, batch: readonly unknown[], stats: SendStats, giveUpMs = 60_000): Promise<{ accepted: number; duplicates: number }> {
  const t0 = Date.now();
  for (;;) {
    stats.attempts++;
    const started = performance.now();
    try {
      const res = await fetch(`${url()}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${INGEST_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(10_000),
      });
      const body = await res.json().catch(() => null) as { accepted: number; duplicates: number } | null;
      if (res.status === 202 && body) return body;
      if (res.status !== 503) throw new Error(`unexpected ${res.status}: ${JSON.stringify(body)}`);
      stats.unavailable.push({ status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - started });
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('unexpected')) throw err;
      stats.refused++;
    }
    if (Date.now() - t0 > giveUpMs) throw new Error('batch not acknowledged in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const INGEST_KEY = 'ingest-key-0123456789';

/** A snapshot without what legitimately differs between replicas (each numbers its own deltas). */
export function comparable(s: Snapshot): Omit<Snapshot, 'seq'> {
  const { seq: _seq, ...rest } = s;
  return rest;
}

/** Counts that must match a reference whatever the clock: every event counted once. */
export function counts(s: Snapshot) {
  return {
    totals: { offered: s.totals.offered, answered: s.totals.answered, abandoned: s.totals.abandoned },
    queues: s.queues.map((q) => ({ id: q.id, offered: q.offered, answered: q.answered, abandoned: q.abandoned, waiting: q.waiting })),
    agents: s.agents.map((a) => ({ id: a.id, teamId: a.teamId, state: a.state, handled: a.handled })),
  };
}

export { postEvents };

/** A time zone where it is day time now, so "today's" counts of a real-clock run are not split by midnight. */
export function daytimeZone(now = Date.now()): string {
  const zones = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Auckland', 'UTC'];
  return zones.find((tz) => { const h = DateTime.fromMillis(now, { zone: tz }).hour; return h >= 9 && h <= 19; }) ?? 'UTC';
}
