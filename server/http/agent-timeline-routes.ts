import { Router } from 'express';
import type { AgentTimeline, TimelineActivity } from '../../shared/agent-timeline.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { PEOPLE } from '../auth/principal.ts';
import { canReadTeam } from '../auth/scope-guard.ts';
import type { FloorEngine } from '../engine/engine.ts';
import type { FloorService } from '../floor/floor-service.ts';
import { changeAt } from '../engine/timeline.ts';
import { changeIndexAt, stateAt } from '../schedule/adherence.ts';
import { ApiError } from './api-error.ts';
import { requireRole } from './middleware.ts';

/** Today's state changes of one agent (the first is the state in force at local midnight) against its roster. */
export function agentTimeline(engine: FloorEngine, agentId: string, now: number): AgentTimeline | null {
  const a = engine.agent(agentId);
  if (!a) return null;
  const day = engine.cal.dayOf(now);
  const timeline = a.timeline;
  const atMidnight = stateAt(timeline, day.start);
  const stateChanges = [{ at: day.start, state: atMidnight.state, reason: atMidnight.reason }];
  for (let i = changeIndexAt(timeline, day.start) + 1; i < timeline.length; i++) {
    const c = changeAt(timeline, i);
    if (c.at > now) break;
    stateChanges.push(c);
  }
  const shift = engine.schedule.shiftOf(agentId, day.key) ?? null;
  // Segments of the effective shift (roster with the team's break plan), as the adherence figures use them.
  const scheduled = engine.schedule.segmentsOf(agentId, day.key)
    .filter((s): s is typeof s & { activity: TimelineActivity } => s.activity !== 'off')
    .map((s) => ({ type: s.activity, start: s.start, end: s.end }));
  return { agentId, day: day.key, asOf: now, stateChanges, scheduled, shiftStart: shift?.start ?? null, shiftEnd: shift?.end ?? null };
}

/** The agent drill-down's timeline: people only (not display tokens), within their team scope. */
export function agentTimelineRoutes(auth: AuthService, floor: FloorService, clock: () => number): Router {
  const r = Router();
  r.get('/api/v1/agents/:agentId/timeline', requireRole(auth, PEOPLE), (req, res) => {
    const agentId = req.params.agentId;
    const a = typeof agentId === 'string' ? floor.engine.agent(agentId) : null;
    if (!a || typeof agentId !== 'string') throw new ApiError(404, 'not_found', 'no such agent');
    if (!canReadTeam(req.principal!, a.teamId)) throw new ApiError(403, 'forbidden', `team ${a.teamId} is outside your scope`);
    res.setHeader('Cache-Control', 'no-store');
    res.json(agentTimeline(floor.engine, agentId, clock()));
  });
  return r;
}
