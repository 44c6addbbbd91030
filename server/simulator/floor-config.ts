import { Rng } from './prng.ts';
import { makeNames } from './names.ts';

/**
 * The demo floor: queues, teams, agents and their traits. Built deterministically from a seed,
 * so every run with the same seed has the same people with the same habits.
 */

export type ShiftName = 'early' | 'late' | 'night';

/** Default shifts of SPEC §2 as local wall-clock times (`24:00` = the next midnight). */
export const SHIFTS: Readonly<Record<ShiftName, { start: string; end: string }>> = {
  early: { start: '08:00', end: '16:00' },
  late: { start: '16:00', end: '24:00' },
  night: { start: '00:00', end: '08:00' },
};

/** Which shift pattern an agent follows: groups A and B swap early/late every ISO week; N works nights. */
export type RotationGroup = 'A' | 'B' | 'N';

export interface QueueDef {
  id: string;
  name: string;
  /** Share of inbound volume. */
  share: number;
  /** Median talk time in seconds (talk times are lognormal). */
  talkMedianSec: number;
  /** Max wait before the call leaves the queue by rule (`call.timeout`); default the floor's. */
  maxWaitSec?: number;
  /** Where a transferred call of this queue goes, with its probability per answered call. */
  transferTo: { queueId: string; p: number }[];
}

export interface TeamDef {
  id: string;
  name: string;
  kind: 'inbound' | 'outbound';
  /** Queues the team's agents serve (inbound) — empty for telesales. */
  queues: string[];
  size: number;
  /** Rotation group of the whole team, or `split` to alternate A/B among its members. */
  rotation: RotationGroup | 'split';
  /** First numeric part of its agents' ids (`a-101`, `a-102`, ...). */
  idBase: number;
}

export interface OutboundProfile {
  campaignId: string;
  /** Calls per logged-in hour the agent works at (SPEC §2 grading). */
  cph: number;
  /** Probability that a connected call ends in a sale (success / (success + failure)). */
  successRate: number;
}

export interface AgentDef {
  id: string;
  name: string;
  teamId: string;
  /** Position inside the team (0-based); drives the break rotation. */
  member: number;
  kind: 'inbound' | 'outbound';
  queues: string[];
  rotation: RotationGroup;
  /** Multiplier of the chance to log in late (1 = typical, 3 = a chronic latecomer). */
  lateness: number;
  /** Probability that a short break runs over. */
  overrun: number;
  /** Multiplier of talk time (slower or faster agents). */
  talkFactor: number;
  outbound?: OutboundProfile;
}

export interface FloorDef {
  seed: number;
  queues: QueueDef[];
  teams: TeamDef[];
  agents: AgentDef[];
  /** Inbound calls offered on a weekday (before the day-of-week factor). */
  dailyVolume: number;
  /** Max wait before a call times out of its queue (call.timeout). */
  maxWaitSec: number;
}

export const QUEUES: readonly QueueDef[] = [
  { id: 'sales', name: 'Sales', share: 0.3, talkMedianSec: 220, transferTo: [{ queueId: 'support', p: 0.03 }] },
  { id: 'support', name: 'Support', share: 0.5, talkMedianSec: 245, transferTo: [{ queueId: 'billing', p: 0.04 }, { queueId: 'sales', p: 0.015 }] },
  { id: 'billing', name: 'Billing', share: 0.2, talkMedianSec: 190, maxWaitSec: 120, transferTo: [{ queueId: 'support', p: 0.03 }] },
];

export const TEAMS: readonly TeamDef[] = [
  { id: 't-north', name: 'North', kind: 'inbound', queues: ['sales', 'support'], size: 15, rotation: 'A', idBase: 101 },
  { id: 't-south', name: 'South', kind: 'inbound', queues: ['support', 'billing'], size: 15, rotation: 'A', idBase: 201 },
  { id: 't-east', name: 'East', kind: 'inbound', queues: ['sales', 'support'], size: 15, rotation: 'B', idBase: 301 },
  { id: 't-west', name: 'West', kind: 'inbound', queues: ['support', 'billing'], size: 15, rotation: 'B', idBase: 401 },
  { id: 't-central', name: 'Central (night)', kind: 'inbound', queues: ['sales', 'support', 'billing'], size: 7, rotation: 'N', idBase: 501 },
  { id: 't-telesales', name: 'Telesales', kind: 'outbound', queues: [], size: 14, rotation: 'split', idBase: 601 },
];

/**
 * Telesales targets spread around the grade bars of SPEC §2 (A ≥17/65%, B ≥15/60%,
 * C ≥13/58%, trainee ≥11/52%) so every grade shows up on a typical day.
 */
const OUTBOUND_TARGETS: readonly { cph: number; successRate: number }[] = [
  { cph: 18.2, successRate: 0.7 }, { cph: 17.7, successRate: 0.675 }, // A
  { cph: 16.2, successRate: 0.635 }, { cph: 15.7, successRate: 0.625 }, { cph: 17.9, successRate: 0.615 }, // B
  { cph: 14.2, successRate: 0.605 }, { cph: 13.7, successRate: 0.595 }, { cph: 14.6, successRate: 0.64 }, // C
  { cph: 12.2, successRate: 0.555 }, { cph: 11.8, successRate: 0.545 }, { cph: 12.6, successRate: 0.575 }, // trainee
  { cph: 10.3, successRate: 0.5 }, { cph: 13.6, successRate: 0.47 }, { cph: 11.5, successRate: 0.44 }, // below
];
const CAMPAIGNS = ['camp-renewal', 'camp-upgrade'];

export function buildFloor(seed = 1, overrides: Partial<Pick<FloorDef, 'dailyVolume' | 'maxWaitSec'>> = {}): FloorDef {
  const rng = Rng.derive(seed, 'floor');
  const total = TEAMS.reduce((s, t) => s + t.size, 0);
  const names = makeNames(rng, total);
  const targets = rng.shuffle(OUTBOUND_TARGETS);
  const agents: AgentDef[] = [];
  let outboundIndex = 0;
  for (const team of TEAMS) {
    for (let member = 0; member < team.size; member += 1) {
      const rotation: RotationGroup = team.rotation === 'split' ? (member % 2 === 0 ? 'A' : 'B') : team.rotation;
      const chronicLate = rng.chance(0.08);
      const agent: AgentDef = {
        id: `a-${team.idBase + member}`,
        name: names[agents.length] as string,
        teamId: team.id,
        member,
        kind: team.kind,
        queues: [...team.queues],
        rotation,
        lateness: chronicLate ? 3 : rng.uniform(0.5, 1.3),
        overrun: rng.chance(0.15) ? rng.uniform(0.25, 0.4) : rng.uniform(0.03, 0.12),
        talkFactor: Math.min(1.35, Math.max(0.75, rng.lognormal(1, 0.12))),
      };
      if (team.kind === 'outbound') {
        const target = targets[outboundIndex % targets.length] as { cph: number; successRate: number };
        agent.outbound = { campaignId: CAMPAIGNS[outboundIndex % CAMPAIGNS.length] as string, ...target };
        outboundIndex += 1;
      }
      agents.push(agent);
    }
  }
  return {
    seed,
    queues: QUEUES.map((q) => ({ ...q, transferTo: q.transferTo.map((t) => ({ ...t })) })),
    teams: TEAMS.map((t) => ({ ...t, queues: [...t.queues] })),
    agents,
    dailyVolume: overrides.dailyVolume ?? 3250,
    maxWaitSec: overrides.maxWaitSec ?? 300,
  };
}
