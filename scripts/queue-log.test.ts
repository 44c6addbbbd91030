import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestService } from '../server/ingest/ingest-service.ts';
import { createAsteriskRouter } from '../server/ingest/asterisk/router.ts';
import { MemoryLog } from '../server/store/memory-log.ts';
import { parseCliArgs } from './queue-log/cli.ts';
import { formatProgress } from './queue-log/progress.ts';
import { FatalSendError, runTailer, type TailerOptions, type TailState, type TailSummary } from './queue-log/tailer.ts';

const KEY = 'test-ingest-key';

/** A real HTTP server with the real router over a MemoryLog; can answer 503 or go away entirely. */
class TestServer {
  readonly log = new MemoryLog();
  /** Lines of every request the server acknowledged (202), in order. */
  readonly acked: string[] = [];
  mode: 'ok' | '503' = 'ok';
  requests = 0;
  port = 0;
  private server: Server | null = null;
  private readonly handler: express.Express;

  constructor() {
    const app = express();
    app.use((req, res, next) => {
      this.requests++;
      if (req.headers.authorization !== `Bearer ${KEY}`) { res.status(401).json({ error: { code: 'unauthorized', message: 'bad ingest key' } }); return; }
      if (this.mode === '503') { res.status(503).set('Retry-After', '1').json({ error: { code: 'store_unavailable', message: 'down for the test' } }); return; }
      res.on('finish', () => {
        if (res.statusCode === 202 && typeof req.body === 'string') this.acked.push(...req.body.split('\n').map((l) => l.trim()).filter((l) => l !== ''));
      });
      next();
    });
    app.use(createAsteriskRouter({ ingest: new IngestService(this.log) }));
    this.handler = app;
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  async start(): Promise<void> {
    const server = createServer(this.handler);
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }

  async storedIds(): Promise<string[]> {
    return (await this.log.readAfter('0-0', 1_000_000)).map((e) => e.event.id);
  }
}

/** One ENTERQUEUE line per n: every line gives one distinct event. */
const line = (n: number) => `${1763856000 + n}|${1763856000 + n}.${n}|support|NONE|ENTERQUEUE||1|1`;
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${line(from + i)}\n`).join('');

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
let server: TestServer;
let file: string;
let stateFile: string;
const running: { controller: AbortController; done: Promise<TailSummary> }[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'queue-log-'));
  file = join(dir, 'queue_log');
  stateFile = join(dir, 'queue_log.floorboard-offset');
  server = new TestServer();
  await server.start();
});
afterEach(async () => {
  for (const r of running.splice(0)) { r.controller.abort(); await r.done.catch(() => undefined); }
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

function options(extra: Partial<TailerOptions> = {}): TailerOptions {
  return { file, url: server.url, key: KEY, follow: true, stateFile, batchLines: 7, pollMs: 10, minBackoffMs: 10, maxBackoffMs: 200, ...extra };
}

function follow(extra: Partial<TailerOptions> = {}) {
  const controller = new AbortController();
  const done = runTailer(options({ signal: controller.signal, ...extra }));
  const handle = { controller, done, stop: async () => { controller.abort(); return done; } };
  running.push(handle);
  return handle;
}

/** Every line acknowledged exactly once, and exactly the lines expected. */
function expectEachOnce(acked: string[], expected: number[]) {
  expect(acked).toEqual(expected.map(line));
}

describe('replay', () => {
  it('sends the whole file in batches, reports progress, and stores every event once', async () => {
    await writeFile(file, lines(0, 100));
    const progress: number[] = [];
    const summary = await runTailer(options({ follow: false, stateFile: null, onProgress: (p) => progress.push(p.offset) }));
    expect(summary).toMatchObject({ lines: 100, accepted: 100, duplicates: 0, ignored: 0, rejected: 0, batches: 15, retries: 0 });
    expect(progress.at(-1)).toBe((await stat(file)).size);
    expect(await server.storedIds()).toHaveLength(100);

    // Replaying again counts everything as duplicates.
    const again = await runTailer(options({ follow: false, stateFile: null }));
    expect(again).toMatchObject({ lines: 100, accepted: 0, duplicates: 100 });
  });

  it('reports rejected lines with their line numbers and sends a last line without newline', async () => {
    await writeFile(file, `${line(0)}\nnot a queue_log line\n\n${line(1)}\n${line(2)}`);
    const rejected: unknown[] = [];
    const summary = await runTailer(options({ follow: false, stateFile: null, batchLines: 2, onRejected: (r) => rejected.push(r) }));
    expect(summary).toMatchObject({ lines: 5, accepted: 3, rejected: 1 });
    expect(rejected).toEqual([{ file, line: 2, offset: line(0).length + 1, reason: expect.stringContaining('expected at least 5 fields') }]);
  });

  it('stops at once on an answer a retry cannot fix (wrong key)', async () => {
    await writeFile(file, lines(0, 3));
    await expect(runTailer(options({ follow: false, stateFile: null, key: 'wrong' }))).rejects.toThrow(FatalSendError);
    expect(server.requests).toBe(1);
  });
});

describe('follow', () => {
  it('sends only complete lines, as they are written', async () => {
    await writeFile(file, lines(0, 3));
    follow();
    await waitFor('first lines', () => server.acked.length === 3);
    await appendFile(file, `${line(3)}\n${line(4).slice(0, 20)}`);
    await waitFor('line 3', () => server.acked.length === 4);
    await appendFile(file, `${line(4).slice(20)}\n`);
    await waitFor('line 4', () => server.acked.length === 5);
    expectEachOnce(server.acked, [0, 1, 2, 3, 4]);
  });

  it('follows rotation: finishes the renamed file, then reads the new one from the start', async () => {
    await writeFile(file, lines(0, 10));
    follow();
    await waitFor('first file', () => server.acked.length === 10);
    await rename(file, `${file}.1`);
    await appendFile(`${file}.1`, lines(10, 13)); // written before Asterisk reopened its log
    await writeFile(file, lines(13, 20));
    await waitFor('new file', () => server.acked.length === 20);
    expectEachOnce(server.acked, Array.from({ length: 20 }, (_, i) => i));
    const size = (await stat(file)).size;
    await waitFor('state saved', async () => (JSON.parse(await readFile(stateFile, 'utf8')) as TailState).offset === size);
    expect((JSON.parse(await readFile(stateFile, 'utf8')) as TailState).ino).toBe((await stat(file)).ino);
  });

  it('follows truncation: starts again at byte 0', async () => {
    await writeFile(file, lines(0, 10));
    follow();
    await waitFor('first lines', () => server.acked.length === 10);
    await truncate(file, 0);
    await waitFor('offset reset', async () => (JSON.parse(await readFile(stateFile, 'utf8')) as TailState).offset === 0);
    await appendFile(file, lines(10, 12));
    await waitFor('lines after truncation', () => server.acked.length === 12);
    expectEachOnce(server.acked, Array.from({ length: 12 }, (_, i) => i));
  });

  it('restarts from the saved offset: nothing lost, nothing sent twice', async () => {
    await writeFile(file, lines(0, 10));
    const first = follow();
    await waitFor('first lines', () => server.acked.length === 10);
    await first.stop();
    await appendFile(file, lines(10, 15));
    follow();
    await waitFor('lines written while stopped', () => server.acked.length === 15);
    expectEachOnce(server.acked, Array.from({ length: 15 }, (_, i) => i));
  });

  it('after a restart, finishes a file rotated while it was stopped, then the new one', async () => {
    await writeFile(file, lines(0, 5));
    const first = follow();
    await waitFor('first lines', () => server.acked.length === 5);
    await first.stop();
    await appendFile(file, lines(5, 8));
    await rename(file, `${file}.1`);
    await writeFile(file, lines(8, 10));
    follow();
    await waitFor('both files', () => server.acked.length === 10);
    expectEachOnce(server.acked, Array.from({ length: 10 }, (_, i) => i));
  });

  it('after a restart, notices a file truncated and rewritten past the saved offset', async () => {
    await writeFile(file, lines(0, 5));
    const first = follow();
    await waitFor('first lines', () => server.acked.length === 5);
    await first.stop();
    // copytruncate, then more lines than before: same inode, bigger than the saved offset
    await truncate(file, 0);
    await appendFile(file, lines(100, 110));
    const notices: string[] = [];
    follow({ onNotice: (m) => notices.push(m) });
    await waitFor('rewritten file', () => server.acked.length === 15);
    expectEachOnce(server.acked, [0, 1, 2, 3, 4, ...Array.from({ length: 10 }, (_, i) => 100 + i)]);
    expect(notices.join()).toMatch(/truncated or rewritten/);
  });

  it('retries through 503s and a server outage, then delivers every line exactly once', async () => {
    await writeFile(file, lines(0, 7));
    const retries: string[] = [];
    const tail = follow({ onRetry: (r) => retries.push(r.error) });
    await waitFor('first batch', () => server.acked.length === 7);

    server.mode = '503';
    await appendFile(file, lines(7, 20));
    await waitFor('a 503 retry', () => retries.some((e) => e.includes('503')));
    await server.stop(); // unreachable now
    await waitFor('a connection retry', () => retries.some((e) => !e.includes('503')));
    await appendFile(file, lines(20, 30));
    server.mode = 'ok';
    await server.start(); // same port
    await waitFor('everything', () => server.acked.length === 30);
    const summary = await tail.stop();
    expect(summary.retries).toBeGreaterThanOrEqual(2);
    expectEachOnce(server.acked, Array.from({ length: 30 }, (_, i) => i));
    expect(new Set(await server.storedIds()).size).toBe(30);
  });
});

describe('CLI', () => {
  it('parses arguments with defaults per mode', () => {
    expect(parseCliArgs(['q.log', '--url', 'http://x:3000', '--key', 'k'])).toEqual({ file: 'q.log', url: 'http://x:3000', key: 'k', follow: false, stateFile: null, batch: 500, quiet: false });
    expect(parseCliArgs(['q.log', '-f'], { FLOORBOARD_URL: 'http://x', FLOORBOARD_INGEST_KEY: 'k' })).toMatchObject({ follow: true, stateFile: 'q.log.floorboard-offset' });
    expect(parseCliArgs(['q.log', '--url', 'http://x', '--key', 'k', '--batch', '0'])).toEqual({ error: expect.stringContaining('--batch') });
    expect(parseCliArgs(['--url', 'http://x', '--key', 'k'])).toEqual({ error: 'give exactly one queue_log file' });
    expect(parseCliArgs(['q.log', '--url', 'http://x'])).toEqual({ error: '--key is required' });
  });

  it('formats the progress bar', () => {
    expect(formatProgress({ done: 5 * 1024 * 1024, total: 10 * 1024 * 1024, lines: 20_000, elapsedMs: 2_000 }, 10))
      .toBe('[#####-----]  50.0%  5.0 MB/10.0 MB  10,000 lines/s  ETA 0:02');
  });

  it('replays a file end to end and prints the summary', async () => {
    await writeFile(file, `${lines(0, 30)}1763856000|NONE|NONE|NONE|QUEUESTART|\nbroken line\n`);
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'scripts/queue-log.ts', file, '--url', server.url, '--key', KEY, '--batch', '8'], { cwd: join(import.meta.dirname, '..') });
    expect(stdout).toMatch(/lines\s+32\naccepted\s+30\nduplicates\s+0\nignored\s+1\nrejected\s+1\n/);
    expect(stderr).toContain('rejected line 32');
  });
});
