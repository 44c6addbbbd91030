import type { ConfigStore } from '../store/config-store.ts';
import { ApiError } from '../http/api-error.ts';
import { LoginThrottle } from './login-throttle.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { WHOLE_FLOOR, type Principal, type Scope, type UserRole } from './principal.ts';
import { digest, newSecret } from './tokens.ts';

/** Documents in the ConfigStore (shared by every instance). Secrets appear only as digests or hashes. */
export const USERS = 'users/';
export const DISPLAY_TOKENS = 'display-tokens/';
export const INGEST_KEYS = 'ingest-keys/';
export const SESSIONS = 'sessions/';

export interface UserRecord { username: string; passwordHash: string; role: UserRole; scope: Scope; createdAt: string; updatedAt: string }
/** A user as the API shows it (no password hash). */
export type UserView = Omit<UserRecord, 'passwordHash'>;
export interface DisplayTokenRecord { id: string; name: string; scope: Scope; createdAt: string; createdBy: string; bootstrap?: boolean }
export interface IngestKeyRecord {
  id: string; name: string; createdAt: string; createdBy: string; bootstrap?: boolean;
  /** HMAC-SHA256 key for signed requests (kept because verifying needs it; never shown after creation). */
  signingSecret?: string;
}
/** Ingest key as the API lists it. */
export type IngestKeyView = Omit<IngestKeyRecord, 'signingSecret'> & { requireSignature: boolean };
export interface SessionRecord { username: string; createdAt: number; expiresAt: number }

export const USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** The id shown for a token or key: a prefix of its digest (the digest itself is the store key). */
const idOf = (d: string) => d.slice(0, 16);
const NEGATIVE_TTL_MS = 2000;

export const userView = ({ passwordHash: _h, ...rest }: UserRecord): UserView => structuredClone(rest);
export const ingestKeyView = ({ signingSecret, ...rest }: IngestKeyRecord): IngestKeyView => ({ ...structuredClone(rest), requireSignature: signingSecret !== undefined });

/**
 * Users, sessions, display tokens and ingest keys, kept in the ConfigStore so every instance shares them
 * and cached in memory (refreshed on `watch`) so checking a credential costs one SHA-256 and a map lookup.
 * Revoking a credential anywhere calls the `onRevoked` listeners of every instance with its digest.
 */
export class AuthService {
  private users = new Map<string, UserRecord>();
  private sessions = new Map<string, SessionRecord>();
  private displayTokens = new Map<string, DisplayTokenRecord>();
  private ingestKeys = new Map<string, IngestKeyRecord>();
  /** Digests recently looked up in the store and not found (bounded; spares the store a lookup per bogus token). */
  private misses = new Map<string, number>();
  private revokedListeners = new Set<(digests: string[]) => void>();
  private stopWatch: (() => void) | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  readonly throttle: LoginThrottle;
  // Compared against when the user is unknown, so timing does not tell which part was wrong.
  private decoyHash: Promise<string>;

  constructor(readonly store: ConfigStore, private readonly clock: () => number, private readonly sessionTtlMs: number) {
    this.throttle = new LoginThrottle(clock);
    this.decoyHash = hashPassword(newSecret());
  }

  /** Loads every user, token and key into the cache and follows changes made by any instance. */
  async start(): Promise<void> {
    this.stopWatch = this.store.watch((key) => { void this.refresh(key).catch(() => undefined); });
    for (const prefix of [USERS, DISPLAY_TOKENS, INGEST_KEYS]) {
      for (const key of await this.store.keys(prefix)) await this.refresh(key);
    }
    this.sweeper = setInterval(() => { void this.sweepSessions().catch(() => undefined); }, 10 * 60_000);
    this.sweeper.unref();
  }

  stop(): void {
    this.stopWatch?.();
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** `listener(digests)` after credentials were revoked or changed (their sockets must go). */
  onRevoked(listener: (digests: string[]) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  // ---------------------------------------------------------------- bootstrap

  /** The bootstrap admin: created with `password` when no user of that name exists (an existing one is left alone). Answers whether it was created. */
  async ensureAdmin(username: string, password: string): Promise<boolean> {
    if (await this.store.get(USERS + username)) { await this.refresh(USERS + username); return false; }
    await this.putUser({ username, passwordHash: await hashPassword(password), role: 'admin', scope: WHOLE_FLOOR, createdAt: this.iso(), updatedAt: this.iso() });
    return true;
  }

  /** A display token / ingest key from the environment (SPEC §6); replaces an earlier bootstrap one of the same kind. */
  async ensureBootstrapSecret(kind: 'display' | 'ingest', secret: string): Promise<void> {
    const prefix = kind === 'display' ? DISPLAY_TOKENS : INGEST_KEYS;
    const d = digest(secret);
    for (const key of await this.store.keys(prefix)) {
      if (key === prefix + d) continue;
      const doc = await this.store.get<{ bootstrap?: boolean }>(key);
      if (doc?.bootstrap) await this.store.delete(key);
    }
    if (!(await this.store.get(prefix + d))) {
      const rec = { id: idOf(d), name: kind === 'display' ? 'bootstrap display (DISPLAY_TOKEN)' : 'bootstrap ingest key (INGEST_KEY)', createdAt: this.iso(), createdBy: 'environment', bootstrap: true };
      await this.store.set(prefix + d, kind === 'display' ? { ...rec, scope: WHOLE_FLOOR } : rec);
    }
    await this.refresh(prefix + d);
  }

  // ---------------------------------------------------------------- sign in

  /** Answers a session token, or throws 401 (no hint which part was wrong) / 429 when throttled. */
  async login(username: string, password: string, ip: string): Promise<{ token: string; role: UserRole; expiresAt: number }> {
    const wait = this.throttle.retryAfterSec(username, ip);
    if (wait > 0) throw new ApiError(429, 'too_many_requests', 'too many failed sign-ins; try again later', undefined, { 'Retry-After': String(wait) });
    const user = this.users.get(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !ok) {
      this.throttle.fail(username, ip);
      throw new ApiError(401, 'unauthorized', 'wrong username or password');
    }
    this.throttle.succeed(username);
    return { ...(await this.openSession(user.username)), role: user.role };
  }

  async logout(token: string): Promise<void> {
    const d = digest(token);
    this.sessions.delete(d);
    await this.store.delete(SESSIONS + d);
    this.emitRevoked([d]);
  }

  /** Changes the caller's own password (the current one is required); every other session of the user ends. */
  async changePassword(principal: Principal, current: string, next: string, ip: string): Promise<void> {
    const user = this.users.get(principal.name);
    if (!user || !this.isUserRole(principal.role)) throw new ApiError(403, 'forbidden', 'only signed-in users have a password');
    const wait = this.throttle.retryAfterSec(user.username, ip);
    if (wait > 0) throw new ApiError(429, 'too_many_requests', 'too many failed attempts; try again later', undefined, { 'Retry-After': String(wait) });
    if (!(await verifyPassword(current, user.passwordHash))) {
      this.throttle.fail(user.username, ip);
      throw new ApiError(400, 'validation_failed', 'request validation failed', [{ path: 'currentPassword', message: 'does not match the current password' }]);
    }
    await this.putUser({ ...user, passwordHash: await hashPassword(next), updatedAt: this.iso() });
    await this.endSessions(user.username, principal.credential);
  }

  // ---------------------------------------------------------------- credentials

  /** The principal a bearer secret stands for, from the cache only (no I/O), or null. */
  resolve(secret: string): Principal | null {
    return this.principalOf(digest(secret)) ?? null;
  }

  /** Like `resolve`, but a session opened on another instance moments ago is fetched from the store. */
  async authenticate(secret: string): Promise<Principal | null> {
    const d = digest(secret);
    const cached = this.principalOf(d);
    if (cached !== undefined) return cached;
    const now = this.clock();
    const miss = this.misses.get(d);
    if (miss !== undefined && miss > now) return null;
    let session: SessionRecord | null;
    try { session = await this.store.get<SessionRecord>(SESSIONS + d); } catch {
      throw new ApiError(503, 'store_unavailable', 'the configuration store is unavailable; retry later', undefined, { 'Retry-After': '2' });
    }
    if (session) { this.sessions.set(d, session); this.misses.delete(d); return this.principalOf(d) ?? null; }
    if (this.misses.size >= 10_000) this.misses.clear();
    this.misses.set(d, now + NEGATIVE_TTL_MS);
    return null;
  }

  /** Ingest key record of a credential digest (for the signature check). */
  ingestKey(credential: string): IngestKeyRecord | undefined { return this.ingestKeys.get(credential); }

  /** undefined = not in the cache; null = known to be invalid now. */
  private principalOf(d: string): Principal | null | undefined {
    const session = this.sessions.get(d);
    if (session) {
      const user = this.users.get(session.username);
      if (!user || session.expiresAt <= this.clock()) {
        this.sessions.delete(d);
        void this.store.delete(SESSIONS + d).catch(() => undefined);
        return null;
      }
      return { role: user.role, name: user.username, scope: user.scope, credential: d };
    }
    const display = this.displayTokens.get(d);
    if (display) return { role: 'display', name: display.name, scope: display.scope, credential: d };
    const key = this.ingestKeys.get(d);
    if (key) return { role: 'ingest', name: key.name, scope: WHOLE_FLOOR, credential: d };
    return undefined;
  }

  // ---------------------------------------------------------------- users

  listUsers(): UserView[] { return [...this.users.values()].map(userView).sort((a, b) => a.username.localeCompare(b.username)); }
  user(username: string): UserView | null { const u = this.users.get(username); return u ? userView(u) : null; }
  adminCount(): number { return [...this.users.values()].filter((u) => u.role === 'admin').length; }

  async createUser(input: { username: string; password: string; role: UserRole; scope: Scope }): Promise<UserView> {
    if (!USERNAME_RE.test(input.username)) throw new ApiError(400, 'validation_failed', 'request validation failed', [{ path: 'username', message: 'letters, digits and . _ @ - only (at most 64)' }]);
    if (this.users.has(input.username) || (await this.store.get(USERS + input.username))) throw new ApiError(409, 'conflict', `user ${input.username} exists`);
    const rec: UserRecord = { username: input.username, passwordHash: await hashPassword(input.password), role: input.role, scope: this.normalizeScope(input.role, input.scope), createdAt: this.iso(), updatedAt: this.iso() };
    await this.putUser(rec);
    return userView(rec);
  }

  /** Changes role, scope and/or password (an admin reset). A new password ends every session of the user. */
  async updateUser(username: string, patch: { role?: UserRole; scope?: Scope; password?: string }): Promise<{ before: UserView; after: UserView }> {
    const user = this.users.get(username);
    if (!user) throw new ApiError(404, 'not_found', `no user ${username}`);
    const role = patch.role ?? user.role;
    if (user.role === 'admin' && role !== 'admin' && this.adminCount() <= 1) throw new ApiError(409, 'conflict', 'the last admin cannot lose the admin role');
    const next: UserRecord = {
      ...user, role, scope: this.normalizeScope(role, patch.scope ?? user.scope), updatedAt: this.iso(),
      ...(patch.password !== undefined ? { passwordHash: await hashPassword(patch.password) } : {}),
    };
    await this.putUser(next);
    if (patch.password !== undefined) await this.endSessions(username);
    return { before: userView(user), after: userView(next) };
  }

  async deleteUser(username: string): Promise<UserView> {
    const user = this.users.get(username);
    if (!user) throw new ApiError(404, 'not_found', `no user ${username}`);
    if (user.role === 'admin' && this.adminCount() <= 1) throw new ApiError(409, 'conflict', 'the last admin cannot be deleted');
    await this.store.delete(USERS + username);
    this.applyUser(username, null);
    await this.endSessions(username);
    return userView(user);
  }

  // ---------------------------------------------------------------- display tokens, ingest keys

  listDisplayTokens(): DisplayTokenRecord[] { return [...this.displayTokens.values()].map((t) => structuredClone(t)).sort((a, b) => a.createdAt.localeCompare(b.createdAt)); }
  listIngestKeys(): IngestKeyView[] { return [...this.ingestKeys.values()].map(ingestKeyView).sort((a, b) => a.createdAt.localeCompare(b.createdAt)); }

  /** A new display token; the secret is answered here and never again. */
  async createDisplayToken(name: string, scope: Scope, createdBy: string): Promise<{ token: string; record: DisplayTokenRecord }> {
    const token = newSecret(24);
    const d = digest(token);
    const record: DisplayTokenRecord = { id: idOf(d), name, scope, createdAt: this.iso(), createdBy };
    await this.store.set(DISPLAY_TOKENS + d, record);
    this.displayTokens.set(d, record);
    return { token, record: structuredClone(record) };
  }

  /** A new ingest key (and, when asked, the HMAC signing secret it must sign with); both are answered once. */
  async createIngestKey(name: string, requireSignature: boolean, createdBy: string): Promise<{ key: string; signingSecret?: string; record: IngestKeyView }> {
    const key = `fbk_${newSecret(24)}`;
    const signingSecret = requireSignature ? `fbs_${newSecret(32)}` : undefined;
    const d = digest(key);
    const record: IngestKeyRecord = { id: idOf(d), name, createdAt: this.iso(), createdBy, ...(signingSecret ? { signingSecret } : {}) };
    await this.store.set(INGEST_KEYS + d, record);
    this.ingestKeys.set(d, record);
    return { key, ...(signingSecret ? { signingSecret } : {}), record: ingestKeyView(record) };
  }

  /** Revokes by id; open sockets of that token close on every instance. Answers the revoked record. */
  async revokeDisplayToken(id: string): Promise<DisplayTokenRecord> {
    const d = this.findById(this.displayTokens, id);
    const rec = this.displayTokens.get(d)!;
    await this.store.delete(DISPLAY_TOKENS + d);
    this.displayTokens.delete(d);
    this.emitRevoked([d]);
    return structuredClone(rec);
  }

  async revokeIngestKey(id: string): Promise<IngestKeyView> {
    const d = this.findById(this.ingestKeys, id);
    const rec = this.ingestKeys.get(d)!;
    await this.store.delete(INGEST_KEYS + d);
    this.ingestKeys.delete(d);
    this.emitRevoked([d]);
    return ingestKeyView(rec);
  }

  // ---------------------------------------------------------------- internals

  private findById<T extends { id: string }>(map: Map<string, T>, id: string): string {
    for (const [d, rec] of map) if (rec.id === id) return d;
    throw new ApiError(404, 'not_found', `no token or key with id ${id}`);
  }

  private async openSession(username: string): Promise<{ token: string; expiresAt: number }> {
    const token = newSecret(32);
    const d = digest(token);
    const rec: SessionRecord = { username, createdAt: this.clock(), expiresAt: this.clock() + this.sessionTtlMs };
    await this.store.set(SESSIONS + d, rec);
    this.sessions.set(d, rec);
    this.misses.delete(d);
    return { token, expiresAt: rec.expiresAt };
  }

  /** Ends every session of `username` (except `keep`) in the store and here. */
  private async endSessions(username: string, keep?: string): Promise<void> {
    const ended: string[] = [];
    for (const key of await this.store.keys(SESSIONS)) {
      const d = key.slice(SESSIONS.length);
      if (d === keep) continue;
      const s = this.sessions.get(d) ?? (await this.store.get<SessionRecord>(key));
      if (s?.username !== username) continue;
      await this.store.delete(key);
      this.sessions.delete(d);
      ended.push(d);
    }
    for (const [d, s] of this.sessions) if (s.username === username && d !== keep) { this.sessions.delete(d); ended.push(d); }
    if (ended.length > 0) this.emitRevoked(ended);
  }

  /** Deletes expired sessions from the store (every instance sweeps; deleting twice is harmless). */
  async sweepSessions(): Promise<number> {
    const now = this.clock();
    let n = 0;
    for (const key of await this.store.keys(SESSIONS)) {
      const s = await this.store.get<SessionRecord>(key);
      if (s && s.expiresAt > now) continue;
      await this.store.delete(key);
      this.sessions.delete(key.slice(SESSIONS.length));
      n++;
    }
    return n;
  }

  private async putUser(rec: UserRecord): Promise<void> {
    await this.store.set(USERS + rec.username, rec);
    this.applyUser(rec.username, rec);
  }

  /** Re-reads one document after a change by any instance. */
  private async refresh(key: string): Promise<void> {
    if (key.startsWith(USERS)) {
      this.applyUser(key.slice(USERS.length), await this.store.get<UserRecord>(key));
    } else if (key.startsWith(DISPLAY_TOKENS)) {
      this.applySecret(this.displayTokens, key.slice(DISPLAY_TOKENS.length), await this.store.get<DisplayTokenRecord>(key));
    } else if (key.startsWith(INGEST_KEYS)) {
      this.applySecret(this.ingestKeys, key.slice(INGEST_KEYS.length), await this.store.get<IngestKeyRecord>(key));
    } else if (key.startsWith(SESSIONS)) {
      const d = key.slice(SESSIONS.length);
      if (!this.sessions.has(d)) return; // only sessions this instance has seen matter here
      const rec = await this.store.get<SessionRecord>(key);
      if (rec) this.sessions.set(d, rec);
      else { this.sessions.delete(d); this.emitRevoked([d]); }
    }
  }

  /** A user changed: sessions of a deleted user, or of one whose role or scope changed, lose their sockets. */
  private applyUser(username: string, next: UserRecord | null): void {
    const prev = this.users.get(username);
    if (next) this.users.set(username, next);
    else this.users.delete(username);
    const changed = prev && (!next || next.role !== prev.role || JSON.stringify(next.scope) !== JSON.stringify(prev.scope));
    if (!changed) return;
    const digests = [...this.sessions].filter(([, s]) => s.username === username).map(([d]) => d);
    if (!next) for (const d of digests) this.sessions.delete(d);
    if (digests.length > 0) this.emitRevoked(digests);
  }

  private applySecret<T>(map: Map<string, T>, d: string, rec: T | null): void {
    if (rec) { map.set(d, rec); this.misses.delete(d); return; }
    if (map.delete(d)) this.emitRevoked([d]);
  }

  private emitRevoked(digests: string[]): void {
    for (const l of this.revokedListeners) l(digests);
  }

  private normalizeScope(role: UserRole, scope: Scope): Scope {
    if (role === 'admin') return WHOLE_FLOOR;
    if (role === 'teamlead' && (!scope.teams || scope.teams.length === 0)) {
      throw new ApiError(400, 'validation_failed', 'request validation failed', [{ path: 'scope.teams', message: 'a team lead needs at least one team' }]);
    }
    return { teams: scope.teams ? [...new Set(scope.teams)] : null, queues: scope.queues ? [...new Set(scope.queues)] : null };
  }

  private isUserRole(role: string): role is UserRole { return role === 'admin' || role === 'supervisor' || role === 'teamlead'; }
  private iso(): string { return new Date(this.clock()).toISOString(); }
}
