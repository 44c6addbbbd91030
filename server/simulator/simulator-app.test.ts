import { afterEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { EventSchema, type FloorEvent } from '../../shared/events.ts';
import { getSnapshot, startTestApp, TEST_SECRETS, type TestApp } from '../test-support/test-app.ts';
import { FloorModel } from './floor-model.ts';
import { startSimulator, type SimulatorHandle } from './run-simulator.ts';

const TZ = 'Asia/Shanghai';
const DAY_START = DateTime.fromISO('2026-11-23', { zone: TZ }).toMillis();

let app: TestApp | null = null;
let sim: SimulatorHandle | null = null;
afterEach(async () => {
  await sim?.stop();
  await app?.close();
  sim = null;
  app = null;
});

describe('the simulator through the real ingest API', () => {
  it('backfills a day the server accepts in full, and the board shows the same figures', async () => {
    const now = DAY_START + 18 * 3_600_000; // 18:00 local
    app = await startTestApp({ now, env: { CENTER_TZ: TZ } });
    const clock = app.clock;
    sim = startSimulator({ baseUrl: app.url, ingestKey: TEST_SECRETS.ingestKey, tz: TZ, clock: () => clock.now, seed: 1, tickMs: 20, maxBackoffMs: 100 });
    await sim.backfilled;
    const stats = sim.stats();
    expect(stats.lastError).toBeNull();
    expect(stats.retries).toBe(0);
    expect(stats.duplicates).toBe(0);

    const events: FloorEvent[] = new FloorModel({ startMs: DAY_START, seed: 1, tz: TZ }).advanceTo(now).map((e) => EventSchema.parse(e));
    expect(stats.eventsSent).toBe(events.length);
    const count = (type: FloorEvent['type']) => events.filter((e) => e.type === type).length;
    const snapshot = await getSnapshot(app.url);
    expect(snapshot.totals.offered).toBe(count('call.queued'));
    expect(snapshot.totals.timedOut).toBe(count('call.timeout'));
    expect(snapshot.totals.abandoned + snapshot.totals.shortAbandoned).toBe(count('call.abandoned'));
    expect(snapshot.totals.offered).toBeGreaterThan(2000);
    expect(snapshot.totals.serviceLevel).toBeGreaterThan(0.6);
    expect(snapshot.queues.map((q) => q.id).sort()).toEqual(['billing', 'sales', 'support']);
    expect(snapshot.agents.filter((a) => a.state !== 'offline').length).toBeGreaterThan(30);
    expect(JSON.stringify(snapshot)).not.toMatch(/\+86 1\d\d/); // caller numbers never reach a wallboard
  });
});
