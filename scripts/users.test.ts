import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { AuthService } from '../server/auth/auth-service.ts';
import { RedisConfigStore } from '../server/store/redis-config-store.ts';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./users.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

/** Runs the CLI; answers its exit code and output. */
async function cli(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number; out: string; err: string }> {
  const child = run(tsx, [script, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 });
  if (input !== undefined) { child.child.stdin!.end(input); }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout, err: err.stderr };
  }
}

describe('scripts/users.ts (user admin CLI)', () => {
  const url = inject('redisUrl');
  const keyPrefix = `test:users-cli:${randomUUID()}:`;
  const store = new RedisConfigStore({ url, keyPrefix, onError: () => {} });
  afterAll(async () => { await store.close(); });

  it('without REDIS_URL explains that ADMIN_PASSWORD is the way in memory mode', async () => {
    const r = await cli(['reset-password', 'admin'], {});
    expect(r.code).toBe(2);
    expect(r.err).toContain('ADMIN_PASSWORD');
  });

  it('creates an admin and resets a password in the shared store; the server-side AuthService sees both', async () => {
    const env = { REDIS_URL: url };
    const created = await cli(['create-admin', 'ops', `--key-prefix=${keyPrefix}`], env);
    expect(created.code, created.err).toBe(0);
    const generated = /password \(shown once\): (\S+)/.exec(created.out)?.[1];
    expect(generated).toBeDefined();
    const auth = new AuthService(store, () => Date.now(), 3600_000);
    await auth.start();
    await auth.login('ops', generated!, '127.0.0.1');
    const reset = await cli(['reset-password', 'ops', '--password-stdin', `--key-prefix=${keyPrefix}`], env, 'a-new-password-123\n');
    expect(reset.code, reset.err).toBe(0);
    expect(reset.out).not.toContain('a-new-password-123');
    const auth2 = new AuthService(store, () => Date.now(), 3600_000);
    await auth2.start();
    await expect(auth2.login('ops', generated!, '127.0.0.2')).rejects.toThrow(/wrong username or password/);
    await auth2.login('ops', 'a-new-password-123', '127.0.0.2');
    const list = await cli(['list', `--key-prefix=${keyPrefix}`], env);
    expect(list.out).toContain('ops\tadmin');
    const missing = await cli(['reset-password', 'ghost', `--key-prefix=${keyPrefix}`], env);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no user ghost');
    const audit = await store.keys('audit/');
    expect(audit.length).toBe(2);
    auth.stop(); auth2.stop();
  });
});
