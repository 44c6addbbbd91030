import { ErrorBodySchema } from '../../shared/errors.ts';
import { TEST_SECRETS } from './test-app.ts';

export interface ApiAnswer { status: number; headers: Headers; text: string; body: any } // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies

/** One HTTP request to the test app: `body` is JSON-encoded unless it is a string or bytes. */
export async function api(
  url: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : opts.body instanceof Uint8Array ? new Uint8Array(opts.body) : JSON.stringify(opts.body);
    headers['content-type'] = opts.contentType ?? 'application/json';
  } else if (opts.contentType) headers['content-type'] = opts.contentType;
  const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** Signs in and answers the session token. */
export async function login(url: string, username = 'admin', password = TEST_SECRETS.adminPassword): Promise<string> {
  const r = await api(url, 'POST', '/api/v1/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  return r.body.token as string;
}

/** Creates a user through the admin API and answers their session token. */
export async function createUser(url: string, adminToken: string, user: { username: string; role: string; scope?: unknown; password?: string }): Promise<string> {
  const password = user.password ?? `pw-${user.username}-0123456789`;
  const r = await api(url, 'POST', '/api/v1/admin/users', { token: adminToken, body: { username: user.username, password, role: user.role, ...(user.scope ? { scope: user.scope } : {}) } });
  if (r.status !== 201) throw new Error(`create ${user.username}: ${r.status} ${r.text}`);
  return login(url, user.username, password);
}

/** True when `body` is the shared error body. */
export const isErrorBody = (body: unknown) => ErrorBodySchema.safeParse(body).success;
