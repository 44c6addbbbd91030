import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Logger } from 'pino';
import { adminRoutes } from './auth/admin-routes.ts';
import { AuditLog } from './auth/audit-log.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { centerConfigRoutes } from './center/center-config-routes.ts';
import { CenterConfigService } from './center/center-config-service.ts';
import { AuthService } from './auth/auth-service.ts';
import type { Config } from './config/config.ts';
import { FloorService } from './floor/floor-service.ts';
import { agentTimelineRoutes } from './http/agent-timeline-routes.ts';
import { healthRoutes } from './http/health-routes.ts';
import { errorHandler, sendError } from './http/middleware.ts';
import { readRoutes } from './http/read-routes.ts';
import { apiOriginGuard, bodySizeCap, parseOrigins, securityHeaders, trustProxySetting } from './http/security.ts';
import { staticRoutes } from './http/static-routes.ts';
import { ingestRoutes } from './ingest/ingest-routes.ts';
import { leanIngestHandler } from './ingest/lean-ingest.ts';
import { openApiRoutes } from './openapi/openapi-routes.ts';
import { DataQualityTracker } from './ops/data-quality.ts';
import { ingestStats } from './ops/ingest-stats.ts';
import { OpsMetrics } from './ops/metrics.ts';
import { opsRoutes } from './ops/ops-routes.ts';
import { requestLog, requestTracker, type HttpState } from './ops/request-log.ts';
import { reportRoutes } from './reports/report-routes.ts';
import { ShiftReporter } from './reports/shift-report.ts';
import { parseShiftTimes } from './reports/shift-window.ts';
import { IngestService } from './ingest/ingest-service.ts';
import { attachRealtime, type FloorIo } from './realtime/socket-server.ts';
import type { ConfigStore } from './store/config-store.ts';
import type { EventLog } from './store/event-log.ts';
import { MemoryConfigStore } from './store/memory-config-store.ts';
import { workforceRoutes } from './workforce/workforce-routes.ts';
import { WorkforceService } from './workforce/workforce-service.ts';

export interface Secrets { adminPassword: string; ingestKey: string; displayToken: string }

/** One published delta in this many is sized for the delta-bytes metric. */
const DELTA_SIZE_SAMPLE = 20;

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
  /** Team/queue names and thresholds (validated, stored, audited, handed to the engine). */
  centerConfig: CenterConfigService;
  /** Prometheus metrics and the data-quality tracker of this instance (server/ops/). */
  metrics: OpsMetrics;
  quality: DataQualityTracker;
  /** The express app (the OpenAPI test walks its routes). */
  express: express.Express;
  listen(port: number, host?: string): Promise<number>;
  /** Graceful stop: readiness off, `server:bye` to screens, stop accepting, drain in-flight requests, last checkpoint. */
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
    reorderHorizonMs: config.REORDER_HORIZON_MIN * 60_000,
  }, clock, logger, { checkpointEverySec: config.CHECKPOINT_EVERY_SEC, logRetentionMs: config.LOG_RETENTION_HOURS * 3600_000 });
  // Operations (docs/operations.md): metrics, data quality, request logs, draining on shutdown.
  const httpState: HttpState = { inFlight: 0, draining: false };
  const metrics = new OpsMetrics({
    storeHealthy: () => log.healthy(),
    socketsByRole: () => { const by = new Map<string, number>(); for (const s of io.sockets.sockets.values()) by.set(s.data.role, (by.get(s.data.role) ?? 0) + 1); return by; },
    outOfOrder: () => floor.engine.outOfOrder,
    eventsApplied: () => floor.engine.eventsApplied,
    inFlightRequests: () => httpState.inFlight,
  });
  const quality = new DataQualityTracker(() => floor.engine, clock, metrics);
  floor.onFold((entries, ms) => { metrics.foldedEvents.inc(entries); metrics.foldSeconds.observe(ms / 1000); });
  // Sized once a second (every 20th delta): serializing every frame only to measure it costs as much as sending it.
  let deltas = 0;
  floor.onDelta((delta) => { if (deltas++ % DELTA_SIZE_SAMPLE === 0) metrics.deltaBytes.observe(Buffer.byteLength(JSON.stringify(delta))); });
  const ingest = new IngestService(log, quality);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.TRUST_PROXY));
  const track = requestTracker(logger, metrics, httpState);
  const headers = securityHeaders();
  app.use(requestLog(track));
  app.use(headers);
  // A draining instance is not ready: the load balancer stops sending it traffic.
  app.get('/readyz', (_req, res, next) => { if (httpState.draining) res.status(503).json({ status: 'draining' }); else next(); });
  app.use('/api', apiOriginGuard(allowedOrigins), bodySizeCap());
  app.use(healthRoutes(log, floor));
  app.use(authRoutes(auth, { secureCookies: false, audit }));
  app.use(adminRoutes(auth, audit));
  app.use(ingestStats(quality));
  app.use(ingestRoutes(auth, ingest, clock));
  app.use(readRoutes(auth, floor));
  app.use(agentTimelineRoutes(auth, floor, clock));
  const workforce = new WorkforceService(configStore, floor, audit, config.CENTER_TZ, clock, logger);
  app.use(workforceRoutes(auth, workforce));
  const centerConfig = new CenterConfigService(configStore, floor, audit, clock, logger);
  app.use(centerConfigRoutes(auth, centerConfig, floor, { slThresholdSec: config.SL_THRESHOLD_SEC, slTarget: config.SL_TARGET }));
  const reporter = new ShiftReporter({
    log, clock, engineConfig: () => floor.engine.cfg, centerConfig: () => floor.engine.center,
    shiftsOf: (date) => workforce.effectiveDay(date), logRetentionMs: config.LOG_RETENTION_HOURS * 3600_000,
  });
  app.use(reportRoutes(auth, reporter, floor, { tz: config.CENTER_TZ, clock, shiftTimes: parseShiftTimes(config.SHIFT_TIMES) }));
  app.use(opsRoutes(auth, metrics, quality, { metricsToken: config.METRICS_TOKEN }));
  app.use(openApiRoutes());
  app.use('/api', (_req, res) => sendError(res, 404, { error: { code: 'not_found', message: 'no such endpoint' } }));
  app.use(staticRoutes(deps.webDist ?? fileURLToPath(new URL('../web/dist', import.meta.url))));
  app.use(errorHandler(logger));

  // Plain ingest requests skip express (server/ingest/lean-ingest.ts); everything else goes to the app.
  const leanIngest = leanIngestHandler({ auth, ingest, quality, track, securityHeaders: headers, allowedOrigins, etag: app.get('etag fn'), clock, logger });
  const http = createServer((req, res) => { if (!leanIngest(req, res)) app(req, res); });
  const io = attachRealtime(http, { auth, floor, logger, allowedOrigins });
  await floor.start(); // restores the checkpoint first, so nothing is served from a half-built floor
  await workforce.start(); // rosters and break plans into the (possibly restored) engine
  await centerConfig.start(); // names and thresholds into the engine
  const dayRefresh = setInterval(() => void workforce.refreshDays().catch((err: unknown) => logger.warn({ err }, 'schedule refresh failed')), 60_000);
  dayRefresh.unref();

  return {
    http, io, floor, auth, audit, adminCreated, ingest, configStore, workforce, centerConfig, metrics, quality, express: app,
    listen: (port, host) => new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => resolve((http.address() as AddressInfo).port));
    }),
    close: async () => {
      // Readiness off and `Connection: close` on every answer from now on.
      httpState.draining = true;
      clearInterval(dayRefresh);
      // Screens first: reconnect (to another instance, or to this one restarted) after retryMs.
      io.emit('server:bye', { retryMs: 1000 });
      // Stop accepting; in-flight requests finish (idle keep-alive connections close at once);
      // connections still busy after the grace are cut.
      const cut = setTimeout(() => http.closeAllConnections(), Math.max(1000, (config.SHUTDOWN_GRACE_SEC - 2) * 1000));
      cut.unref();
      // Keep-alive connections whose last request just finished go at once (not after keepAliveTimeout).
      const idle = setInterval(() => http.closeIdleConnections(), 50);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      clearTimeout(cut);
      clearInterval(idle);
      // A last checkpoint (including what the drained requests appended) makes the next start fast; skipped when the store is down.
      if (log.healthy()) await floor.checkpoint().catch((err: unknown) => logger.warn({ err }, 'final checkpoint failed'));
      workforce.stop();
      centerConfig.stop();
      floor.stop();
      auth.stop();
      await log.close();
      await configStore.close();
    },
  };
}
