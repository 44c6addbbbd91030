import { expect, test, type APIRequestContext } from '@playwright/test';
import { E2E } from '../playwright.config.ts';

/**
 * A team lead (班长) moves a break of their team on the rotation timeline, sees the projected
 * effect, saves, and the board follows: the saved plan is what the server now schedules.
 * The server runs the simulator, which publishes the demo roster at start.
 */

const LEAD = { username: 'lead-e2e', password: 'lead-e2e-password' };

async function adminToken(request: APIRequestContext): Promise<string> {
  const res = await request.post('/api/v1/login', { data: { username: 'admin', password: E2E.adminPassword } });
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { token: string }).token;
}

interface Slot { agentId: string; type: string; start: string; end: string }
interface Plan { date: string; slots: Slot[]; shifts: { agentId: string; shiftStart: string; shiftEnd: string }[] }

const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

test('a team lead moves a break, sees the projection, saves, and the board changes', async ({ page, request }) => {
  const admin = await adminToken(request);
  const auth = { authorization: `Bearer ${admin}` };

  // The team on shift now, and one of its short breaks far enough ahead to move.
  let team = '';
  let plan: Plan | null = null;
  let nowMin = 0;
  await expect.poll(async () => {
    const snap = (await (await request.get('/api/v1/snapshot', { headers: { authorization: `Bearer ${E2E.displayToken}` } })).json()) as { center: { tz: string }; teams: { id: string; scheduledNow: number }[] };
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: snap.center.tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(Date.now());
    nowMin = toMin(parts);
    for (const t of snap.teams.filter((x) => x.scheduledNow > 0)) {
      const p = (await (await request.get(`/api/v1/teams/${t.id}/break-plan`, { headers: auth })).json()) as Plan;
      if (p.slots.some((s) => s.type === 'short_break' && toMin(s.start) > nowMin + 20 && toMin(s.end) + 15 < toMin(p.shifts.find((x) => x.agentId === s.agentId)!.shiftEnd))) { team = t.id; plan = p; return true; }
    }
    return false;
  }, { timeout: 60_000, message: 'a team on shift with a break ahead' }).toBe(true);
  const slot = plan!.slots.find((s) => s.type === 'short_break' && toMin(s.start) > nowMin + 20)!;

  const created = await request.post('/api/v1/admin/users', { headers: auth, data: { ...LEAD, role: 'teamlead', scope: { teams: [team], queues: null } } });
  expect([201, 409]).toContain(created.status());

  await page.goto(`/teamlead?team=${encodeURIComponent(team)}`);
  await page.locator('input[name=username]').fill(LEAD.username);
  await page.locator('input[name=password]').fill(LEAD.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Break rotation' })).toBeVisible();

  // Select the break and move it 10 minutes later from the keyboard, then 5 more by dragging.
  const block = page.locator(`[data-slot="${slot.agentId}|${slot.start}"]`);
  await expect(block).toBeVisible();
  await block.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const movedStart = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
  const after10 = movedStart(toMin(slot.start) + 10);
  const moved = page.locator(`[data-slot="${slot.agentId}|${after10}"]`);
  await expect(moved).toBeVisible();
  const box = (await moved.boundingBox())!;
  const track = (await moved.locator('xpath=..').boundingBox())!;
  const span = await page.locator('.tick').evaluateAll((ticks) => (ticks.length - 1) * 60);
  const pxPer5 = (track.width / span) * 5;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + pxPer5 / 2, box.y + box.height / 2, { steps: 3 });
  await page.mouse.move(box.x + box.width / 2 + pxPer5 * 1.05, box.y + box.height / 2, { steps: 3 });
  await page.mouse.up();
  const target = movedStart(toMin(slot.start) + 15);
  await expect(page.locator(`[data-slot="${slot.agentId}|${target}"]`)).toBeVisible();
  await expect(page.getByText('1 unsaved change(s)')).toBeVisible();

  // The projected effect before saving.
  await page.getByRole('button', { name: 'Show projected effect' }).click();
  const projection = page.getByTestId('projection');
  await expect(projection).toBeVisible();
  await expect(projection.getByRole('heading', { name: /Projected effect/ })).toBeVisible();
  await page.screenshot({ path: 'test-results/teamlead-projection.png', fullPage: true });

  await page.getByRole('button', { name: 'Save plan' }).click();
  await expect(page.getByText('Plan saved.')).toBeVisible();

  // The board changed: the server schedules the moved break, and a fresh screen shows it.
  const saved = (await (await request.get(`/api/v1/teams/${team}/break-plan`, { headers: auth })).json()) as Plan & { source: string };
  expect(saved.source).toBe('saved');
  expect(saved.slots).toContainEqual({ ...slot, start: target, end: movedStart(toMin(slot.end) + 15) });
  await page.reload();
  await expect(page.locator(`[data-slot="${slot.agentId}|${target}"]`)).toBeVisible();
  await expect(page.locator(`[data-slot="${slot.agentId}|${slot.start}"]`)).toHaveCount(0);
  await expect(page.getByText(/Saved plan \(by lead-e2e/)).toBeVisible();
  await page.screenshot({ path: 'test-results/teamlead-saved.png', fullPage: true });
});
