import { expect, test, type Page } from '@playwright/test';
import { E2E } from '../playwright.config.ts';
import { expectNoScrollbars, signIn, watchConsole } from './helpers.ts';

/**
 * The wallboard end to end against the server Playwright starts (simulator on): the call-room TV
 * at 1080p and 4K in both languages, a refused token, the supervisor's filters and drill-down, and
 * a long-wait alert raised by ingested events. Every page must run without console errors.
 */

const SIZES = [
  { name: '1080p', width: 1920, height: 1080 },
  { name: '4k', width: 3840, height: 2160 },
] as const;
const LANGS = [
  { lang: 'en', file: 'en', heading: 'Queues', live: 'Live' },
  { lang: 'zh-CN', file: 'zh', heading: '队列概况', live: '实时' },
] as const;

/** Figures on the TV (KPI strip, chips and the page body) as one string, to see them change. */
const figures = (page: Page) => page.locator('.kpi, .content').allInnerTexts().then((t) => t.join('|'));
/** A select of the supervisor's toolbar by its visible label. */
const toolbarSelect = (page: Page, label: string) => page.locator(`.toolbar label:has(> span:text-is("${label}")) select`);

for (const size of SIZES) {
  for (const l of LANGS) {
    test(`TV at ${size.name} in ${l.lang}: no scrolling, live figures, screenshot`, async ({ page }) => {
      const console = watchConsole(page);
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.goto(`/tv?token=${E2E.displayToken}&lang=${l.lang}&rotate=0`);
      await expect(page.getByRole('heading', { level: 1, name: l.heading })).toBeVisible();
      await expect(page.locator('.badge.k-live')).toContainText(l.live);
      // Numbers are there: the queue table has rows and the KPI strip shows figures.
      await expect(page.locator('.qrow').first()).toBeVisible();
      await expect(page.locator('.kpi')).toContainText(/\d/);
      // The demo center configuration names the queues (not ids).
      await expect(page.locator('.qrow .qname').first()).toHaveText(/^(Billing|Sales|Support)$/);
      await expectNoScrollbars(page);
      await page.screenshot({ path: `docs/screenshots/tv-${size.name === '4k' ? '4k' : '1080p'}-${l.file}.png` });

      // Every other page of the rotation fits the screen too.
      for (const kind of ['agents', 'breaks', 'intraday'] as const) {
        await page.goto(`/tv?token=${E2E.displayToken}&lang=${l.lang}&rotate=0&pages=${kind}`);
        await expect(page.locator('header.bar')).toBeVisible();
        await expect(page.locator('.kpi')).toContainText(/\d/);
        await page.waitForTimeout(300);
        await expectNoScrollbars(page);
        if (kind === 'agents') {
          // Live: the figures change over time without a reload (time in state ticks; simulator events).
          await expect(page.locator('.agent').first()).toBeVisible();
          const before = await figures(page);
          await expect.poll(() => figures(page), { timeout: 15_000, message: 'TV figures change' }).not.toBe(before);
        }
      }
      console.assertNone();
    });
  }
}

test('an invalid display token shows only the message, no floor data', async ({ page }) => {
  const console = watchConsole(page);
  await page.goto('/tv?token=not-a-valid-token&rotate=0');
  await expect(page.getByRole('heading', { name: 'This display link is not valid' })).toBeVisible();
  await page.waitForTimeout(1500);
  await expect(page.locator('header.bar, .kpi, .qrow, .agent')).toHaveCount(0);
  const text = await page.locator('body').innerText();
  expect(text).not.toMatch(/Billing|Sales|Support|Waiting|Service level/);
  console.assertNone();
});

test('supervisor signs in, filters by team and state, and drills into an agent', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto('/supervisor?lang=en');
  await signIn(page, 'admin', E2E.adminPassword);
  await expect(page.locator('.badge.k-live')).toBeVisible();
  const agents = page.locator('ul.agents > li');
  await expect(agents.first()).toBeVisible();

  // The team on shift now (the most agents signed in), shown by its configured name.
  const snap = (await (await page.request.get('/api/v1/snapshot')).json()) as { teams: { id: string; name?: string; loggedIn: number; available: number }[] };
  const team = [...snap.teams].sort((a, b) => b.loggedIn - a.loggedIn)[0]!;
  expect(team.name).toBeTruthy();

  // Filter: all states, then that team, then one state.
  await toolbarSelect(page, 'State').selectOption('all');
  const all = await agents.count();
  const teamSelect = toolbarSelect(page, 'Team');
  expect(await teamSelect.locator('option').allInnerTexts()).toContain(`Team ${team.name}`);
  await teamSelect.selectOption(team.id);
  await expect.poll(() => agents.count()).toBeLessThan(all);
  const teamCount = await agents.count();
  expect(teamCount).toBeGreaterThan(0);
  await toolbarSelect(page, 'State').selectOption('offline');
  await expect.poll(() => page.locator('ul.agents .agent').evaluateAll((els) => els.filter((e) => !e.classList.contains('st-offline')).length)).toBe(0);
  await toolbarSelect(page, 'State').selectOption('all');
  await expect.poll(() => agents.count()).toBe(teamCount);

  // Drill down: the agent's detail opens from the keyboard and Escape closes it.
  const first = page.locator('ul.agents button.agent').first();
  const label = (await first.getAttribute('aria-label'))!;
  await first.focus();
  await page.keyboard.press('Enter');
  const detail = page.getByRole('dialog');
  await expect(detail).toBeVisible();
  await expect(detail.locator('#agent-detail-name')).toHaveText(label.split(/[,，:：]/)[0]!.trim());
  // Today's state timeline against the roster: both bars, the hour axis and a legend, each stretch labelled in text.
  const timeline = detail.getByRole('region', { name: "Today's timeline" });
  await expect(timeline).toBeVisible();
  await expect(timeline.locator('[data-bar="plan"]')).toBeVisible();
  await expect(timeline.locator('[data-bar="actual"]')).toBeVisible();
  await expect(timeline.getByRole('group', { name: 'Plan' })).toBeVisible();
  await expect(timeline.getByRole('group', { name: 'Actual' })).toBeVisible();
  await expect(timeline.locator('.axis .tick').first()).toHaveText(/^\d{2}:\d{2}$/);
  await expect(timeline.getByRole('list', { name: 'Legend' })).toBeVisible();
  const segmentLabels = await timeline.locator('.seg').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  expect(segmentLabels.every((l) => /\d{2}:\d{2}–\d{2}:\d{2}$/.test(l))).toBe(true);
  await page.screenshot({ path: 'docs/screenshots/supervisor-en.png' });
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);

  // The same board in Chinese.
  await page.getByRole('button', { name: 'Switch the language to Chinese' }).click();
  await expect(toolbarSelect(page, '班组')).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/supervisor-zh.png' });
  await page.getByRole('button', { name: /English|切换/ }).first().click();
  console.assertNone();
});

test('a call waiting past its threshold raises a long-wait alert on the boards', async ({ page, request }) => {
  const console = watchConsole(page);
  const queueId = `e2e-alert-${Date.now().toString(36)}`;
  const res = await request.post('/api/v1/events', {
    headers: { authorization: `Bearer ${E2E.ingestKey}` },
    data: [{ id: `${queueId}-q1`, ts: Date.now() - 70_000, type: 'call.queued', callId: `${queueId}-c1`, queueId, caller: '+8613800000000' }],
  });
  expect(res.status()).toBe(202);

  await page.goto('/supervisor?lang=en');
  await signIn(page, 'admin', E2E.adminPassword);
  const alerts = page.getByRole('region', { name: 'Alerts' }).or(page.locator('section.alerts'));
  const alert = alerts.getByText(/a caller has waited/).filter({ hasText: /E2e alert/i });
  await expect(alert.first()).toBeVisible();
  // The caller's number is never shown.
  await expect(page.locator('body')).not.toContainText('13800000000');

  // The TV shows it too (breaks & alerts page), without the caller's number.
  const tv = await page.context().newPage();
  const tvConsole = watchConsole(tv);
  await tv.setViewportSize({ width: 1920, height: 1080 });
  await tv.goto(`/tv?token=${E2E.displayToken}&rotate=0&pages=breaks`);
  await expect(tv.locator('section.alerts').getByText(/a caller has waited/).first()).toBeVisible();
  await expect(tv.locator('body')).not.toContainText('13800000000');

  // End the call so the demo floor is clean again.
  await request.post('/api/v1/events', { headers: { authorization: `Bearer ${E2E.ingestKey}` }, data: { id: `${queueId}-a1`, ts: Date.now(), type: 'call.abandoned', callId: `${queueId}-c1`, queueId } });
  await expect(alert).toHaveCount(0);
  console.assertNone();
  tvConsole.assertNone();
});
