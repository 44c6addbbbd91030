/** Messages between run.ts (load generator) and server-child.ts (measured side). */

export const BENCH_SECRETS = { adminPassword: 'bench-admin-password', ingestKey: 'bench-ingest-key-0123456789', displayToken: 'bench-display-token-0123456789' };

export type ChildRequest =
  | { cmd: 'cpu' }
  | { cmd: 'heap' }
  | { cmd: 'xadd'; url: string; durationMs: number; batch: number; concurrency: number }
  | { cmd: 'engine-mem'; agents: number; stages: number[] }
  | { cmd: 'stop' };

/** Engine + projector memory after some call cycles per agent. */
export interface EngineMemoryStage { calls: number; eventsPerAgent: number; bytesPerAgent: number }

export interface CpuUsage { user: number; system: number }

export type ChildReply =
  | { cmd: 'ready'; port: number; pid: number }
  | { cmd: 'cpu'; cpu: CpuUsage; heapUsed: number }
  | { cmd: 'heap'; heapUsed: number }
  | { cmd: 'xadd'; events: number; ms: number }
  | { cmd: 'engine-mem'; agents: number; stages: EngineMemoryStage[]; rosterBytesPerAgent: number }
  | { cmd: 'error'; message: string };
