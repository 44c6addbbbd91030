import { IANAZone } from 'luxon';
import { z } from 'zod';
import { parseShiftTimes } from '../reports/shift-window.ts';

const secret = (min: number) => z.string().min(min, `must be at least ${min} characters`).optional();

/** Every setting the server reads from the environment, validated once at start (SPEC §6). */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  CENTER_TZ: z.string().refine((tz) => IANAZone.isValidZone(tz), 'must be an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  SIMULATOR: z.enum(['on', 'off']).default('on'),
  ADMIN_PASSWORD: secret(8),
  INGEST_KEY: secret(16),
  DISPLAY_TOKEN: secret(16),
  /** Browser origins besides the server's own allowed to open the websocket and send API writes (comma list). Empty = same origin only. */
  ALLOWED_ORIGINS: z.string().refine((v) => v.split(',').map((s) => s.trim()).filter(Boolean).every((s) => { try { return ['http:', 'https:'].includes(new URL(s).protocol); } catch { return false; } }), 'must be a comma list of origins such as https://wall.example.com').optional(),
  /** Behind a reverse proxy: hop count, or a comma list of proxy addresses/CIDRs (loopback, uniquelocal, 10.0.0.0/8). Unset = trust no proxy headers. */
  TRUST_PROXY: z.string().regex(/^(true|false|\d+|[\w.:/\s,-]+)$/, 'a hop count, true/false, or a comma list of addresses/CIDRs').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  SHORT_ABANDON_SEC: z.coerce.number().min(0).max(600).default(5),
  SL_THRESHOLD_SEC: z.coerce.number().min(1).max(3600).default(20),
  SL_TARGET: z.coerce.number().gt(0).max(1).default(0.8),
  CHECKPOINT_EVERY_SEC: z.coerce.number().min(1).default(60),
  /** Reorder horizon (minutes of event time): later events older than this behind the newest are folded by the too-late rule (docs/metrics.md). */
  REORDER_HORIZON_MIN: z.coerce.number().int('must be whole minutes').min(5, 'must be at least 5').max(36 * 60, 'must be at most 2160 (the 36 h retention)').default(5),
  /** The event log is trimmed only through checkpoints at least this old (a replica or a restart can fall back that far). */
  LOG_RETENTION_HOURS: z.coerce.number().gt(0, 'must be more than 0').max(24 * 365).default(48),
  /** Shift windows of the end-of-shift report, e.g. `early=08:00-16:00,late=16:00-24:00,night=00:00-08:00` (SPEC §2 defaults). */
  SHIFT_TIMES: z.string().superRefine((v, ctx) => { try { parseShiftTimes(v); } catch (err) { ctx.addIssue({ code: 'custom', message: (err as Error).message }); } }).optional(),
  /** When set, `GET /metrics` needs `Authorization: Bearer <METRICS_TOKEN>` (or an admin); unset = open (scrape on the internal network). */
  METRICS_TOKEN: secret(16),
  /** On SIGTERM: seconds to drain in-flight requests before connections are cut and the process exits. */
  SHUTDOWN_GRACE_SEC: z.coerce.number().int().min(3).max(300).default(10),
});
export type Config = Readonly<z.infer<typeof ConfigSchema>>;

export class ConfigError extends Error {}

/** Reads and validates configuration; the error names every bad variable. Empty strings count as unset. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}
