import { describe, expect, it } from 'vitest';
import { erlangB, erlangC, erlangCFractional, erlangCService } from './erlang-c.ts';

describe('Erlang C against published values', () => {
  /*
   * Source: the Call Centre Helper worked example "Erlang C Formula – Made Simple With an Easy
   * Worked Example" (https://www.callcentrehelper.com/erlang-c-formula-example-121281.htm):
   * 100 calls per 30 minutes, AHT 180 s (A = 10 Erlangs), target answer time 20 s, SL goal 80 %.
   * The figures asserted are the ones the pyworkforce project checks for that example
   * (rodrigo-arenas/pyworkforce, pyworkforce/queuing/tests/test_erlang.py,
   * `test_expected_erlangc_results`): it needs 14 raw positions, with a waiting probability
   * of 0.174, occupancy 0.714 and service level 0.888 (its target time is asa = 0.33 min = 19.8 s).
   */
  const callsPerSec = 100 / 1800;
  it('reproduces the worked example: 14 agents, P(wait) 0.174, occupancy 0.714, SL 0.888', () => {
    const r = erlangCService(callsPerSec, 180, 14, 0.33 * 60);
    expect(r.erlangs).toBeCloseTo(10, 10);
    expect(Number(r.waitProbability.toFixed(3))).toBe(0.174);
    expect(Number(r.occupancy.toFixed(3))).toBe(0.714);
    expect(Number(r.serviceLevel.toFixed(3))).toBe(0.888);
  });

  it('14 is the fewest agents meeting 80 % (13 falls short), as in the example', () => {
    expect(erlangCService(callsPerSec, 180, 13, 19.8).serviceLevel).toBeLessThan(0.8);
    expect(erlangCService(callsPerSec, 180, 14, 19.8).serviceLevel).toBeGreaterThanOrEqual(0.8);
  });

  /*
   * Textbook identity (M/M/1, e.g. Kleinrock, Queueing Systems Vol. 1, §3.2): with one server the
   * probability of waiting equals the utilisation ρ, and the mean wait is Wq = ρ / (μ − λ).
   */
  it('one agent is the M/M/1 queue: P(wait) = ρ and ASA = ρ/(μ−λ)', () => {
    const lambda = 1 / 120;
    const aht = 60;
    const rho = lambda * aht;
    const r = erlangCService(lambda, aht, 1, 20);
    expect(r.waitProbability).toBeCloseTo(rho, 12);
    expect(r.asaSec).toBeCloseTo(rho / (1 / aht - lambda), 9);
    // P(W > t) = ρ·e^(−(μ−λ)t) for M/M/1.
    expect(r.serviceLevel).toBeCloseTo(1 - rho * Math.exp(-(1 / aht - lambda) * 20), 12);
  });

  it('is stable for large floors and handles the edges', () => {
    expect(erlangC(500, 480)).toBeGreaterThan(0);
    expect(erlangC(500, 480)).toBeLessThan(1);
    expect(erlangCService(1, 100, 100, 20)).toMatchObject({ serviceLevel: 0, asaSec: null }); // N ≤ A: the queue grows
    expect(erlangCService(0, 100, 3, 20)).toMatchObject({ serviceLevel: 1, asaSec: 0 });
    expect(erlangB(0, 5)).toBe(1);
  });

  it('interpolates a fractional staffing between its neighbours', () => {
    const lo = erlangCService(callsPerSec, 180, 13, 20).serviceLevel;
    const hi = erlangCService(callsPerSec, 180, 14, 20).serviceLevel;
    expect(erlangCFractional(callsPerSec, 180, 13.5, 20).serviceLevel).toBeCloseTo((lo + hi) / 2, 12);
  });
});
