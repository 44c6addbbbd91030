import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3917);
export const E2E = { port, base: `http://127.0.0.1:${port}`, displayToken: 'e2e-display-token-000', adminPassword: 'e2e-admin-password', ingestKey: 'e2e-ingest-key-0000000' };

// Debian's Chromium, never a downloaded browser; flags keep it off the (closed) network.
export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: E2E.base,
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'npx tsx server/main.ts',
    url: `${E2E.base}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: { PORT: String(port), HOST: '127.0.0.1', SIMULATOR: 'on', DISPLAY_TOKEN: E2E.displayToken, ADMIN_PASSWORD: E2E.adminPassword, INGEST_KEY: E2E.ingestKey, LOG_LEVEL: 'warn' },
  },
});
