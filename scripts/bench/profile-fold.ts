/**
 * In-process hot path of ingest (validate → memory log → fold → delta), for `node --cpu-prof`:
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof scripts/bench/profile-fold.ts [agents] [events]
 */
import { pino } from 'pino';
import { FloorService } from '../../server/floor/floor-service.ts';
import { defaultEngineConfig } from '../../server/engine/engine-config.ts';
import { IngestService } from '../../server/ingest/ingest-service.ts';
import { MemoryLog } from '../../server/store/memory-log.ts';
import { ingestBodies } from './phases.ts';

const agents = Number(process.argv[2] ?? 2000);
const total = Number(process.argv[3] ?? 300_000);
const log = new MemoryLog();
const floor = new FloorService(log, { ...defaultEngineConfig(), staleWaitSec: 4 * 3600 }, Date.now, pino({ level: 'silent' }));
await floor.start();
const ingest = new IngestService(log);
// The ingest bench's bodies: the logins first, then 2,000-event batches.
const [logins, ...bodies] = ingestBodies(agents, total, 2000);
await ingest.ingest(JSON.parse(logins!) as unknown[]);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let deltas = 0;
for (const b of bodies) {
  await ingest.ingest(JSON.parse(b) as unknown[]);
  if (floor.projector.delta(Date.now())) deltas++;
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(`${agents} agents: ${Math.round(total / (ms / 1000))} events/s in-process, ${(((cpu.user + cpu.system) / total)).toFixed(1)} µs CPU/event (${deltas} deltas, ${Math.round(ms)} ms)`);
floor.stop();
