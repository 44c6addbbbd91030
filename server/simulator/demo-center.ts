import type { CenterConfig } from '../../shared/center-config.ts';
import { QUEUES, TEAMS } from './floor-config.ts';

/**
 * The demo floor's center configuration: the simulator's queue and team names (thresholds stay
 * at their defaults, so an admin sees SPEC §3's values until they set their own).
 */
export function demoCenterConfig(): CenterConfig {
  return {
    defaults: {},
    queues: QUEUES.map((q) => ({ id: q.id, name: q.name })),
    teams: TEAMS.map((t) => ({ id: t.id, name: t.name })),
  };
}
