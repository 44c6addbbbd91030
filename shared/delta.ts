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
