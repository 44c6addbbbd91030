/**
 * The open-loop sender of the bench, in its own thread of the generator process (same pinned core).
 * Event i is due at t0 + i/rate and carries ts = that scheduled time, whatever happens to the
 * requests before it; every `postEveryMs` timer tick posts all due events in one request.
 *
 * Its own thread, so that the screens' work on the main thread (a burst of frames arriving at 500
 * sockets) does not hold the sends back: the kernel time-slices the two threads, where one event
 * loop would run the burst to its end first. What delay remains is measured: `lag` is, per event,
 * how late the generator got round to sending it. That part of the latency is the generator's.
 */
import { connect, type Socket } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { EventInput } from '../../shared/events.ts';
import { FloorTraffic, type TrafficState } from './events.ts';
import { Histogram, nowMs, round } from './harness.ts';

/**
 * Keep-alive HTTP/1.1 POSTs on a few raw connections, each request written in one go and each
 * response read just far enough for its status and length. node:http's client cost the generator
 * ~250 µs of CPU per request (a quarter of its core at 1,000 requests/s); this costs a fraction.
 * A request goes on an idle connection if there is one, else on the least busy (HTTP/1.1
 * pipelining: the server answers in order). The server sees ordinary requests.
 */
class RawPoster {
  private conns: { socket: Socket; waiting: ((status: number) => void)[]; buf: Buffer }[] = [];
  private readonly head: string;

  constructor(private readonly port: number, path: string, headers: Record<string, string>, private readonly size = 16) {
    const lines = [`POST ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Content-Type: application/json', 'Connection: keep-alive', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    this.head = `${lines.join('\r\n')}\r\nContent-Length: `;
  }

  post(body: string): Promise<number> {
    let conn = this.conns.find((c) => c.waiting.length === 0);
    if (!conn && this.conns.length < this.size) conn = this.open();
    conn ??= this.conns.reduce((a, b) => (b.waiting.length < a.waiting.length ? b : a));
    const c = conn;
    return new Promise((resolve) => {
      c.waiting.push(resolve);
      c.socket.write(`${this.head}${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }

  close(): void { for (const c of this.conns) c.socket.destroy(); this.conns = []; }

  private open() {
    const socket = connect(this.port, '127.0.0.1');
    socket.setNoDelay(true);
    const c: { socket: Socket; waiting: ((status: number) => void)[]; buf: Buffer } = { socket, waiting: [], buf: Buffer.alloc(0) };
    socket.on('data', (chunk: Buffer) => {
      c.buf = c.buf.length ? Buffer.concat([c.buf, chunk]) : chunk;
      for (;;) {
        const end = c.buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = c.buf.toString('latin1', 0, end);
        let bodyEnd: number;
        if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
          // Small answers: the chunked body ends at the first zero-length chunk.
          const last = c.buf.indexOf('\r\n0\r\n\r\n', end + 2);
          if (last < 0) return;
          bodyEnd = last + 7;
        } else {
          bodyEnd = end + 4 + Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (c.buf.length < bodyEnd) return;
        }
        c.buf = c.buf.subarray(bodyEnd);
        c.waiting.shift()?.(Number(head.slice(9, 12)));
      }
    });
    const gone = () => { this.conns = this.conns.filter((x) => x !== c); for (const w of c.waiting.splice(0)) w(0); };
    socket.on('error', gone);
    socket.on('close', gone);
    this.conns.push(c);
    return c;
  }
}

interface SenderInit { kind: 'open-loop'; port: number; traffic: TrafficState; rate: number; postEveryMs: number; headers: Record<string, string> }

export interface SenderStats {
  sent: number; failed: number;
  /** Send lag (ms after the scheduled time) since the previous `stats(true)`. */
  lag: { p50Ms: number; p99Ms: number; maxMs: number };
}

type ToSender = { cmd: 'stats'; resetLag: boolean } | { cmd: 'stop' };
type FromSender = { cmd: 'stats'; stats: SenderStats } | { cmd: 'stopped'; stats: SenderStats; traffic: TrafficState };

function runSender(init: SenderInit): void {
  const traffic = FloorTraffic.from(init.traffic);
  const t0 = Math.ceil(nowMs()) + 20;
  let i = 0;
  let sent = 0;
  let failed = 0;
  let lag = new Histogram();
  const inflight = new Set<Promise<unknown>>();
  const poster = new RawPoster(init.port, '/api/v1/events', init.headers);
  const timer = setInterval(() => {
    const now = nowMs();
    const due: EventInput[] = [];
    for (let at = t0 + (i * 1000) / init.rate; at <= now; at = t0 + (++i * 1000) / init.rate) {
      due.push(traffic.next(Math.floor(at)));
      lag.record(now - at);
    }
    if (due.length === 0) return;
    sent += due.length;
    const p = poster.post(JSON.stringify(due)).then((status) => { if (status !== 202) failed += due.length; });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }, init.postEveryMs);
  const stats = (): SenderStats => ({ sent, failed, lag: { p50Ms: round(lag.percentile(50)), p99Ms: round(lag.percentile(99)), maxMs: round(lag.max) } });
  parentPort!.on('message', (msg: ToSender) => {
    if (msg.cmd === 'stats') {
      parentPort!.postMessage({ cmd: 'stats', stats: stats() } satisfies FromSender);
      if (msg.resetLag) lag = new Histogram();
      return;
    }
    clearInterval(timer);
    void Promise.all(inflight).then(() => {
      poster.close();
      parentPort!.postMessage({ cmd: 'stopped', stats: stats(), traffic: traffic.state() } satisfies FromSender);
      parentPort!.close();
    });
  });
}

if (!isMainThread && (workerData as SenderInit | undefined)?.kind === 'open-loop') runSender(workerData as SenderInit);

/** The main thread's handle on a sender thread. */
export class OpenLoopSender {
  private constructor(private readonly worker: Worker, private readonly traffic: FloorTraffic) {}

  /** Starts sending `traffic.next()` events at `rate` per second to `port`; `traffic` is carried on in the thread. */
  static start(port: number, traffic: FloorTraffic, rate: number, headers: Record<string, string>, postEveryMs = 1): OpenLoopSender {
    const init: SenderInit = { kind: 'open-loop', port, traffic: traffic.state(), rate, postEveryMs, headers };
    // The thread registers tsx's loader for itself (Node 20 does not pass the main thread's on),
    // then loads this TypeScript file.
    const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
    const worker = new Worker(boot, { eval: true, workerData: init });
    return new OpenLoopSender(worker, traffic);
  }

  private ask<C extends FromSender['cmd']>(msg: ToSender, reply: C): Promise<Extract<FromSender, { cmd: C }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromSender) => { if (m.cmd !== reply) return; this.worker.off('message', onMessage); this.worker.off('error', reject); resolve(m as Extract<FromSender, { cmd: C }>); };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
      this.worker.postMessage(msg);
    });
  }

  /** Counts so far; `resetLag` starts a new lag histogram after this reading. */
  async stats(resetLag = false): Promise<SenderStats> { return (await this.ask({ cmd: 'stats', resetLag }, 'stats')).stats; }

  /** Stops sending, waits for the requests in flight, and hands the traffic's position back. */
  async stop(): Promise<SenderStats> {
    const r = await this.ask({ cmd: 'stop' }, 'stopped');
    this.traffic.adopt(r.traffic);
    await this.worker.terminate();
    return r.stats;
  }
}
