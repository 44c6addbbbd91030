import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { ConfigStore } from '../store/config-store.ts';
import type { Principal } from './principal.ts';

export const AUDIT = 'audit/';

/** Who did it: a signed-in user, a token, or a command-line tool (`cli:<os user>`). */
export interface AuditActor { name: string; role: string }

export interface AuditEntry {
  /** Sortable: time, then a counter; the newest entry has the greatest id. */
  id: string;
  at: string;
  actor: AuditActor;
  /** Client address (the proxy's view when TRUST_PROXY is set), or null for the CLI. */
  ip: string | null;
  /** `<thing>.<verb>`: user.create, display-token.revoke, roster.put, break-plan.put, ... */
  action: string;
  /** What was changed: `users/alice`, `teams/t1/break-plan`, ... */
  target: string;
  before: unknown;
  after: unknown;
}

export interface AuditInput { actor: AuditActor | Principal; ip?: string | null; action: string; target: string; before?: unknown; after?: unknown }

/** `total`: entries in the log (null when filtered: counting would read every entry). */
export interface AuditPage { entries: AuditEntry[]; nextCursor: string | null; total: number | null }

/** Field names whose values are secrets: never written to the audit log. */
const SECRET_FIELD = /pass(word)?|secret|token|hash|^key$|apikey|authorization|cookie/i;
export const REDACTED = '[redacted]';

/** A copy of `value` with every secret-looking field replaced by `[redacted]` (bounded depth and size). */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return typeof value === 'string' && value.length > 2000 ? `${value.slice(0, 2000)}…` : value;
  if (depth > 8) return '[too deep]';
  if (Array.isArray(value)) return value.slice(0, 5000).map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? REDACTED : redactSecrets(v, depth + 1);
  return out;
}

/** The audit fields of an HTTP request: who (the authenticated principal) and from where. */
export function auditSource(req: Request): { actor: AuditActor; ip: string | null } {
  const p = req.principal;
  return { actor: p ? { name: p.name, role: p.role } : { name: 'anonymous', role: 'none' }, ip: req.ip ?? req.socket.remoteAddress ?? null };
}

/**
 * The audit log: every change of configuration, roster, break plan, user, token or key, recorded once
 * with who, when, from where, before and after. Kept in the ConfigStore (`audit/<id>`) so every instance
 * writes to and reads from one log. Call `record` after the change has been stored.
 */
export class AuditLog {
  private counter = 0;
  private sinceTrim = 0;

  constructor(private readonly store: ConfigStore, private readonly clock: () => number, private readonly maxEntries = 100_000) {}

  async record(input: AuditInput): Promise<AuditEntry> {
    const now = this.clock();
    this.counter = (this.counter + 1) % 1_000_000;
    const id = `${String(now).padStart(14, '0')}-${String(this.counter).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
    const entry: AuditEntry = {
      id,
      at: new Date(now).toISOString(),
      actor: { name: input.actor.name, role: input.actor.role },
      ip: input.ip ?? null,
      action: input.action,
      target: input.target,
      before: redactSecrets(input.before),
      after: redactSecrets(input.after),
    };
    await this.store.set(AUDIT + id, entry);
    if (++this.sinceTrim >= 500) { this.sinceTrim = 0; await this.trim(); }
    return entry;
  }

  /** Newest first, `limit` per page; `cursor` = the `nextCursor` of the previous page. Optional filters. */
  async page(opts: { limit: number; cursor?: string; action?: string; actor?: string; target?: string }): Promise<AuditPage> {
    const ids = (await this.store.keys(AUDIT)).map((k) => k.slice(AUDIT.length)).sort().reverse();
    const filtered = opts.action || opts.actor || opts.target;
    const start = opts.cursor ? ids.findIndex((id) => id < opts.cursor!) : 0;
    const entries: AuditEntry[] = [];
    let i = start < 0 ? ids.length : start;
    for (; i < ids.length && entries.length < opts.limit; i++) {
      const e = await this.store.get<AuditEntry>(AUDIT + ids[i]);
      if (!e || !matches(e, opts)) continue;
      entries.push(e);
    }
    return { entries, nextCursor: i < ids.length && entries.length === opts.limit ? entries[entries.length - 1]!.id : null, total: filtered ? null : ids.length };
  }

  /** Every entry, oldest first (for the CSV export), filtered like `page`. */
  async *all(opts: { action?: string; actor?: string; target?: string } = {}): AsyncGenerator<AuditEntry> {
    const ids = (await this.store.keys(AUDIT)).map((k) => k.slice(AUDIT.length)).sort();
    for (const id of ids) {
      const e = await this.store.get<AuditEntry>(AUDIT + id);
      if (e && matches(e, opts)) yield e;
    }
  }

  /** Keeps the newest `maxEntries`. */
  async trim(): Promise<number> {
    const ids = (await this.store.keys(AUDIT)).sort();
    const excess = ids.length - this.maxEntries;
    for (let i = 0; i < excess; i++) await this.store.delete(ids[i]!);
    return Math.max(0, excess);
  }
}

function matches(e: AuditEntry, f: { action?: string; actor?: string; target?: string }): boolean {
  return (!f.action || e.action === f.action || e.action.startsWith(`${f.action}.`)) && (!f.actor || e.actor.name === f.actor) && (!f.target || e.target.startsWith(f.target));
}

const CSV_COLUMNS = ['id', 'at', 'actor', 'role', 'ip', 'action', 'target', 'before', 'after'] as const;

/** One CSV cell: quoted, and a leading = + - @ is defused so spreadsheets do not run it as a formula. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export const auditCsvHeader = () => `${CSV_COLUMNS.join(',')}\r\n`;
export const auditCsvRow = (e: AuditEntry) => `${[e.id, e.at, e.actor.name, e.actor.role, e.ip, e.action, e.target, e.before, e.after].map(csvCell).join(',')}\r\n`;
