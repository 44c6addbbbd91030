import { open, readdir, readFile, rename, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const QUEUE_LOG_PATH = '/api/v1/ingest/asterisk-queue-log';

export interface TailerOptions {
  /** The queue_log file. */
  file: string;
  /** Server base URL, e.g. `http://localhost:3000`. */
  url: string;
  /** Ingest key (sent as `Authorization: Bearer <key>`). */
  key: string;
  /** Keep following the file (rotation, truncation) until `signal` aborts; else read to EOF once. */
  follow: boolean;
  /** Where the acknowledged byte offset is kept; null = nowhere (start at byte 0, remember nothing). */
  stateFile: string | null;
  /** Lines per request. Default 500. */
  batchLines?: number;
  /** Bytes per request at most (a longer single line still goes alone). Default 1 MiB. */
  maxBatchBytes?: number;
  /** How often the file is checked for growth/rotation in follow mode. Default 250 ms. */
  pollMs?: number;
  /** First retry delay; doubles up to `maxBackoffMs`. Defaults 250 ms and 10 s. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per-request timeout. Default 60 s. */
  requestTimeoutMs?: number;
  /** On stop, how long a request in flight may still finish (so its batch is not sent again). Default 5 s. */
  stopGraceMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  onProgress?: (p: TailProgress) => void;
  onRetry?: (r: { attempt: number; delayMs: number; error: string }) => void;
  onRejected?: (r: RejectedLine) => void;
  onNotice?: (message: string) => void;
}

export interface TailProgress {
  /** Acknowledged byte offset in the current file and its size. */
  offset: number;
  size: number;
  /** Since the start of this run. */
  bytesSent: number;
  lines: number;
}

/** A line the server rejected; `line` is its number in the file when known (the run started at byte 0). */
export interface RejectedLine { file: string; line: number | null; offset: number; reason: string }

export interface TailSummary {
  lines: number;
  bytes: number;
  batches: number;
  accepted: number;
  duplicates: number;
  ignored: number;
  rejected: number;
  retries: number;
}

/** What the state file holds: the acknowledged position in one incarnation (inode) of the file. */
export interface TailState {
  version: 1;
  file: string;
  dev: number;
  ino: number;
  offset: number;
  /** Base64 of up to 64 bytes before `offset`: detects a file truncated and rewritten past it. */
  tail: string;
}

interface Reply { accepted: number; duplicates: number; ignored: number; rejected: { line: number; reason: string }[] }

/** The server said something a retry will not fix (bad key, bad request). */
export class FatalSendError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'FatalSendError';
  }
}

class Stopped extends Error {}

const FINGERPRINT = 64;

/**
 * Sends a queue_log file to the Floorboard ingest endpoint, like `tail -F`: complete lines only,
 * in batches, one request at a time; a batch is retried (exponential backoff) until the server
 * acknowledges it, and only then is the offset saved — nothing is skipped, and after a crash at most
 * the last batch is sent again (its events keep their ids, so the server counts them as duplicates).
 * Follows rotation (rename + new file: the old one is read to its end first, also after a restart,
 * found by inode in the same directory) and truncation (restart at byte 0).
 */
export async function runTailer(opts: TailerOptions): Promise<TailSummary> {
  return new Tailer(opts).run();
}

class Tailer {
  private readonly o: Required<Pick<TailerOptions, 'batchLines' | 'maxBatchBytes' | 'pollMs' | 'minBackoffMs' | 'maxBackoffMs' | 'requestTimeoutMs' | 'stopGraceMs'>> & TailerOptions;
  private readonly path: string;
  private readonly endpoint: string;
  private readonly summary: TailSummary = { lines: 0, bytes: 0, batches: 0, accepted: 0, duplicates: 0, ignored: 0, rejected: 0, retries: 0 };

  // The file being read.
  private fh: FileHandle | null = null;
  private name = '';
  private dev = 0;
  private ino = 0;
  /** Acknowledged offset; `buf` holds the bytes read from there on. */
  private offset = 0;
  private buf = Buffer.alloc(0);
  /** Number of lines before `offset`, when known. */
  private lineNo: number | null = 0;

  constructor(opts: TailerOptions) {
    this.o = { batchLines: 500, maxBatchBytes: 1 << 20, pollMs: 250, minBackoffMs: 250, maxBackoffMs: 10_000, requestTimeoutMs: 60_000, stopGraceMs: 5_000, ...opts };
    this.path = resolve(opts.file);
    this.endpoint = new URL(QUEUE_LOG_PATH, opts.url.endsWith('/') ? opts.url : `${opts.url}/`).toString();
  }

  async run(): Promise<TailSummary> {
    try {
      await this.start();
      if (!this.o.follow) {
        await this.pump(true);
        return this.summary;
      }
      while (!this.stopped) {
        await this.pump(false);
        await this.checkRotation();
        await this.pause(this.o.pollMs);
      }
    } catch (e) {
      if (!(e instanceof Stopped)) throw e;
    } finally {
      await this.fh?.close();
      this.fh = null;
    }
    return this.summary;
  }

  private get stopped(): boolean {
    return this.o.signal?.aborted ?? false;
  }

  /** Opens the file at the remembered offset, finishing a file rotated away while we were not running. */
  private async start(): Promise<void> {
    const saved = await this.loadState();
    let st = await this.statPath();
    while (st === null) {
      if (!this.o.follow) throw new Error(`${this.path}: no such file`);
      await this.pause(this.o.pollMs);
      st = await this.statPath();
    }
    if (saved && (saved.ino !== st.ino || saved.dev !== st.dev)) {
      const rotated = await this.findByInode(saved.dev, saved.ino);
      if (rotated) {
        this.o.onNotice?.(`${basename(this.path)} was rotated while stopped; finishing ${basename(rotated)} from byte ${saved.offset}`);
        await this.openAt(rotated, saved.offset, null, saved.tail);
        await this.pump(true);
        await this.fh?.close();
        this.fh = null;
      } else {
        this.o.onNotice?.(`${basename(this.path)} is a new file (the one in the state file is gone); starting at byte 0`);
      }
      await this.openAt(this.path, 0, 0);
    } else if (saved) {
      await this.openAt(this.path, saved.offset, saved.offset === 0 ? 0 : null, saved.tail);
    } else {
      await this.openAt(this.path, 0, 0);
    }
    await this.saveState();
  }

  /** Opens `file` at `offset`, falling back to 0 when the file no longer holds the bytes we acknowledged. */
  private async openAt(file: string, offset: number, lineNo: number | null, tail = ''): Promise<void> {
    this.fh = await open(file, 'r');
    this.lastTail = Buffer.alloc(0);
    const st = await this.fh.stat();
    this.name = file;
    this.dev = st.dev;
    this.ino = st.ino;
    this.buf = Buffer.alloc(0);
    this.offset = offset;
    this.lineNo = lineNo;
    if (offset > 0 && (st.size < offset || !(await this.tailMatches(tail)))) {
      this.o.onNotice?.(`${basename(file)} was truncated or rewritten; starting at byte 0`);
      this.offset = 0;
      this.lineNo = 0;
    }
  }

  /** Reads and sends everything complete up to the end of the current file (`final`: also a last line without newline). */
  private async pump(final: boolean): Promise<void> {
    const fh = this.fh!;
    for (;;) {
      if (this.stopped) throw new Stopped();
      const size = (await fh.stat()).size;
      const shrunk = size < this.offset + this.buf.length;
      if (shrunk || (this.buf.length === 0 && !(await this.tailMatches(this.fingerprint())))) {
        this.o.onNotice?.(`${basename(this.name)} was truncated; starting again at byte 0`);
        this.offset = 0;
        this.lineNo = 0;
        this.buf = Buffer.alloc(0);
        this.lastTail = Buffer.alloc(0);
        await this.saveState();
      }
      let batch = this.takeBatch(final && this.offset + this.buf.length >= size);
      while (batch === null || (batch.lines < this.o.batchLines && batch.bytes < this.o.maxBatchBytes && this.offset + this.buf.length < size)) {
        const more = await this.readMore(fh, size);
        if (!more) break;
        batch = this.takeBatch(final && this.offset + this.buf.length >= size);
      }
      if (batch === null || batch.bytes === 0) return;
      await this.sendBatch(batch.bytes, batch.lines);
    }
  }

  /** How many bytes / lines of `buf` make the next batch (complete lines only, unless `withPartial`). */
  private takeBatch(withPartial: boolean): { bytes: number; lines: number } | null {
    let end = 0;
    let lines = 0;
    while (lines < this.o.batchLines) {
      const nl = this.buf.indexOf(0x0a, end);
      if (nl === -1 || (nl + 1 > this.o.maxBatchBytes && lines > 0)) break;
      end = nl + 1;
      lines++;
    }
    if (lines < this.o.batchLines && end < this.buf.length) {
      const rest = this.buf.length - end;
      const noNewline = this.buf.indexOf(0x0a, end) === -1;
      if (noNewline && (withPartial || (lines === 0 && rest >= this.o.maxBatchBytes))) {
        // The last line of a finished file, or a line longer than a whole batch: send it as it is.
        end = this.buf.length;
        lines++;
      }
    }
    return lines === 0 ? null : { bytes: end, lines };
  }

  private async readMore(fh: FileHandle, size: number): Promise<boolean> {
    const from = this.offset + this.buf.length;
    const want = Math.min(256 * 1024, size - from);
    if (want <= 0) return false;
    const chunk = Buffer.alloc(want);
    const { bytesRead } = await fh.read(chunk, 0, want, from);
    if (bytesRead <= 0) return false;
    this.buf = Buffer.concat([this.buf, chunk.subarray(0, bytesRead)]);
    return true;
  }

  private lastTail = Buffer.alloc(0);

  private fingerprint(): string {
    return this.lastTail.toString('base64');
  }

  /** True when the bytes just before `offset` in the open file are still `tail` (base64). */
  private async tailMatches(tail: string): Promise<boolean> {
    const expected = Buffer.from(tail, 'base64');
    if (expected.length === 0 || this.offset === 0) return true;
    const got = Buffer.alloc(expected.length);
    const { bytesRead } = await this.fh!.read(got, 0, expected.length, this.offset - expected.length);
    const same = bytesRead === expected.length && got.equals(expected);
    if (same) this.lastTail = expected;
    return same;
  }

  private async sendBatch(bytes: number, lines: number): Promise<void> {
    const slice = this.buf.subarray(0, bytes);
    const reply = await this.post(slice.toString('utf8'));
    for (const r of reply.rejected) {
      this.o.onRejected?.({ file: this.name, line: this.lineNo === null ? null : this.lineNo + r.line, offset: this.offset + lineOffset(slice, r.line), reason: r.reason });
    }
    this.summary.batches++;
    this.summary.lines += countLines(slice);
    this.summary.bytes += bytes;
    this.summary.accepted += reply.accepted;
    this.summary.duplicates += reply.duplicates;
    this.summary.ignored += reply.ignored;
    this.summary.rejected += reply.rejected.length;
    const keep = Math.min(FINGERPRINT, bytes);
    this.lastTail = Buffer.from(slice.subarray(bytes - keep, bytes));
    this.offset += bytes;
    if (this.lineNo !== null) this.lineNo += lines;
    this.buf = this.buf.subarray(bytes);
    await this.saveState();
    const size = (await this.fh!.stat()).size;
    this.o.onProgress?.({ offset: this.offset, size, bytesSent: this.summary.bytes, lines: this.summary.lines });
  }

  /** POSTs one batch until the server acknowledges it. */
  private async post(text: string): Promise<Reply> {
    const doFetch = this.o.fetch ?? fetch;
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw new Stopped();
      let error: string;
      let retryAfterMs = 0;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new Error('request timed out')), this.o.requestTimeoutMs);
      const onStop = () => setTimeout(() => abort.abort(new Error('stopped')), this.o.stopGraceMs).unref();
      this.o.signal?.addEventListener('abort', onStop, { once: true });
      try {
        const res = await doFetch(this.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8', authorization: `Bearer ${this.o.key}` },
          body: text,
          signal: abort.signal,
        });
        const body = await res.text();
        if (res.status >= 200 && res.status < 300) return parseReply(body);
        const message = errorMessage(body);
        if (res.status >= 500 || res.status === 429 || res.status === 408) {
          error = `server answered ${res.status}${message ? `: ${message}` : ''}`;
          retryAfterMs = Number(res.headers.get('retry-after') ?? 0) * 1000 || 0;
        } else {
          throw new FatalSendError(`server answered ${res.status}${message ? `: ${message}` : ''}`, res.status);
        }
      } catch (e) {
        if (e instanceof FatalSendError) throw e;
        if (this.stopped) throw new Stopped();
        error = e instanceof Error ? describeFetchError(e) : String(e);
      } finally {
        clearTimeout(timer);
        this.o.signal?.removeEventListener('abort', onStop);
      }
      const backoff = Math.min(this.o.maxBackoffMs, this.o.minBackoffMs * 2 ** Math.min(attempt - 1, 20));
      const delayMs = Math.min(this.o.maxBackoffMs, Math.max(backoff, retryAfterMs));
      this.summary.retries++;
      this.o.onRetry?.({ attempt, delayMs, error });
      await this.pause(delayMs);
    }
  }

  /** Follow mode: when the path now names another file, finish the old one and switch. */
  private async checkRotation(): Promise<void> {
    const st = await this.statPath();
    if (st === null || (st.ino === this.ino && st.dev === this.dev)) return; // renamed, not yet recreated: keep reading the old one
    await this.pump(true);
    this.o.onNotice?.(`${basename(this.path)} was rotated; following the new file`);
    await this.fh?.close();
    this.fh = null;
    await this.openAt(this.path, 0, 0);
    await this.saveState();
  }

  private async statPath(): Promise<{ dev: number; ino: number; size: number } | null> {
    try {
      return await stat(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  private async findByInode(dev: number, ino: number): Promise<string | null> {
    const dir = dirname(this.path);
    for (const entry of await readdir(dir)) {
      const p = join(dir, entry);
      const st = await stat(p).catch(() => null);
      if (st?.isFile() && st.ino === ino && st.dev === dev) return p;
    }
    return null;
  }

  private async loadState(): Promise<TailState | null> {
    if (this.o.stateFile === null) return null;
    let text: string;
    try {
      text = await readFile(this.o.stateFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const s = JSON.parse(text) as Partial<TailState>;
    if (s.version !== 1 || typeof s.ino !== 'number' || typeof s.dev !== 'number' || typeof s.offset !== 'number' || s.offset < 0) {
      throw new Error(`${this.o.stateFile}: not a queue-log state file (delete it to start over)`);
    }
    return { version: 1, file: s.file ?? this.path, dev: s.dev, ino: s.ino, offset: s.offset, tail: typeof s.tail === 'string' ? s.tail : '' };
  }

  private async saveState(): Promise<void> {
    if (this.o.stateFile === null) return;
    const state: TailState = { version: 1, file: this.name, dev: this.dev, ino: this.ino, offset: this.offset, tail: this.fingerprint() };
    const tmp = `${this.o.stateFile}.tmp`;
    await writeFile(tmp, `${JSON.stringify(state)}\n`);
    await rename(tmp, this.o.stateFile);
  }

  private async pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, this.o.signal ? { signal: this.o.signal } : {});
    } catch {
      throw new Stopped();
    }
  }
}

function parseReply(body: string): Reply {
  const r = JSON.parse(body) as Partial<Reply>;
  return { accepted: r.accepted ?? 0, duplicates: r.duplicates ?? 0, ignored: r.ignored ?? 0, rejected: Array.isArray(r.rejected) ? r.rejected : [] };
}

function errorMessage(body: string): string {
  try {
    const e = (JSON.parse(body) as { error?: { message?: string; issues?: { path: string; message: string }[] } }).error;
    if (!e) return body.slice(0, 200);
    const issues = e.issues?.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join('; ');
    return issues ? `${e.message ?? ''} (${issues})` : (e.message ?? '');
  } catch {
    return body.slice(0, 200);
  }
}

function describeFetchError(e: Error): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return 'request timed out';
  return cause?.code ?? cause?.message ?? e.message;
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) n++;
  return buf.length > 0 && buf[buf.length - 1] !== 0x0a ? n + 1 : n;
}

/** Byte offset of the 1-based line `line` within `buf`. */
function lineOffset(buf: Buffer, line: number): number {
  let at = 0;
  for (let n = 1; n < line; n++) {
    const nl = buf.indexOf(0x0a, at);
    if (nl === -1) break;
    at = nl + 1;
  }
  return at;
}
