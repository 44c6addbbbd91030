import { DateTime } from 'luxon';
import type { RosterPut } from '../../shared/roster.ts';
import type { WorkforceService } from '../workforce/workforce-service.ts';
import { rosterForDate } from './day-plan.ts';
import { buildFloor } from './floor-config.ts';
import type { SimLogger } from './batch-poster.ts';

/**
 * The roster the simulator's floor follows on `date` (three shifts with the weekly rotation, a
 * 5-minute short break in each working hour, a 30-minute meal), shaped for `PUT /api/v1/roster`.
 */
export function demoRoster(date: string, tz: string, seed = 1): RosterPut {
  return rosterForDate(buildFloor(seed), date, tz);
}

/**
 * Publishes the demo roster of today and tomorrow (and keeps doing so as days pass) when none
 * exists yet, so adherence and attendance show from the first minute of a demo. A roster an
 * admin has put is never overwritten. Returns a stop function.
 */
export function publishDemoRosters(wf: WorkforceService, tz: string, clock: () => number, logger: SimLogger, seed = 1): () => void {
  const by = { actor: { name: 'simulator', role: 'admin' }, ip: null };
  const publish = async () => {
    const today = DateTime.fromMillis(clock(), { zone: tz });
    for (const d of [today, today.plus({ days: 1 })]) {
      const date = d.toISODate()!;
      if (await wf.getRoster(date)) continue;
      await wf.putRoster(demoRoster(date, tz, seed), by);
      logger.info({ date }, 'simulator: demo roster published');
    }
  };
  const run = () => void publish().catch((err: unknown) => logger.error({ err }, 'simulator: demo roster could not be published'));
  run();
  const timer = setInterval(run, 10 * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
