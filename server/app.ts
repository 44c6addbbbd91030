import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Logger } from 'pino';
import { adminRoutes } from './auth/admin-routes.ts';
import { AuditLog } from './auth/audit-log.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { AuthService } from './auth/auth-service.ts';
import type { Config } from './config/config.ts';
import { FloorService } from './floor/floor-service.ts';
import { healthRoutes } from './http/health-routes.ts';
import { errorHandler, sendError } from './http/middleware.ts';
import { readRoutes } from './http/read-routes.ts';
import { apiOriginGuard, bodySizeCap, parseOrigins, securityHeaders, trustProxySetting } from './http/security.ts';
import { staticRoutes } from './http/static-routes.ts';
import { ingestRoutes } from './ingest/ingest-routes.ts';
import { IngestService } from './ingest/ingest-service.ts';
import { attachRealtime, type FloorIo } from './realtime/socket-server.ts';
import type { ConfigStore } from './store/config-store.ts';
import type { EventLog } from './store/event-log.ts';
import { MemoryConfigStore } from './store/memory-config-store.ts';
import { workforceRoutes } from './workforce/workforce-routes.ts';
import { WorkforceService } from './workforce/workforce-service.ts';

export interface Secrets { adminPassword: string; ingestKey: string; displayToken: string }

export interface AppDeps {
  config: Config;
  secrets: Secrets;
  clock: () => number;
  log: EventLog;
  /** Shared configuration (rosters, break plans, ...); memory by default. */
  configStore?: ConfigStore;
  logger: Logger;
  /** Where the built web app lives (tests may point elsewhere). */
  webDist?: string;
}

export interface FloorboardApp {
  http: HttpServer;
  io: FloorIo;
  floor: FloorService;
  auth: AuthService;
  /** Record every change of configuration, roster, break plan, user, token or key here. */
  audit: AuditLog;
  /** Whether this start created the bootstrap admin (false: it already existed in the ConfigStore). */
  adminCreated: boolean;
  ingest: IngestService;
  configStore: ConfigStore;
  /** Rosters and break plans (validated, stored, audited, handed to the engine). */
  workforce: WorkforceService;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Composition root: wires the parts. `main.ts` picks real implementations; tests call this on port 0. */
export async function createApp(deps: AppDeps): Promise<FloorboardApp> {
  const { config, secrets, clock, log, logger } = deps;
  const configStore = deps.configStore ?? new MemoryConfigStore();
  // Users, sessions, display tokens and ingest keys live in the ConfigStore (shared by every instance).
  const auth = new AuthService(configStore, clock, config.SESSION_TTL_HOURS * 3600_000);
  await auth.start();
  const adminCreated = await auth.ensureAdmin('admin', secrets.adminPassword);
  await auth.ensureBootstrapSecret('display', secrets.displayToken);
  await auth.ensureBootstrapSecret('ingest', secrets.ingestKey);
  const audit = new AuditLog(configStore, clock);
  const allowedOrigins = parseOrigins(config.ALLOWED_ORIGINS);

  const floor = new FloorService(log, {
    tz: config.CENTER_TZ,
    shortAbandonSec: config.SHORT_ABANDON_SEC,
    slThresholdSec: config.SL_THRESHOLD_SEC,
    slTarget: config.SL_TARGET,
    staleWaitSec: 4 * 3600,
    retentionMs: 36 * 3600_000,
  }, clock, logger, { checkpointEverySec: config.CHECKPOINT_EVERY_SEC, logRetentionMs: config.LOG_RETENTION_HOURS * 3600_000 });
  const ingest = new IngestService(log);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  app.use(securityHeaders());
  app.use('/api', apiOriginGuard(allowedOrigins), bodySizeCap());
  app.use(healthRoutes(log, floor));
  app.use(authRoutes(auth, { secureCookies: false, audit }));
  app.use(adminRoutes(auth, audit));
  app.use(ingestRoutes(auth, ingest, clock));
  app.use(readRoutes(auth, floor));
  const workforce = new WorkforceService(configStore, floor, audit, config.CENTER_TZ, clock, logger);
  app.use(workforceRoutes(auth, workforce));
  app.use('/api', (_req, res) => sendError(res, 404, { error: { code: 'not_found', message: 'no such endpoint' } }));
  app.use(staticRoutes(deps.webDist ?? fileURLToPath(new URL('../web/dist', import.meta.url))));
  app.use(errorHandler(logger));

  const http = createServer(app);
  const io = attachRealtime(http, { auth, floor, logger, allowedOrigins });
  await floor.start(); // restores the checkpoint first, so nothing is served from a half-built floor
  await workforce.start(); // rosters and break plans into the (possibly restored) engine
  const dayRefresh = setInterval(() => void workforce.refreshDays().catch((err: unknown) => logger.warn({ err }, 'schedule refresh failed')), 60_000);
  dayRefresh.unref();

  return {
    http, io, floor, auth, audit, adminCreated, ingest, configStore, workforce,
    listen: (port, host) => new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => resolve((http.address() as AddressInfo).port));
    }),
    close: async () => {
      // A last checkpoint makes the next start fast; skipped when the store is down.
      if (log.healthy()) await floor.checkpoint().catch((err: unknown) => logger.warn({ err }, 'final checkpoint failed'));
      clearInterval(dayRefresh);
      workforce.stop();
      floor.stop();
      auth.stop();
      io.emit('server:bye', { retryMs: 1000 });
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await log.close();
      await configStore.close();
    },
  };
}
