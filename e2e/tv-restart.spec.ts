import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { watchConsole } from './helpers.ts';

/**
 * The TV survives a server restart without anyone touching it: this spec runs its OWN server
 * (simulator on, another port), kills it, sees the stale badge, starts it again and sees the same
 * page (no reload) go live and update again.
 */
const PORT = Number(process.env.E2E_RESTART_PORT ?? 3927);
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = 'e2e-restart-display-token-01';

function startServer(): ChildProcess {
  const child = spawn('node_modules/.bin/tsx', ['server/main.ts'], {
    env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', SIMULATOR: 'on', DISPLAY_TOKEN: TOKEN, ADMIN_PASSWORD: 'e2e-restart-admin-pw', INGEST_KEY: 'e2e-restart-ingest-key-01', LOG_LEVEL: 'warn', REDIS_URL: '' },
    stdio: 'ignore',
    detached: true, // its own process group: the kill reaches tsx's child too
  });
  return child;
}

async function waitHealthy(): Promise<void> {
  await expect.poll(async () => {
    try { return (await fetch(`${BASE}/healthz`)).status; } catch { return 0; }
  }, { timeout: 60_000, message: 'restart server up' }).toBe(200);
}

function kill(child: ChildProcess | null): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGKILL');
  });
}

let server: ChildProcess | null = null;
test.afterAll(async () => { await kill(server); });

test('the TV keeps updating across a server restart, showing stale while the server is down', async ({ page }) => {
  test.setTimeout(150_000);
  server = startServer();
  await waitHealthy();
  const console = watchConsole(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${BASE}/tv?token=${TOKEN}&rotate=0&pages=agents`);
  await expect(page.locator('.badge.k-live')).toBeVisible();
  await expect(page.locator('.agent').first()).toBeVisible({ timeout: 30_000 });
  await page.evaluate(() => { (window as unknown as { e2eMarker: string }).e2eMarker = 'same page'; });

  await kill(server);
  await expect(page.locator('.badge.k-stale')).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('div.tv.stale')).toBeVisible();
  // Stale, not blank: the last figures stay on the wall.
  await expect(page.locator('.kpi')).toContainText(/\d/);

  server = startServer();
  await waitHealthy();
  await expect(page.locator('.badge.k-live')).toBeVisible({ timeout: 45_000 });
  expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe('same page');
  await expect(page.locator('.agent').first()).toBeVisible({ timeout: 30_000 });
  const before = await page.locator('.kpi, .content').allInnerTexts();
  await expect.poll(() => page.locator('.kpi, .content').allInnerTexts(), { timeout: 20_000, message: 'figures update after the restart' }).not.toEqual(before);
  // While the server was down the socket's reconnect attempts fail; those are network errors the
  // browser logs, not errors of the page. Anything else is a failure.
  console.errors.splice(0, console.errors.length, ...console.errors.filter((e) => !/ERR_CONNECTION_REFUSED|WebSocket connection|socket\.io/i.test(e)));
  console.assertNone();
});
