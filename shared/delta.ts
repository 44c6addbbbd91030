import { z } from 'zod';
import {
  AgentRowSchema, AlertSchema, CenterInfoSchema, FloorSchema, QueueRowSchema, QueueStatsSchema, TeamRowSchema,
  type Snapshot,
} from './snapshot.ts';

/** Changes to a keyed collection: rows to merge (by `id`, changed fields only) and ids removed. */
function keyedChanges<T extends z.ZodObject>(row: T) {
  return z.object({ upsert: z.array(row.partial().extend({ id: z.string() })).optional(), remove: z.array(z.string()).optional() });
}

/**
 * `floor:delta`: what changed since `seq - 1`. A client whose last seq is not `seq - 1`
 * asks for a fresh snapshot instead of applying it.
 */
export const DeltaSchema = z.object({
  seq: z.number().int(),
  asOf: z.string(),
  today: z.string().optional(),
  /** Center settings that changed (the center configuration was edited). */
  center: CenterInfoSchema.partial().optional(),
  totals: QueueStatsSchema.partial().optional(),
  queues: keyedChanges(QueueRowSchema).optional(),
  agents: keyedChanges(AgentRowSchema).optional(),
  teams: keyedChanges(TeamRowSchema).optional(),
  floor: FloorSchema.partial().optional(),
  alerts: keyedChanges(AlertSchema).optional(),
});
export type Delta = z.infer<typeof DeltaSchema>;

type Keyed = { id: string };

function applyKeyed<R extends Keyed>(rows: R[], change: { upsert?: Partial<R>[]; remove?: string[] } | undefined): R[] {
  if (!change) return rows;
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of change.remove ?? []) byId.delete(id);
  for (const patch of change.upsert ?? []) {
    const id = patch.id as string;
    const prev = byId.get(id);
    byId.set(id, (prev ? { ...prev, ...patch } : patch) as R);
  }
  return [...byId.values()];
}

/** Pure: the snapshot after applying `delta`. Screens and tests use the same function. */
export function applyDelta(snapshot: Snapshot, delta: Delta): Snapshot {
  return {
    ...snapshot,
    seq: delta.seq,
    asOf: delta.asOf,
    center: delta.today || delta.center ? { ...snapshot.center, ...delta.center, ...(delta.today ? { today: delta.today } : {}) } : snapshot.center,
    totals: delta.totals ? { ...snapshot.totals, ...delta.totals } : snapshot.totals,
    queues: applyKeyed(snapshot.queues, delta.queues as never),
    agents: applyKeyed(snapshot.agents, delta.agents as never),
    teams: applyKeyed(snapshot.teams, delta.teams as never),
    floor: delta.floor ? { ...snapshot.floor, ...delta.floor } : snapshot.floor,
    alerts: applyKeyed(snapshot.alerts, delta.alerts as never),
  };
}

type KeyedChange = { upsert?: Keyed[]; remove?: string[] };

/** Keyed changes applied one after the other, as one change (replaying applyKeyed's order: removes, then upserts, of each). */
function mergeKeyed(changes: (KeyedChange | undefined)[]): KeyedChange | undefined {
  const present = changes.filter((c): c is KeyedChange => c !== undefined);
  if (present.length <= 1) return present[0];
  // Per id: removed (the row is dropped first) and the patch to upsert after that. The map's order
  // is the order in which applyKeyed (re-)adds rows: an id moves to the end when it is upserted
  // for the first time since it was removed (or at all).
  const ids = new Map<string, { removed: boolean; patch: Keyed | null }>();
  for (const change of present) {
    for (const id of change.remove ?? []) ids.set(id, { removed: true, patch: null });
    for (const p of change.upsert ?? []) {
      const cur = ids.get(p.id);
      if (cur?.patch) { cur.patch = { ...cur.patch, ...p }; continue; }
      ids.delete(p.id);
      ids.set(p.id, { removed: cur?.removed ?? false, patch: p });
    }
  }
  const upsert: Keyed[] = [];
  const remove: string[] = [];
  for (const [id, { removed, patch }] of ids) {
    if (removed) remove.push(id);
    if (patch) upsert.push(patch);
  }
  if (upsert.length === 0 && remove.length === 0) return undefined;
  return { ...(upsert.length ? { upsert } : {}), ...(remove.length ? { remove } : {}) };
}

/**
 * Pure: one delta that does what `deltas` do applied in order (it takes the last one's seq and
 * asOf). applyDelta(s, mergeDeltas([a, b, …])) equals applyDelta(applyDelta(s, a), b)… for every
 * snapshot s. Nothing given is modified; unchanged rows are shared with the inputs.
 */
export function mergeDeltas(deltas: readonly Delta[]): Delta {
  if (deltas.length === 0) throw new Error('mergeDeltas: nothing to merge');
  if (deltas.length === 1) return deltas[0]!;
  const last = deltas[deltas.length - 1]!;
  const out: Delta = { seq: last.seq, asOf: last.asOf };
  // applyDelta sets `today` after the center fields of the same delta: fold each delta's today
  // into the merged center in order, so that a later delta's center fields still win over it.
  let center: Delta['center'];
  let today: string | undefined;
  for (const d of deltas) {
    if (d.center) { center = { ...center, ...(today !== undefined ? { today } : {}), ...d.center }; today = undefined; }
    if (d.today) today = d.today;
  }
  if (center) out.center = center;
  if (today !== undefined) out.today = today;
  for (const k of ['totals', 'floor'] as const) {
    let merged: Record<string, unknown> | undefined;
    for (const d of deltas) if (d[k]) merged = { ...merged, ...d[k] };
    if (merged) (out as Record<string, unknown>)[k] = merged;
  }
  for (const k of ['queues', 'agents', 'teams', 'alerts'] as const) {
    const m = mergeKeyed(deltas.map((d) => d[k] as KeyedChange | undefined));
    if (m) (out as Record<string, unknown>)[k] = m;
  }
  return out;
}
