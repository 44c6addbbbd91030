import { z } from 'zod';
import { AgentTimelineSchema, type AgentTimeline } from '../../../shared/agent-timeline.ts';
import { ErrorBodySchema, type FieldIssue } from '../../../shared/errors.ts';
import { IntradaySchema, type Intraday } from '../../../shared/snapshot.ts';

/** An API call that did not succeed: HTTP status (0 = network) with the server's code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Field problems of a rejected request (`path` as the server names it, e.g. `scope.teams[0]`). */
  readonly issues: readonly FieldIssue[];
  constructor(status: number, code: string, message: string, issues: readonly FieldIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A display token (TV); without it the session cookie is sent. */
  token?: string | null;
  signal?: AbortSignal;
}

/** JSON request to this origin's API; throws `ApiError` for network failures and non-2xx answers. */
export async function apiRequest(path: string, options: RequestOptions = {}): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const parsed = ErrorBodySchema.safeParse(body);
    if (parsed.success) throw new ApiError(response.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.issues ?? []);
    throw new ApiError(response.status, 'http', `HTTP ${response.status}`);
  }
  return body;
}

export const MeSchema = z.object({ username: z.string(), role: z.string() });
export type Me = z.infer<typeof MeSchema>;
const LoginSchema = z.object({ token: z.string(), role: z.string() });

/** The signed-in user, or null when there is no valid session. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return MeSchema.parse(await apiRequest('/api/v1/me'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export async function login(username: string, password: string): Promise<{ role: string }> {
  const body = LoginSchema.parse(await apiRequest('/api/v1/login', { method: 'POST', body: { username, password } }));
  return { role: body.role };
}

export async function logout(): Promise<void> {
  await apiRequest('/api/v1/logout', { method: 'POST' });
}

export async function fetchIntraday(interval: 15 | 30 | 60, queueId: string | null, token: string | null, signal?: AbortSignal): Promise<Intraday> {
  const params = new URLSearchParams({ interval: String(interval) });
  if (queueId) params.set('queueId', queueId);
  const body = await apiRequest(`/api/v1/intraday?${params}`, { token, ...(signal ? { signal } : {}) });
  const parsed = IntradaySchema.safeParse(body);
  if (!parsed.success) throw new ApiError(200, 'invalid_payload', 'unexpected intraday payload');
  return parsed.data;
}

/** One agent's state changes of today against the roster (people only; the session cookie is sent). */
export async function fetchAgentTimeline(agentId: string, signal?: AbortSignal): Promise<AgentTimeline> {
  const body = await apiRequest(`/api/v1/agents/${encodeURIComponent(agentId)}/timeline`, signal ? { signal } : {});
  const parsed = AgentTimelineSchema.safeParse(body);
  if (!parsed.success) throw new ApiError(200, 'invalid_payload', 'unexpected timeline payload');
  return parsed.data;
}
