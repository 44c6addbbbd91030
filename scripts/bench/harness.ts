/** Plumbing of the bench: child processes on their own core, keep-alive HTTP, histograms, CPU. */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest, CpuUsage } from './protocol.ts';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

/** Pins a process (all its threads) to one core; a no-op where taskset is missing. */
export function pin(pid: number, core: number): boolean {
  const r = spawnSync('taskset', ['-a', '-pc', String(core), String(pid)], { stdio: 'ignore' });
  return r.status === 0;
}

/** CPU time the hypervisor gave to other guests (/proc/stat `steal`), as a share of all CPU time; null off Linux. */
export function stealMeter(): () => number | null {
  const read = (): number[] | null => {
    try { return readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number); } catch { return null; }
  };
  const before = read();
  return () => {
    const after = read();
    if (!before || !after || after.length < 8) return null;
    const d = after.map((v, i) => v - (before[i] ?? 0));
    const total = d.reduce((a, b) => a + b, 0);
    return total > 0 ? round((d[7]! / total) * 100, 1) : null;
  };
}

export class Child {
  private waiters: { cmd: string; resolve: (m: ChildReply) => void; reject: (e: Error) => void }[] = [];
  port = 0;

  private constructor(readonly proc: ChildProcess) {
    proc.on('message', (raw) => {
      const msg = raw as ChildReply;
      const i = msg.cmd === 'error' ? 0 : this.waiters.findIndex((w) => w.cmd === msg.cmd);
      const w = i >= 0 ? this.waiters.splice(i, 1)[0] : undefined;
      if (!w) return;
      if (msg.cmd === 'error') w.reject(new Error(`bench child: ${msg.message}`)); else w.resolve(msg);
    });
    proc.on('exit', (code) => { for (const w of this.waiters.splice(0)) w.reject(new Error(`bench child exited (${code})`)); });
  }

  static async start(mode: string, env: Record<string, string> = {}, core = 1): Promise<Child> {
    const proc = fork(CHILD, [], {
      // BENCH_PROF_DIR=/tmp/prof: a CPU profile of every child (node --cpu-prof), for finding hot spots.
      execArgv: ['--import', 'tsx', '--expose-gc', '--max-old-space-size=8192', ...(process.env.BENCH_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF_DIR}`] : [])],
      env: { ...process.env, ...env, BENCH_MODE: mode },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child = new Child(proc);
    const ready = await child.wait('ready', 60_000);
    child.port = ready.port;
    pin(ready.pid, core);
    return child;
  }

  private wait<C extends ChildReply['cmd']>(cmd: C, timeoutMs: number): Promise<Extract<ChildReply, { cmd: C }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench child: no ${cmd} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ cmd, resolve: (m) => { clearTimeout(timer); resolve(m as Extract<ChildReply, { cmd: C }>); }, reject: (e) => { clearTimeout(timer); reject(e); } });
    });
  }

  ask<C extends ChildRequest['cmd']>(req: Extract<ChildRequest, { cmd: C }>, timeoutMs = 120_000): Promise<Extract<ChildReply, { cmd: C }>> {
    const p = this.wait(req.cmd as ChildReply['cmd'] & C, timeoutMs);
    this.proc.send(req);
    return p as Promise<Extract<ChildReply, { cmd: C }>>;
  }

  async cpu(): Promise<CpuUsage> { return (await this.ask({ cmd: 'cpu' })).cpu; }
  async heap(): Promise<number> { return (await this.ask({ cmd: 'heap' })).heapUsed; }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.send({ cmd: 'stop' } satisfies ChildRequest);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export const cpuMs = (a: CpuUsage, b: CpuUsage) => (b.user - a.user + b.system - a.system) / 1000;

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface PostReply { status: number; body: string }

export function post(port: number, path: string, body: string, headers: Record<string, string> = {}): Promise<PostReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Latency histogram in 0.1 ms buckets up to 60 s. */
export class Histogram {
  private counts = new Uint32Array(600_000);
  n = 0;
  max = 0;
  record(ms: number): void {
    const b = Math.min(this.counts.length - 1, Math.max(0, Math.round(ms * 10)));
    this.counts[b]!++;
    this.n++;
    if (ms > this.max) this.max = ms;
  }
  percentile(p: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.ceil((p / 100) * this.n);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i / 10;
    }
    return this.max;
  }
}

export const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!; };
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
/** Wall-clock ms with sub-ms precision (comparable across the bench's threads and processes). */
export const nowMs = () => performance.timeOrigin + performance.now();
