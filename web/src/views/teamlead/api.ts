import { ErrorBodySchema } from '../../../../shared/errors.ts';
import type { BreakPlanDoc, BreakPlanPreview, BreakSlot } from '../../../../shared/roster.ts';

/** A failed call with the server's message and field issues (for the screen). */
export class PlanApiError extends Error {
  constructor(readonly status: number, message: string, readonly issues: { path: string; message: string }[] = []) {
    super(message);
    this.name = 'PlanApiError';
  }
}

async function request<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = ErrorBodySchema.safeParse(json);
    if (e.success) throw new PlanApiError(res.status, e.data.error.message, e.data.error.issues ?? []);
    throw new PlanApiError(res.status, `HTTP ${res.status}`);
  }
  return json as T;
}

const base = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}/break-plan`;

export const getPlan = (teamId: string) => request<BreakPlanDoc>('GET', base(teamId));
export const putPlan = (teamId: string, date: string, slots: BreakSlot[]) => request<BreakPlanDoc>('PUT', base(teamId), { date, slots });
export const previewPlan = (teamId: string, date: string, slots: BreakSlot[]) => request<BreakPlanPreview>('POST', `${base(teamId)}/preview`, { date, slots });

export interface ControlResult {
  applied: boolean;
  reason: string | null;
  moved: { agentId: string; from: string; to: string }[];
  preview: BreakPlanPreview;
  plan: BreakPlanDoc | null;
}
export const sendNext = (teamId: string, force = false) => request<ControlResult>('POST', `${base(teamId)}/send-next`, { force });
export const holdBreaks = (teamId: string, minutes = 15) => request<ControlResult>('POST', `${base(teamId)}/hold`, { minutes });
