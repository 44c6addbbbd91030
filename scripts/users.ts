/**
 * User administration against the shared ConfigStore of REDIS_URL (what every server instance reads).
 *
 *   REDIS_URL=redis://:pass@host:6379 npx tsx scripts/users.ts create-admin <username> [--password-stdin]
 *   REDIS_URL=... npx tsx scripts/users.ts reset-password <username> [--password-stdin]
 *   REDIS_URL=... npx tsx scripts/users.ts list
 *
 * `--key-prefix=<p>` selects another floor's keys in a shared Redis (default `floorboard:`, as the server).
 * Without --password-stdin a strong password is generated and printed once. Resetting a password ends
 * every session of that user (their open screens are disconnected by the running servers). Each change
 * is written to the audit log as actor `cli:<os user>`.
 *
 * Without REDIS_URL the server keeps users in its own memory, out of reach of another process: there,
 * the bootstrap admin's password is ADMIN_PASSWORD (or the one printed at start), and other users are
 * managed through the admin API / screens.
 */
import { userInfo } from 'node:os';
import { AuditLog } from '../server/auth/audit-log.ts';
import { AuthService, USERNAME_RE } from '../server/auth/auth-service.ts';
import { newSecret } from '../server/auth/tokens.ts';
import { ConfigError, loadConfig } from '../server/config/config.ts';
import { ApiError } from '../server/http/api-error.ts';
import { RedisConfigStore } from '../server/store/redis-config-store.ts';

const USAGE = 'usage: npx tsx scripts/users.ts create-admin <username> | reset-password <username> | list   [--password-stdin]';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<number> {
  const [command, username] = argv.filter((a) => !a.startsWith('--'));
  const fromStdin = argv.includes('--password-stdin');
  let config;
  try { config = loadConfig(); } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); return 2; }
    throw err;
  }
  if (!config.REDIS_URL) {
    console.error('REDIS_URL is not set. In memory mode the users live inside the running server only:\n'
      + '  the admin password is ADMIN_PASSWORD (or the one printed at start); restart with ADMIN_PASSWORD=<new> to reset it,\n'
      + '  and manage other users with the admin API (docs/security.md).');
    return 2;
  }
  if (!command || (command !== 'list' && !username)) { console.error(USAGE); return 2; }
  if (username && !USERNAME_RE.test(username)) { console.error('username: letters, digits and . _ @ - only (at most 64)'); return 2; }

  const keyPrefix = argv.find((a) => a.startsWith('--key-prefix='))?.slice('--key-prefix='.length);
  const store = new RedisConfigStore({ url: config.REDIS_URL, timeoutMs: 5_000, ...(keyPrefix ? { keyPrefix } : {}) });
  const auth = new AuthService(store, () => Date.now(), config.SESSION_TTL_HOURS * 3600_000);
  const audit = new AuditLog(store, () => Date.now());
  const actor = { name: `cli:${userInfo().username}`, role: 'admin' };
  try {
    await auth.start();
    if (command === 'list') {
      for (const u of auth.listUsers()) console.log(`${u.username}\t${u.role}\tteams=${u.scope.teams?.join(',') ?? '*'}\tqueues=${u.scope.queues?.join(',') ?? '*'}`);
      return 0;
    }
    const password = fromStdin ? await readStdin() : newSecret(15);
    if (password.length < 10) { console.error('password: at least 10 characters'); return 2; }
    if (command === 'create-admin') {
      const user = await auth.createUser({ username: username!, password, role: 'admin', scope: { teams: null, queues: null } });
      await audit.record({ actor, ip: null, action: 'user.create', target: `users/${user.username}`, before: null, after: user });
      console.log(`created admin ${user.username}`);
    } else if (command === 'reset-password') {
      const { before, after } = await auth.updateUser(username!, { password });
      await audit.record({ actor, ip: null, action: 'user.update+password-reset', target: `users/${username}`, before, after });
      console.log(`password of ${username} reset; their sessions were ended`);
    } else {
      console.error(USAGE);
      return 2;
    }
    if (!fromStdin) console.log(`password (shown once): ${password}`);
    return 0;
  } catch (err) {
    if (err instanceof ApiError) { console.error(`${err.message}${err.issues ? `: ${err.issues.map((i) => `${i.path} ${i.message}`).join('; ')}` : ''}`); return 1; }
    console.error(err instanceof Error ? err.message : err);
    return 1;
  } finally {
    auth.stop();
    await store.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => { console.error(err); process.exit(1); });
