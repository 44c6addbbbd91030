import { ApiError } from '../http/api-error.ts';
import { LoginThrottle } from './login-throttle.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { WHOLE_FLOOR, type Principal, type Role, type Scope } from './principal.ts';
import { digest, newSecret } from './tokens.ts';

interface User { username: string; passwordHash: string; role: Exclude<Role, 'display' | 'ingest'>; scope: Scope }
interface Session { username: string; expiresAt: number }
interface NamedSecret { name: string; scope: Scope }

/** Users, sessions, display tokens and ingest keys. Secrets are stored only as digests. */
export class AuthService {
  private users = new Map<string, User>();
  private sessions = new Map<string, Session>();
  private displayTokens = new Map<string, NamedSecret>();
  private ingestKeys = new Map<string, NamedSecret>();
  readonly throttle: LoginThrottle;
  // Compared against when the user is unknown, so timing does not tell which part was wrong.
  private decoyHash: Promise<string>;

  constructor(private readonly clock: () => number, private readonly sessionTtlMs: number) {
    this.throttle = new LoginThrottle(clock);
    this.decoyHash = hashPassword(newSecret());
  }

  async addUser(username: string, password: string, role: User['role'], scope: Scope = WHOLE_FLOOR): Promise<void> {
    this.users.set(username, { username, passwordHash: await hashPassword(password), role, scope });
  }

  addDisplayToken(token: string, name: string, scope: Scope = WHOLE_FLOOR): void { this.displayTokens.set(digest(token), { name, scope }); }
  addIngestKey(key: string, name: string): void { this.ingestKeys.set(digest(key), { name, scope: WHOLE_FLOOR }); }

  /** Answers a session token, or throws 401 (no hint which part was wrong) / 429 when throttled. */
  async login(username: string, password: string, ip: string): Promise<{ token: string; role: Role; expiresAt: number }> {
    const wait = this.throttle.retryAfterSec(username, ip);
    if (wait > 0) throw new ApiError(429, 'too_many_requests', 'too many failed sign-ins; try again later', undefined, { 'Retry-After': String(wait) });
    const user = this.users.get(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !ok) {
      this.throttle.fail(username, ip);
      throw new ApiError(401, 'unauthorized', 'wrong username or password');
    }
    this.throttle.succeed(username);
    const token = newSecret(32);
    const expiresAt = this.clock() + this.sessionTtlMs;
    this.sessions.set(digest(token), { username, expiresAt });
    return { token, role: user.role, expiresAt };
  }

  logout(token: string): void { this.sessions.delete(digest(token)); }

  /** The principal a bearer secret stands for (session, display token or ingest key), or null. */
  resolve(secret: string): Principal | null {
    const d = digest(secret);
    const session = this.sessions.get(d);
    if (session) {
      const user = this.users.get(session.username);
      if (!user || session.expiresAt <= this.clock()) { this.sessions.delete(d); return null; }
      return { role: user.role, name: user.username, scope: user.scope, credential: d };
    }
    const display = this.displayTokens.get(d);
    if (display) return { role: 'display', name: display.name, scope: display.scope, credential: d };
    const key = this.ingestKeys.get(d);
    if (key) return { role: 'ingest', name: key.name, scope: key.scope, credential: d };
    return null;
  }
}
