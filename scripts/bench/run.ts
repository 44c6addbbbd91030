/**
 * `npm run bench`: the SPEC §8 performance figures, each beside a baseline measured in the same
 * run. The load generator (this process, with the socket.io clients) and the measured server
 * (a forked child) each get one core. Prints a table and writes bench/results.json.
 * BENCH_QUICK=1 shortens every window (for a smoke run; figures are then noisier).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { median, pin, round, stealMeter } from './harness.ts';
import { engineMemory, ingestAll, latency, scaling, type GeneratorLoad } from './phases.ts';

const quick = process.env.BENCH_QUICK === '1';
const T = (ms: number) => (quick ? Math.max(1000, Math.round(ms / 4)) : ms);
const started = performance.now();
const pinned = pin(process.pid, 0);
const say = (s: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${s}`);

const LAT = { agents: 2000, rate: 1000, clients: 500, warmMs: T(5000), measureMs: T(20_000) };
// The p99 of one latency run moves by 1.5× between runs on a shared VM, so the latency pair
// (floorboard, then the bare server) is run LAT_ROUNDS times; the headline is the round with the
// median floorboard p99, and every round is reported.
const LAT_ROUNDS = quick ? 1 : 3;
// What the hypervisor took from this VM during each phase: stalls of the server's vCPU make the
// latency tail (and cut throughput) whatever the server does; the output shows it beside the figures.
const steal: Record<string, number | null> = {};
let stolen: () => number | null;
const rounds: { fb: Awaited<ReturnType<typeof latency>>; bare: Awaited<ReturnType<typeof latency>>; steal: number | null; bareSteal: number | null }[] = [];
for (let r = 1; r <= LAT_ROUNDS; r++) {
  say(`latency ${r}/${LAT_ROUNDS}: floorboard, ${LAT.agents} agents, ${LAT.rate} events/s, ${LAT.clients} clients`);
  stolen = stealMeter();
  const fbRun = await latency('floorboard', LAT);
  const fbSteal = stolen();
  say(`latency ${r}/${LAT_ROUNDS}: bare socket.io broadcast, same clients and payload rule`);
  stolen = stealMeter();
  const bareRun = await latency('bare-io', LAT);
  rounds.push({ fb: fbRun, bare: bareRun, steal: fbSteal, bareSteal: stolen() });
}
const headline = [...rounds].sort((x, y) => x.fb.p99Ms - y.fb.p99Ms)[Math.floor((rounds.length - 1) / 2)]!;
const { fb, bare } = headline;
steal.latency = headline.steal;
steal.bareLatency = headline.bareSteal;

const SCALE = { rate: 1000, clients: 20, warmMs: T(4000), measureMs: T(12_000) };
stolen = stealMeter();
say('scaling: 2,000 agents');
const s2k = await scaling(2000, SCALE);
say('scaling: 20,000 agents');
const s20k = await scaling(20_000, SCALE);

steal.scaling = stolen();
say('ingest: memory log, parse-only express, parse and validate, Redis log, pipelined XADD');
stolen = stealMeter();
const ing = await ingestAll({ agents: 2000, batch: 2000, poolEvents: quick ? 400_000 : 1_600_000, durationMs: T(8000), concurrency: 4 });

steal.ingest = stolen();
say('memory: engine + projector state per agent');
const mem = await engineMemory(10_000, [5, 20]);
const memAt = mem.stages[mem.stages.length - 1]!;

const ratio = (a: number, b: number) => round(a / b, 2);
const results = {
  machine: {
    cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memGb: round(totalmem() / 2 ** 30, 1),
    node: process.version, platform: `${process.platform} ${process.arch}`, pinnedOneCoreEach: pinned,
    quick, date: new Date().toISOString(),
    /** % of all CPU time stolen by the hypervisor during each phase (/proc/stat; null off Linux). */
    stealPct: steal,
  },
  latency: {
    p50Ms: fb.p50Ms, p99Ms: fb.p99Ms, baselineP50Ms: bare.p50Ms, baselineP99Ms: bare.p99Ms,
    agents: LAT.agents, eventsPerSec: fb.eventsPerSec, clients: LAT.clients,
    p99Ratio: ratio(fb.p99Ms, bare.p99Ms), p50Ratio: ratio(fb.p50Ms, bare.p50Ms),
    maxMs: fb.maxMs, samples: fb.samples, baselineSamples: bare.samples, eventsFailed: fb.eventsFailed,
    serverCpuPct: fb.serverCpuPct, baselineServerCpuPct: bare.serverCpuPct,
    generatorCpuPct: fb.generator.cpuPct, generatorLoopDelayP99Ms: fb.generator.loopDelayP99Ms,
    baselineGeneratorCpuPct: bare.generator.cpuPct, generatorLimited: fb.generator.limited || bare.generator.limited,
    maxFramesPerSecPerScreen: fb.maxFramesPerSecPerScreen, frameBytesMedian: fb.frameBytesMedian, baselineFrameBytesMedian: bare.frameBytesMedian,
    generatorLoopDelayP99MsBare: bare.generator.loopDelayP99Ms,
    /** Every latency round (the headline figures are the round with the median floorboard p99). */
    rounds: rounds.map((x) => ({
      p50Ms: x.fb.p50Ms, p99Ms: x.fb.p99Ms, baselineP50Ms: x.bare.p50Ms, baselineP99Ms: x.bare.p99Ms, p99Ratio: ratio(x.fb.p99Ms, x.bare.p99Ms),
      stealPct: x.steal, baselineStealPct: x.bareSteal, generatorLimited: x.fb.generator.limited || x.bare.generator.limited,
    })),
    /** The few socket.io-client screens alone (full decode of every frame), beside all screens. */
    realClients: fb.realClients, baselineRealClients: bare.realClients,
    /** How late the generator itself sent the events (already inside the latency figures). */
    sendLag: fb.sendLag, baselineSendLag: bare.sendLag,
    /** scheduled time → frame stamp (ingest, fold, frame wait), frame stamp → arrival (fan-out, delivery). */
    parts: fb.parts, baselineParts: bare.parts,
    seqGaps: fb.seqGaps + bare.seqGaps,
  },
  ingest: {
    memoryEventsPerSec: ing.memory.eventsPerSec, memoryBaselineEventsPerSec: ing.parse.eventsPerSec,
    redisEventsPerSec: ing.redis.eventsPerSec, redisBaselineEventsPerSec: ing.xadd.eventsPerSec,
    memoryRatio: ratio(ing.memory.eventsPerSec, ing.parse.eventsPerSec), redisRatio: ratio(ing.redis.eventsPerSec, ing.xadd.eventsPerSec),
    /** Parse and schema-check only (no log, no fold): the most a server that validates every event can reach, as a share of parse-only. */
    validateOnlyEventsPerSec: ing.validate.eventsPerSec, validateOnlyRatio: ratio(ing.validate.eventsPerSec, ing.parse.eventsPerSec),
    memoryServerCpuPct: ing.memory.serverCpuPct, redisServerCpuPct: ing.redis.serverCpuPct,
    generatorCpuPct: { memory: ing.memory.generator.cpuPct, parse: ing.parse.generator.cpuPct, validate: ing.validate.generator.cpuPct, redis: ing.redis.generator.cpuPct },
    generatorLimited: ing.memory.generator.limited || ing.parse.generator.limited || ing.validate.generator.limited || ing.redis.generator.limited,
    poolExhausted: ing.memory.exhausted || ing.redis.exhausted,
  },
  scaling: {
    cpuPerEvent2k: s2k.cpuPerEventUs, cpuPerEvent20k: s20k.cpuPerEventUs, unit: 'µs of server CPU per event',
    ratio: ratio(s20k.cpuPerEventUs, s2k.cpuPerEventUs), eventsPerSec: SCALE.rate, clients: SCALE.clients,
    generatorCpuPct: { '2k': s2k.generator.cpuPct, '20k': s20k.generator.cpuPct },
  },
  memory: {
    bytesPerAgent: memAt.bytesPerAgent, bytesPerClient: fb.bytesPerClient,
    agentsMeasured: mem.agents, eventsPerAgent: memAt.eventsPerAgent, callsPerAgent: memAt.calls,
    stages: mem.stages,
    /** What a roster (one shift per agent for today) adds, beside the state figure above. */
    rosterBytesPerAgentDay: mem.rosterBytesPerAgent,
  },
  wire: {
    deltaBytesMedian: median(fb.singleChangeDeltaBytes ?? []), snapshotBytes: fb.snapshotBytes,
    singleChangeSamples: fb.singleChangeDeltaBytes?.length ?? 0, snapshotAgents: LAT.agents,
    maxFramesPerSecPerScreen: fb.maxFramesPerSecPerScreen,
  },
  durationSec: Math.round((performance.now() - started) / 1000),
};

const out = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
mkdirSync(fileURLToPath(new URL('../../bench/', import.meta.url)), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

const ok = (pass: boolean) => (pass ? 'ok  ' : 'MISS');
const gen = (g: GeneratorLoad) => `${g.cpuPct}%${g.limited ? ' LIMIT' : ''}`;
const rows: [string, string, string, string, string][] = [
  ['event→screen p99', `${fb.p99Ms} ms`, `${bare.p99Ms} ms bare`, `${results.latency.p99Ratio}×`, ok(fb.p99Ms <= 80 && fb.p99Ms <= 2 * bare.p99Ms) + ' ≤80 ms, ≤2×'],
  ['event→screen p50', `${fb.p50Ms} ms`, `${bare.p50Ms} ms bare`, `${results.latency.p50Ratio}×`, ''],
  ['ingest memory', `${ing.memory.eventsPerSec}/s`, `${ing.parse.eventsPerSec}/s parse`, `${results.ingest.memoryRatio}×`, ok(ing.memory.eventsPerSec >= 100_000 && results.ingest.memoryRatio >= 0.4) + ' ≥100k/s, ≥0.4×'],
  ['  parse + validate only', `${ing.validate.eventsPerSec}/s`, `${ing.parse.eventsPerSec}/s parse`, `${results.ingest.validateOnlyRatio}×`, 'ceiling: no log, no fold'],
  ['ingest Redis', `${ing.redis.eventsPerSec}/s`, `${ing.xadd.eventsPerSec}/s XADD`, `${results.ingest.redisRatio}×`, ok(ing.redis.eventsPerSec >= 30_000) + ' ≥30k/s'],
  ['CPU/event 20k vs 2k', `${s20k.cpuPerEventUs} µs`, `${s2k.cpuPerEventUs} µs 2k`, `${results.scaling.ratio}×`, ok(results.scaling.ratio <= 1.3) + ' ≤1.3×'],
  ['heap per agent', `${memAt.bytesPerAgent} B`, `${memAt.calls} calls/agent`, '', ok(memAt.bytesPerAgent <= 2048) + ' ≤2 KB'],
  ['roster per agent-day', `${mem.rosterBytesPerAgent} B`, 'one shift each', '', ''],
  ['heap per client', `${fb.bytesPerClient} B`, `${LAT.clients} clients`, '', ok(fb.bytesPerClient <= 20_480) + ' ≤20 KB'],
  ['delta, 1 change (median)', `${results.wire.deltaBytesMedian} B`, `${results.wire.singleChangeSamples} samples`, '', ok(results.wire.deltaBytesMedian <= 300) + ' ≤300 B'],
  ['snapshot', `${fb.snapshotBytes} B`, `${LAT.agents} agents`, '', ''],
  ['frames/s per screen (max)', `${fb.maxFramesPerSecPerScreen}`, '', '', ok(fb.maxFramesPerSecPerScreen <= 20) + ' ≤20'],
];
const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i]!.length), 8));
console.log('');
for (const r of [['measure', 'floorboard', 'baseline', 'ratio', 'bar'] as const, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
console.log('');
console.log(`generator CPU (one core): latency ${gen(fb.generator)} (bare ${gen(bare.generator)}), scaling ${gen(s2k.generator)} / ${gen(s20k.generator)}, ingest ${gen(ing.memory.generator)} / parse ${gen(ing.parse.generator)} / validate ${gen(ing.validate.generator)} / redis ${gen(ing.redis.generator)}`);
if (results.latency.generatorLimited || results.ingest.generatorLimited) console.log('NOTE: the load generator, not the server, was the limit in at least one phase marked LIMIT; those figures understate the server.');
if (results.ingest.poolExhausted) console.log('NOTE: the ingest body pool ran out before the window ended; the ingest figure is a lower bound.');
const pct = (v: number | null | undefined) => (v == null ? 'n/a' : `${v}%`);
console.log(`hypervisor steal (both cores): latency ${pct(steal.latency)} (bare ${pct(steal.bareLatency)}), scaling ${pct(steal.scaling)}, ingest ${pct(steal.ingest)}`);
if (Object.values(steal).some((v) => v !== null && v !== undefined && v > 3)) console.log('NOTE: the VM lost more than 3 % of its CPU time to other guests in some phase; its stalls inflate latency tails and cut throughput (compare ratios, not absolute figures).');
console.log(`server CPU: latency ${fb.serverCpuPct}% (bare ${bare.serverCpuPct}%), ingest memory ${ing.memory.serverCpuPct}%, redis ${ing.redis.serverCpuPct}%`);
const parts = (r: typeof fb) => `to frame p50/p99 ${r.parts.toFrameP50Ms}/${r.parts.toFrameP99Ms} ms, frame → screen ${r.parts.deliveryP50Ms}/${r.parts.deliveryP99Ms} ms, generator send lag ${r.sendLag.p50Ms}/${r.sendLag.p99Ms} ms, loop delay p99 ${r.generator.loopDelayP99Ms} ms; socket.io-client screens p50/p99 ${r.realClients.p50Ms}/${r.realClients.p99Ms} ms`;
if (rounds.length > 1) {
  console.log(`latency rounds (floorboard / bare p99, steal): ${results.latency.rounds.map((x, i) => `${i + 1}: ${x.p99Ms} / ${x.baselineP99Ms} ms = ${x.p99Ratio}× (${pct(x.stealPct)} / ${pct(x.baselineStealPct)})${x.generatorLimited ? ' LIMIT' : ''}`).join('; ')}; headline = the median floorboard p99`);
}
console.log(`latency parts: floorboard ${parts(fb)}`);
console.log(`               bare       ${parts(bare)}`);
if (results.latency.seqGaps > 0) console.log(`NOTE: ${results.latency.seqGaps} deltas arrived out of sequence on some screen (a screen would resync).`);
console.log(`wrote ${out} in ${results.durationSec} s${pinned ? '' : ' (taskset missing: processes not pinned)'}`);
process.exit(0);
