import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Logger } from 'pino';
import { authRoutes } from './auth/auth-routes.ts';
import { AuthService } from './auth/auth-service.ts';
import type { Config } from './config/config.ts';
import { FloorService } from './floor/floor-service.ts';
import { healthRoutes } from './http/health-routes.ts';
import { errorHandler, sendError } from './http/middleware.ts';
import { readRoutes } from './http/read-routes.ts';
import { staticRoutes } from './http/static-routes.ts';
import { ingestRoutes } from './ingest/ingest-routes.ts';
import { IngestService } from './ingest/ingest-service.ts';
import { attachRealtime, type FloorIo } from './realtime/socket-server.ts';
import type { ConfigStore } from './store/config-store.ts';
import type { EventLog } from './store/event-log.ts';
import { MemoryConfigStore } from './store/memory-config-store.ts';

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
  ingest: IngestService;
  configStore: ConfigStore;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Composition root: wires the parts. `main.ts` picks real implementations; tests call this on port 0. */
export async function createApp(deps: AppDeps): Promise<FloorboardApp> {
  const { config, secrets, clock, log, logger } = deps;
  const configStore = deps.configStore ?? new MemoryConfigStore();
  const auth = new AuthService(clock, config.SESSION_TTL_HOURS * 3600_000);
  await auth.addUser('admin', secrets.adminPassword, 'admin');
  auth.addDisplayToken(secrets.displayToken, 'bootstrap display');
  auth.addIngestKey(secrets.ingestKey, 'bootstrap ingest key');

  const floor = new FloorService(log, {
    tz: config.CENTER_TZ,
    shortAbandonSec: config.SHORT_ABANDON_SEC,
    slThresholdSec: config.SL_THRESHOLD_SEC,
    slTarget: config.SL_TARGET,
    staleWaitSec: 4 * 3600,
    retentionMs: 36 * 3600_000,
  }, clock, logger);
  const ingest = new IngestService(log);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(healthRoutes(log, floor));
  app.use(authRoutes(auth, { secureCookies: false }));
  app.use(ingestRoutes(auth, ingest));
  app.use(readRoutes(auth, floor));
  app.use('/api', (_req, res) => sendError(res, 404, { error: { code: 'not_found', message: 'no such endpoint' } }));
  app.use(staticRoutes(deps.webDist ?? fileURLToPath(new URL('../web/dist', import.meta.url))));
  app.use(errorHandler(logger));

  const http = createServer(app);
  const io = attachRealtime(http, { auth, floor, logger });
  floor.start();

  return {
    http, io, floor, auth, ingest, configStore,
    listen: (port, host) => new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => resolve((http.address() as AddressInfo).port));
    }),
    close: async () => {
      floor.stop();
      io.emit('server:bye', { retryMs: 1000 });
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await log.close();
      await configStore.close();
    },
  };
}
