import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { E2E } from '../playwright.config.ts';

/**
 * Console errors and uncaught exceptions of a page. The one expected failure is the signed-out
 * probe `GET /api/v1/me` answering 401 before the sign-in form (that is how the app asks whether
 * a session exists); everything else fails the test.
 */
export function watchConsole(page: Page): { errors: string[]; assertNone(): void } {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location().url;
    if (/status of 401/.test(m.text()) && /\/api\/v1\/me$/.test(url)) return;
    errors.push(`${m.text()} (${url})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { errors, assertNone: () => expect(errors, 'console errors').toEqual([]) };
}

export async function adminToken(request: APIRequestContext, base = ''): Promise<string> {
  const res = await request.post(`${base}/api/v1/login`, { data: { username: 'admin', password: E2E.adminPassword } });
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { token: string }).token;
}

/** Signs in through the login form (the page is on a signed-in route). */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('input[name=password]').press('Enter');
}

/** The page's document never scrolls: content fits the viewport both ways. */
export async function expectNoScrollbars(page: Page): Promise<void> {
  const d = await page.evaluate(() => {
    const el = document.scrollingElement!;
    return { sh: el.scrollHeight, sw: el.scrollWidth, ih: window.innerHeight, iw: window.innerWidth };
  });
  expect(d.sh, 'scrollHeight <= innerHeight').toBeLessThanOrEqual(d.ih);
  expect(d.sw, 'scrollWidth <= innerWidth').toBeLessThanOrEqual(d.iw);
}
