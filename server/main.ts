import { pino, type Logger } from 'pino';
import { createApp, type Secrets } from './app.ts';
import { newSecret } from './auth/tokens.ts';
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import type { ConfigStore } from './store/config-store.ts';
import type { EventLog } from './store/event-log.ts';
import { MemoryConfigStore } from './store/memory-config-store.ts';
import { MemoryLog } from './store/memory-log.ts';

/** Unset secrets are generated and printed once (demo mode); set ones are never printed. */
function resolveSecrets(config: Config): { secrets: Secrets; generated: (keyof Secrets)[] } {
  const generated: (keyof Secrets)[] = [];
  const pick = (value: string | undefined, name: keyof Secrets) => {
    if (value) return value;
    generated.push(name);
    return newSecret(18);
  };
  return {
    secrets: { adminPassword: pick(config.ADMIN_PASSWORD, 'adminPassword'), ingestKey: pick(config.INGEST_KEY, 'ingestKey'), displayToken: pick(config.DISPLAY_TOKEN, 'displayToken') },
    generated,
  };
}

/** The event log and the shared configuration: both in Redis with REDIS_URL, else in memory. */
async function openStores(config: Config, logger: Logger): Promise<{ log: EventLog; configStore: ConfigStore }> {
  if (!config.REDIS_URL) return { log: new MemoryLog(), configStore: new MemoryConfigStore() };
  const { RedisLog } = await import('./store/redis-log.ts');
  const { RedisConfigStore } = await import('./store/redis-config-store.ts');
  const onError = (message: string, err: unknown) => logger.warn({ err: err instanceof Error ? err.message : err }, `redis: ${message}`);
  // 1.5 s: ingest answers 503 within 2 s while Redis is down (SPEC §8; docs/redis.md).
  const log = new RedisLog({ url: config.REDIS_URL, appendTimeoutMs: 1_500, onError });
  const configStore = new RedisConfigStore({ url: config.REDIS_URL, timeoutMs: 1_500, onError });
  try {
    for (const w of await log.durabilityWarnings()) logger.warn(`Redis durability: ${w} (see docs/redis.md)`);
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : err }, 'Redis is not reachable yet; the server waits for it');
  }
  return { log, configStore };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); process.exit(1); }
    throw err;
  }
  // Secrets and caller numbers never reach the logs (docs/security.md "What is logged").
  const logger = pino({
    level: config.LOG_LEVEL,
    redact: [
      'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-floorboard-signature"]', 'res.headers["set-cookie"]',
      'caller', '*.caller', '*[*].caller', 'event.caller', 'events[*].caller', 'body.caller', 'body[*].caller',
      'password', '*.password', '*.currentPassword', '*.newPassword', 'token', '*.token', '*.signingSecret', '*.passwordHash',
    ],
  });
  const { secrets, generated } = resolveSecrets(config);
  const clock = () => Date.now();
  const { log, configStore } = await openStores(config, logger);
  const app = await createApp({ config, secrets, clock, log, configStore, logger });
  const port = await app.listen(config.PORT, config.HOST);
  const base = `http://localhost:${port}`;

  const lines = [
    '',
    `Floorboard is running on ${base}  (store: ${log.kind}, simulator: ${config.SIMULATOR}, time zone: ${config.CENTER_TZ})`,
    `  Supervisor:  ${base}/            user admin, password ${!app.adminCreated ? '(unchanged: the admin already exists in the store; reset it with scripts/users.ts)' : generated.includes('adminPassword') ? secrets.adminPassword : '(ADMIN_PASSWORD)'}`,
    `  TV display:  ${base}/tv?token=${generated.includes('displayToken') ? secrets.displayToken : '<DISPLAY_TOKEN>'}`,
    `  Ingest key:  ${generated.includes('ingestKey') ? secrets.ingestKey : '(INGEST_KEY)'}   POST ${base}/api/v1/events`,
    generated.length > 0 ? '  (generated secrets are shown once; set ADMIN_PASSWORD, INGEST_KEY, DISPLAY_TOKEN to choose your own)' : '',
    '',
  ];
  console.log(lines.filter((l) => l !== '').join('\n'));

  let stopSimulator: (() => Promise<void>) | null = null;
  if (config.SIMULATOR === 'on') {
    const { startSimulator } = await import('./simulator/run-simulator.ts');
    const sim = startSimulator({ baseUrl: `http://127.0.0.1:${port}`, ingestKey: secrets.ingestKey, tz: config.CENTER_TZ, clock, logger });
    // The simulated floor's roster (today and tomorrow), so adherence shows from the first minute.
    const { publishDemoRosters } = await import('./simulator/demo-roster.ts');
    const stopRosters = publishDemoRosters(app.workforce, config.CENTER_TZ, clock, logger);
    // The simulated floor's team and queue names, unless a center configuration exists already.
    const { demoCenterConfig } = await import('./simulator/demo-center.ts');
    void app.centerConfig.seed(demoCenterConfig(), { actor: { name: 'simulator', role: 'admin' }, ip: null })
      .catch((err: unknown) => logger.error({ err }, 'simulator: demo center configuration could not be stored'));
    stopSimulator = () => { stopRosters(); return sim.stop(); };
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_SEC * 1000);
    force.unref();
    const t0 = Date.now();
    try {
      await stopSimulator?.();
      // Readiness off, server:bye to screens, stop accepting, drain in-flight requests, last checkpoint (docs/operations.md).
      await app.close();
    } catch (err) {
      logger.error({ err }, 'shutdown did not complete cleanly');
      process.exit(1);
    }
    logger.info({ signal, ms: Date.now() - t0 }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main();
