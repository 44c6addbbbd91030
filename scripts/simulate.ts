/**
 * Feeds a Floorboard server with a simulated contact-center floor through the public ingest API.
 *
 *   npm run simulate -- --url http://localhost:3000 --key <ingest key> [--seed 1] [--tz Asia/Shanghai] [--no-backfill]
 *
 * The key defaults to $INGEST_KEY and the time zone to $CENTER_TZ. Ctrl-C stops cleanly.
 */
import { parseArgs } from 'node:util';
import { IANAZone } from 'luxon';
import { startSimulator, type SimLogger } from '../server/simulator/run-simulator.ts';
import { DEFAULT_CENTER_TZ } from '../server/simulator/floor-model.ts';

const USAGE = 'usage: npm run simulate -- --url http://localhost:3000 --key <ingest key> [--seed 1] [--tz Asia/Shanghai] [--no-backfill]';

function fail(message: string): never {
  process.stderr.write(`simulate: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse() {
  return parseArgs({
    options: {
      url: { type: 'string', default: 'http://localhost:3000' },
      key: { type: 'string' },
      seed: { type: 'string', default: '1' },
      tz: { type: 'string' },
      'no-backfill': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

let args: ReturnType<typeof parse>;
try {
  args = parse();
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const key = args.key ?? process.env.INGEST_KEY;
if (!key) fail('an ingest key is required (--key or INGEST_KEY)');
const seed = Number(args.seed);
if (!Number.isInteger(seed) || seed < 0) fail(`--seed must be a non-negative integer, got ${args.seed}`);
let baseUrl: string;
try {
  baseUrl = new URL(args.url).toString();
} catch {
  fail(`--url is not a URL: ${args.url}`);
}
const tz = args.tz ?? process.env.CENTER_TZ ?? DEFAULT_CENTER_TZ;
if (!IANAZone.isValidZone(tz)) fail(`unknown time zone: ${tz}`);

const stamp = (): string => new Date().toISOString().slice(11, 19);
const logger: SimLogger = {
  info: (obj, msg) => process.stdout.write(`${stamp()} ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  warn: (obj, msg) => process.stderr.write(`${stamp()} WARN ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  error: (obj, msg) => process.stderr.write(`${stamp()} ERROR ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};

const sim = startSimulator({ baseUrl, ingestKey: key, tz, clock: () => Date.now(), logger, seed, backfill: !args['no-backfill'] });
process.stdout.write(`simulate: ${baseUrl} seed ${seed} tz ${tz}${args['no-backfill'] ? ' (no backfill)' : ''} — Ctrl-C to stop\n`);

const status = setInterval(() => {
  const s = sim.stats();
  const m = s.model;
  const floorTime = new Date(m.nowMs).toLocaleTimeString('en-GB', { timeZone: tz });
  process.stdout.write(
    `${stamp()} [${s.phase}] floor ${floorTime} | agents ${m.loggedIn} in, ${m.available} avail, ${m.onCall} on call, ${m.onBreak} break/away | ` +
      `waiting ${m.waiting} | offered ${m.offered} answered ${m.answered} abandoned ${m.abandoned} | sent ${s.eventsSent} ev in ${s.batchesSent} batches` +
      `${s.retries > 0 ? `, ${s.retries} retries` : ''}${s.lastError ? ` | last error: ${s.lastError.slice(0, 120)}` : ''}\n`,
  );
}, 5000);

let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) {
    process.stderr.write('simulate: forced exit\n');
    process.exit(130);
  }
  stopping = true;
  process.stdout.write(`\nsimulate: ${signal}, stopping…\n`);
  clearInterval(status);
  void sim.stop().then(() => {
    const s = sim.stats();
    process.stdout.write(`simulate: stopped after ${s.eventsSent} events in ${s.batchesSent} batches\n`);
    process.exit(0);
  });
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
