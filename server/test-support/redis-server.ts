/**
 * Starts and stops private `redis-server` processes for tests: a free port, a fresh temp dir,
 * AOF on (`appendfsync everysec`), RDB snapshots off. Never touches any other Redis (in
 * particular not the shared one on 127.0.0.1:6379).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEFAULT_BIN = '/usr/bin/redis-server';

export interface RedisServerOptions {
  /** Port to listen on; a free one by default. */
  port?: number;
  /** Data dir (AOF lives here); a fresh temp dir by default. */
  dir?: string;
  /** Extra `redis-server` arguments, e.g. ['--appendfsync', 'always']. */
  extraArgs?: string[];
  /** How long to wait for the first PONG. */
  startTimeoutMs?: number;
}

export interface RedisServer {
  readonly port: number;
  readonly dir: string;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** Pid of the running process, or undefined while stopped. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Starts it again on the same port and dir (so it reloads its AOF); resolves once it answers PING. */
  start(): Promise<void>;
  /** Graceful stop: SIGTERM (Redis fsyncs the AOF and exits), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** kill -9: no shutdown work at all. */
  kill9(): Promise<void>;
  /** SIGSTOP / SIGCONT: a Redis that holds connections open but answers nothing. */
  pause(): void;
  resume(): void;
  /** Stops it and deletes its dir (when the dir was created here). */
  dispose(): Promise<void>;
}

/** Path of a usable redis-server binary; installs Debian's package when missing and we are root. */
export function ensureRedisServerBinary(): string {
  const fromEnv = process.env.REDIS_SERVER_BIN;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  if (existsSync(DEFAULT_BIN)) return DEFAULT_BIN;
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  if (which.status === 0 && found) return found;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    const r = spawnSync('sh', ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server'], { stdio: 'inherit' });
    if (r.status === 0 && existsSync(DEFAULT_BIN)) return DEFAULT_BIN;
  }
  throw new Error('redis-server not found: install it (apt-get install redis-server) or set REDIS_SERVER_BIN');
}

/** A TCP port nobody listens on right now (bind port 0, read it, release it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

/** One PING over raw TCP: true on +PONG (false on -LOADING, refusal, timeout). */
export function pingOnce(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean) => { clearTimeout(timer); sock.destroy(); resolve(ok); };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort so an aborted test run leaves no redis-server behind.
  process.once('exit', () => { for (const c of liveChildren) c.kill('SIGKILL'); });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.off('exit', onExit); resolve(false); }, ms);
    const onExit = () => { clearTimeout(timer); resolve(true); };
    child.once('exit', onExit);
  });
}

export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = ensureRedisServerBinary();
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'floorboard-redis-'));
  const startTimeoutMs = opts.startTimeoutMs ?? 15_000;
  installExitHook();

  let port = opts.port ?? (await findFreePort());
  let child: ChildProcess | undefined;

  const logFile = () => join(dir, 'redis.log');
  const logTail = () => {
    try { return readFileSync(logFile(), 'utf8').split('\n').slice(-15).join('\n'); } catch { return '(no log)'; }
  };

  async function launch(): Promise<void> {
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no',
      '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
      '--maxmemory-policy', 'noeviction', '--logfile', logFile(),
      ...(opts.extraArgs ?? []),
    ];
    const c = spawn(bin, args, { stdio: 'ignore' });
    child = c;
    liveChildren.add(c);
    c.once('exit', () => liveChildren.delete(c));
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (c.exitCode !== null || c.signalCode !== null) {
        throw new Error(`redis-server exited during start (code ${c.exitCode}, signal ${c.signalCode}) on port ${port}:\n${logTail()}`);
      }
      if (await pingOnce(port)) return;
      await sleep(25);
    }
    c.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not answer PING within ${startTimeoutMs} ms:\n${logTail()}`);
  }

  async function firstStart(): Promise<void> {
    // The free port may be taken between probing and binding: try a few ports.
    for (let attempt = 0; ; attempt++) {
      try { return await launch(); } catch (err) {
        if (opts.port !== undefined || attempt >= 3) throw err;
        port = await findFreePort();
      }
    }
  }

  async function stop(graceMs = 5_000): Promise<void> {
    const c = child;
    if (!c) return;
    child = undefined;
    if (c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGTERM');
    if (!(await waitForExit(c, graceMs))) {
      c.kill('SIGKILL');
      await waitForExit(c, 5_000);
    }
  }

  await firstStart();

  const server: RedisServer = {
    get port() { return port; },
    dir,
    get url() { return `redis://127.0.0.1:${port}`; },
    get pid() { return child?.pid; },
    get running() { return child !== undefined && child.exitCode === null && child.signalCode === null; },
    async start() {
      if (server.running) return;
      await launch();
    },
    stop,
    async kill9() {
      const c = child;
      if (!c) return;
      child = undefined;
      c.kill('SIGKILL');
      await waitForExit(c, 5_000);
    },
    pause() { child?.kill('SIGSTOP'); },
    resume() { child?.kill('SIGCONT'); },
    async dispose() {
      child?.kill('SIGCONT');
      await stop();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** Deletes every key under `prefix` on the test Redis at `url` (a test file's own keys only). */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const admin = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await admin.quit();
  }
}
