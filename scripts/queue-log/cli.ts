import { parseArgs } from 'node:util';
import { FatalSendError, runTailer, type TailSummary, type TailerOptions } from './tailer.ts';
import { formatProgress } from './progress.ts';

export const USAGE = `Usage: npx tsx scripts/queue-log.ts <queue_log file> --url <server> --key <ingest key> [options]

Sends an Asterisk queue_log to Floorboard (POST /api/v1/ingest/asterisk-queue-log).

  --url <url>          server base URL (or env FLOORBOARD_URL), e.g. http://localhost:3000
  --key <key>          ingest key (or env FLOORBOARD_INGEST_KEY, which keeps it out of 'ps')
  --follow, -f         keep following the file like 'tail -F' (rotation, truncation) until Ctrl-C
  --state-file <path>  where the acknowledged byte offset is kept
                       (follow: default <file>.floorboard-offset; replay: none unless given)
  --batch <n>          lines per request (default 500)
  --quiet, -q          no progress bar
  --help, -h           this text

Replay (no --follow) reads the file from the start (or from --state-file) to its end once.
Events get ids derived from their lines, so sending the same lines again counts nothing twice.`;

export interface CliArgs {
  file: string;
  url: string;
  key: string;
  follow: boolean;
  stateFile: string | null;
  batch: number;
  quiet: boolean;
}

/** Parses argv (without node and script); returns an error message for bad usage. */
export function parseCliArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): CliArgs | { help: true } | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        follow: { type: 'boolean', short: 'f' },
        'state-file': { type: 'string' },
        batch: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return { error: (e as Error).message };
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  if (parsed.positionals.length !== 1) return { error: 'give exactly one queue_log file' };
  const file = parsed.positionals[0]!;
  const url = v.url ?? env.FLOORBOARD_URL;
  const key = v.key ?? env.FLOORBOARD_INGEST_KEY;
  if (!url) return { error: '--url is required' };
  try {
    new URL(url);
  } catch {
    return { error: `--url ${url} is not a URL` };
  }
  if (!key) return { error: '--key is required' };
  const batch = v.batch === undefined ? 500 : Number(v.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 50_000) return { error: '--batch must be an integer from 1 to 50000' };
  const follow = v.follow ?? false;
  const stateFile = v['state-file'] ?? (follow ? `${file}.floorboard-offset` : null);
  return { file, url, key, follow, stateFile, batch, quiet: v.quiet ?? false };
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], env: Record<string, string | undefined>, io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<number> {
  const args = parseCliArgs(argv, env);
  if ('help' in args) { io.stdout.write(`${USAGE}\n`); return 0; }
  if ('error' in args) { io.stderr.write(`queue-log: ${args.error}\n\n${USAGE}\n`); return 2; }

  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const tty = io.stderr.isTTY === true && !args.quiet;
  const started = Date.now();
  let lastDraw = 0;
  let barShown = false;
  const clearBar = () => { if (barShown) { io.stderr.write('\r\x1b[K'); barShown = false; } };
  const say = (msg: string) => { clearBar(); io.stderr.write(`${msg}\n`); };

  const options: TailerOptions = {
    file: args.file,
    url: args.url,
    key: args.key,
    follow: args.follow,
    stateFile: args.stateFile,
    batchLines: args.batch,
    signal: controller.signal,
    onNotice: (m) => say(`queue-log: ${m}`),
    onRetry: (r) => say(`queue-log: ${r.error}; retrying in ${(r.delayMs / 1000).toFixed(1)} s (attempt ${r.attempt})`),
    onRejected: (r) => say(`queue-log: rejected ${r.line !== null ? `line ${r.line}` : `the line at byte ${r.offset}`}: ${r.reason}`),
    onProgress: (p) => {
      if (!tty) return;
      const now = Date.now();
      if (now - lastDraw < 100 && p.offset < p.size) return;
      lastDraw = now;
      io.stderr.write(`\r\x1b[K${formatProgress({ done: p.offset, total: p.size, lines: p.lines, elapsedMs: now - started })}`);
      barShown = true;
    },
  };

  let summary: TailSummary;
  try {
    summary = await runTailer(options);
  } catch (e) {
    clearBar();
    io.stderr.write(`queue-log: ${e instanceof FatalSendError ? e.message : (e as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  clearBar();
  const secs = (Date.now() - started) / 1000;
  io.stdout.write(formatSummary(summary, secs));
  return 0;
}

export function formatSummary(s: TailSummary, secs: number): string {
  return [
    `lines       ${s.lines}`,
    `accepted    ${s.accepted}`,
    `duplicates  ${s.duplicates}`,
    `ignored     ${s.ignored}`,
    `rejected    ${s.rejected}`,
    `requests    ${s.batches} (${s.retries} retries) in ${secs.toFixed(1)} s`,
    '',
  ].join('\n');
}
