import { pino } from 'pino';
import { createApp, type Secrets } from './app.ts';
import { newSecret } from './auth/tokens.ts';
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import type { EventLog } from './store/event-log.ts';
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

async function openLog(config: Config): Promise<EventLog> {
  if (!config.REDIS_URL) return new MemoryLog();
  const { RedisLog } = await import('./store/redis-log.ts');
  return new RedisLog({ url: config.REDIS_URL });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) { console.error(err.message); process.exit(1); }
    throw err;
  }
  const logger = pino({ level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie', '*.caller', 'caller'] });
  const { secrets, generated } = resolveSecrets(config);
  const clock = () => Date.now();
  const log = await openLog(config);
  const app = await createApp({ config, secrets, clock, log, logger });
  const port = await app.listen(config.PORT, config.HOST);
  const base = `http://localhost:${port}`;

  const lines = [
    '',
    `Floorboard is running on ${base}  (store: ${log.kind}, simulator: ${config.SIMULATOR}, time zone: ${config.CENTER_TZ})`,
    `  Supervisor:  ${base}/            user admin, password ${generated.includes('adminPassword') ? secrets.adminPassword : '(ADMIN_PASSWORD)'}`,
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
    stopSimulator = () => sim.stop();
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await stopSimulator?.();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main();
