/**
 * Erlang C (M/M/N queue, callers wait, no abandonment): probability of waiting, service level
 * and average speed of answer for a given load. Erlang B by its stable recursion
 * B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)); then C = N·B / (N − A·(1 − B)), so large N never
 * overflows a factorial.
 */

/** Erlang B blocking probability for `agents` servers offered `erlangs` of traffic. */
export function erlangB(agents: number, erlangs: number): number {
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (erlangs * b) / (n + erlangs * b);
  return b;
}

/** Probability that a call waits (Erlang C); 1 when the agents cannot keep up (N ≤ A). */
export function erlangC(agents: number, erlangs: number): number {
  if (erlangs <= 0) return 0;
  if (agents <= erlangs) return 1;
  const b = erlangB(agents, erlangs);
  return (agents * b) / (agents - erlangs * (1 - b));
}

export interface ErlangResult {
  /** Traffic intensity A = λ × AHT, in Erlangs. */
  erlangs: number;
  waitProbability: number;
  /** Share of calls answered within the threshold, in [0, 1]. */
  serviceLevel: number;
  /** Average speed of answer in seconds; null when the queue grows without bound (N ≤ A). */
  asaSec: number | null;
  occupancy: number;
}

/**
 * Service level and ASA of `agents` (an integer) answering calls arriving at `callsPerSec`
 * with an average handle time of `ahtSec`, for the threshold `slThresholdSec`:
 * SL = 1 − C·e^(−(N−A)·T/AHT), ASA = C·AHT / (N − A).
 */
export function erlangCService(callsPerSec: number, ahtSec: number, agents: number, slThresholdSec: number): ErlangResult {
  const a = callsPerSec * ahtSec;
  const n = Math.max(0, Math.floor(agents));
  if (a <= 0) return { erlangs: 0, waitProbability: 0, serviceLevel: 1, asaSec: 0, occupancy: 0 };
  if (n <= a) return { erlangs: a, waitProbability: 1, serviceLevel: 0, asaSec: null, occupancy: 1 };
  const c = erlangC(n, a);
  return {
    erlangs: a,
    waitProbability: c,
    serviceLevel: Math.min(1, Math.max(0, 1 - c * Math.exp((-(n - a) * slThresholdSec) / ahtSec))),
    asaSec: (c * ahtSec) / (n - a),
    occupancy: a / n,
  };
}

/**
 * The same for a fractional number of agents (an interval's average staffing, e.g. 11.4):
 * linear between the neighbouring integers. ASA is null when either neighbour is unstable.
 */
export function erlangCFractional(callsPerSec: number, ahtSec: number, agents: number, slThresholdSec: number): { serviceLevel: number; asaSec: number | null } {
  const lo = Math.floor(agents);
  const f = agents - lo;
  const r0 = erlangCService(callsPerSec, ahtSec, lo, slThresholdSec);
  if (f < 1e-9) return { serviceLevel: r0.serviceLevel, asaSec: r0.asaSec };
  const r1 = erlangCService(callsPerSec, ahtSec, lo + 1, slThresholdSec);
  return {
    serviceLevel: r0.serviceLevel + f * (r1.serviceLevel - r0.serviceLevel),
    asaSec: r0.asaSec === null || r1.asaSec === null ? (r1.asaSec === null ? null : r0.asaSec) : r0.asaSec + f * (r1.asaSec - r0.asaSec),
  };
}
