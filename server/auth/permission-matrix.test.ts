/**
 * The permission matrix (SPEC §5): every role × every endpoint and socket event → allow or deny,
 * table-driven, printed. "Allowed" means the request got past authentication and authorization
 * (any answer but 401/403); requests that would change state are sent so that they fail validation
 * or name something missing, so the matrix itself changes nothing. Denials must be exactly 401
 * (no or bad credentials) or 403 (wrong role or scope), with the shared error body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { api, createUser, isErrorBody, login } from '../test-support/http-client.ts';
import { postEvents, startTestApp, TEST_SECRETS, until, type FloorClient, type TestApp } from '../test-support/test-app.ts';

const WHO = ['anonymous', 'admin', 'supervisor', 'supervisor-t2', 'teamlead-t1', 'display', 'ingest'] as const;
type Who = (typeof WHO)[number];
const PEOPLE: Who[] = ['admin', 'supervisor', 'supervisor-t2', 'teamlead-t1'];
const DASHBOARD: Who[] = [...PEOPLE, 'display'];

interface HttpRow { kind: 'http'; method: string; path: string; body?: unknown; contentType?: string; allow: Who[] }
interface SocketRow { kind: 'socket'; event: 'connect' | 'floor:resync' | 'roster:put (no such event)'; allow: Who[] }
type Row = HttpRow | SocketRow;

const NOBODY = '0000000000000000';
const ROWS: Row[] = [
  // sign in / self
  { kind: 'http', method: 'GET', path: '/api/v1/me', allow: PEOPLE },
  { kind: 'http', method: 'POST', path: '/api/v1/me/password', body: {}, allow: PEOPLE },
  // read
  { kind: 'http', method: 'GET', path: '/api/v1/snapshot', allow: DASHBOARD },
  { kind: 'http', method: 'GET', path: '/api/v1/intraday?interval=15', allow: DASHBOARD },
  // ingest
  { kind: 'http', method: 'POST', path: '/api/v1/events', body: { id: 'x' }, allow: ['ingest'] },
  { kind: 'http', method: 'POST', path: '/api/v1/ingest/asterisk-queue-log?atomic=true', body: 'not|a|queue_log|line', contentType: 'text/plain', allow: ['ingest'] },
  // rosters and break plans (workforce routes; scope rule from server/auth/scope-guard.ts)
  { kind: 'http', method: 'GET', path: '/api/v1/roster?date=2026-11-23', allow: PEOPLE },
  { kind: 'http', method: 'PUT', path: '/api/v1/roster', body: {}, allow: ['admin', 'supervisor', 'supervisor-t2'] },
  { kind: 'http', method: 'GET', path: '/api/v1/teams/t1/break-plan?date=2026-11-23', allow: ['admin', 'supervisor', 'teamlead-t1'] },
  { kind: 'http', method: 'PUT', path: '/api/v1/teams/t1/break-plan', body: { bogus: true }, allow: ['admin', 'supervisor', 'teamlead-t1'] },
  { kind: 'http', method: 'PUT', path: '/api/v1/teams/t2/break-plan', body: { bogus: true }, allow: ['admin', 'supervisor', 'supervisor-t2'] },
  { kind: 'http', method: 'POST', path: '/api/v1/teams/t2/break-plan/send-next', body: { bogus: true }, allow: ['admin', 'supervisor', 'supervisor-t2'] },
  // center configuration (names, SL settings, thresholds), reports and exports, operations
  { kind: 'http', method: 'GET', path: '/api/v1/config/center', allow: DASHBOARD },
  { kind: 'http', method: 'PUT', path: '/api/v1/config/center', body: { bogus: true }, allow: ['admin'] },
  { kind: 'http', method: 'PUT', path: '/api/v1/config/teams/t1', body: { bogus: true }, allow: ['admin'] },
  { kind: 'http', method: 'GET', path: '/api/v1/reports/shift?date=2026-11-23&shift=early', allow: PEOPLE },
  { kind: 'http', method: 'GET', path: '/api/v1/reports/intraday.csv?interval=15', allow: PEOPLE },
  { kind: 'http', method: 'GET', path: '/api/v1/data-quality', allow: ['admin', 'supervisor', 'supervisor-t2'] },
  // admin: users, display tokens, ingest keys, audit
  { kind: 'http', method: 'GET', path: '/api/v1/admin/users', allow: ['admin'] },
  { kind: 'http', method: 'POST', path: '/api/v1/admin/users', body: {}, allow: ['admin'] },
  { kind: 'http', method: 'GET', path: '/api/v1/admin/users/nobody', allow: ['admin'] },
  { kind: 'http', method: 'PATCH', path: '/api/v1/admin/users/nobody', body: { role: 'supervisor' }, allow: ['admin'] },
  { kind: 'http', method: 'DELETE', path: '/api/v1/admin/users/nobody', allow: ['admin'] },
  { kind: 'http', method: 'GET', path: '/api/v1/admin/display-tokens', allow: ['admin'] },
  { kind: 'http', method: 'POST', path: '/api/v1/admin/display-tokens', body: {}, allow: ['admin'] },
  { kind: 'http', method: 'DELETE', path: `/api/v1/admin/display-tokens/${NOBODY}`, allow: ['admin'] },
  { kind: 'http', method: 'GET', path: '/api/v1/admin/ingest-keys', allow: ['admin'] },
  { kind: 'http', method: 'POST', path: '/api/v1/admin/ingest-keys', body: {}, allow: ['admin'] },
  { kind: 'http', method: 'DELETE', path: `/api/v1/admin/ingest-keys/${NOBODY}`, allow: ['admin'] },
  { kind: 'http', method: 'GET', path: '/api/v1/admin/audit', allow: ['admin'] },
  { kind: 'http', method: 'GET', path: '/api/v1/admin/audit.csv', allow: ['admin'] },
  // websocket
  { kind: 'socket', event: 'connect', allow: DASHBOARD },
  { kind: 'socket', event: 'floor:resync', allow: DASHBOARD },
  { kind: 'socket', event: 'roster:put (no such event)', allow: [] },
];

const T0 = Date.parse('2026-11-23T10:00:00+08:00');

describe('permission matrix (SPEC §5)', () => {
  let t: TestApp;
  const tokens: Partial<Record<Who, string>> = {};
  const results = new Map<string, Map<Who, string>>();

  beforeAll(async () => {
    t = await startTestApp({ now: T0 });
    tokens.admin = await login(t.url);
    tokens.supervisor = await createUser(t.url, tokens.admin, { username: 'sup', role: 'supervisor' });
    tokens['supervisor-t2'] = await createUser(t.url, tokens.admin, { username: 'sup-t2', role: 'supervisor', scope: { teams: ['t2'], queues: ['q2'] } });
    tokens['teamlead-t1'] = await createUser(t.url, tokens.admin, { username: 'lead-t1', role: 'teamlead', scope: { teams: ['t1'] } });
    tokens.display = TEST_SECRETS.displayToken;
    tokens.ingest = TEST_SECRETS.ingestKey;
  });
  afterAll(async () => {
    const header = ['endpoint / event'.padEnd(58), ...WHO.map((w) => w.padEnd(15))].join('');
    const lines = [...results].map(([row, byWho]) => [row.padEnd(58), ...WHO.map((w) => (byWho.get(w) ?? '').padEnd(15))].join(''));
    console.log(`\nPermission matrix (✓ allowed, ✗ denied; HTTP status or socket outcome)\n${header}\n${lines.join('\n')}\n`);
    await t.close();
  });

  const note = (row: string, who: Who, outcome: string) => {
    if (!results.has(row)) results.set(row, new Map());
    results.get(row)!.set(who, outcome);
  };

  for (const row of ROWS) {
    const label = row.kind === 'http' ? `${row.method} ${row.path.split('?')[0]}` : `socket ${row.event}`;
    it(label, async () => {
      for (const who of WHO) {
        const allowed = row.allow.includes(who);
        if (row.kind === 'http') {
          const r = await api(t.url, row.method, row.path, { ...(tokens[who] ? { token: tokens[who] } : {}), ...(row.body !== undefined ? { body: row.body } : {}), ...(row.contentType ? { contentType: row.contentType } : {}) });
          note(`${row.method} ${row.path}`, who, `${allowed ? '✓' : '✗'} ${r.status}`);
          if (allowed) expect([401, 403], `${who} ${label}: ${r.text}`).not.toContain(r.status);
          else {
            expect(r.status, `${who} ${label}`).toBe(who === 'anonymous' ? 401 : 403);
            expect(isErrorBody(r.body)).toBe(true);
          }
          expect(r.status, `${who} ${label}`).toBeLessThan(500);
        } else {
          const outcome = await socketOutcome(t.url, tokens[who], row.event);
          note(`socket ${row.event}`, who, `${allowed ? '✓' : '✗'} ${outcome.replace(' (unauthorized)', '')}`);
          expect(outcome.startsWith('ok'), `${who} ${label}: ${outcome}`).toBe(allowed);
        }
      }
    });
  }

  it('scopes what each role reads: snapshots and sockets carry only the scope, and never a caller number', async () => {
    const CALLER = '+8613800138000';
    const ev = (id: string, sec: number, rest: Record<string, unknown>) => ({ id, ts: T0 - 60_000 + sec * 1000, ...rest });
    expect((await postEvents(t.url, [
      ev('m-1', 0, { type: 'agent.login', agentId: 'a1', teamId: 't1', name: 'Zhang Wei' }),
      ev('m-2', 1, { type: 'agent.login', agentId: 'a2', teamId: 't2', name: 'Amy Chen' }),
      ev('m-3', 2, { type: 'call.queued', callId: 'c1', queueId: 'q1', caller: CALLER }),
      ev('m-4', 3, { type: 'call.queued', callId: 'c2', queueId: 'q2', caller: CALLER }),
    ])).status).toBe(202);
    const teamsOf = async (who: Who) => {
      const r = await api(t.url, 'GET', '/api/v1/snapshot', { token: tokens[who]! });
      expect(r.text).not.toContain(CALLER);
      return { agents: (r.body.agents as { teamId: string }[]).map((a) => a.teamId).sort(), queues: (r.body.queues as { id: string }[]).map((q) => q.id).sort() };
    };
    expect(await teamsOf('admin')).toEqual({ agents: ['t1', 't2'], queues: ['q1', 'q2'] });
    expect(await teamsOf('display')).toEqual({ agents: ['t1', 't2'], queues: ['q1', 'q2'] });
    expect(await teamsOf('supervisor-t2')).toEqual({ agents: ['t2'], queues: ['q2'] });
    expect((await teamsOf('teamlead-t1')).agents).toEqual(['t1']);
    // A display token scoped to a team and a queue sees only those.
    const tv = await api(t.url, 'POST', '/api/v1/admin/display-tokens', { token: tokens.admin!, body: { name: 'T1 wall', scope: { teams: ['t1'], queues: ['q1'] } } });
    tokens.display = tv.body.token;
    expect(await teamsOf('display')).toEqual({ agents: ['t1'], queues: ['q1'] });
    tokens.display = TEST_SECRETS.displayToken;

    // The socket of a team lead gets only t1, even when asking for t2 in the handshake.
    for (const scope of [undefined, 't2']) {
      const socket: FloorClient = connect(t.url, { auth: { token: tokens['teamlead-t1']!, ...(scope ? { scope } : {}) }, transports: ['websocket'], reconnection: false });
      const frames: string[] = [];
      socket.onAny((_e, payload) => frames.push(JSON.stringify(payload)));
      await until(() => frames.length > 0, 5000, 'snapshot');
      await postEvents(t.url, [ev(`m-5${scope ?? ''}`, 5, { type: 'agent.state', agentId: 'a2', state: 'break', reason: 'meal' }), ev(`m-6${scope ?? ''}`, 6, { type: 'agent.state', agentId: 'a1', state: 'away' })]);
      await new Promise((r) => setTimeout(r, 200));
      const all = frames.join('\n');
      expect(all).not.toContain('"a2"');
      expect(all).not.toContain(CALLER);
      if (!scope) expect(all).toContain('"a1"');
      socket.close();
    }
  });
});

/** Connects with `token` and tries `event`: "ok …" when the server serves it, otherwise why not. */
async function socketOutcome(url: string, token: string | undefined, event: SocketRow['event']): Promise<string> {
  const socket: FloorClient = connect(url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, timeout: 3000 });
  let snapshots = 0;
  socket.on('floor:snapshot', () => { snapshots++; });
  try {
    const connected = await new Promise<string>((resolve) => {
      socket.on('connect', () => resolve('ok'));
      socket.on('connect_error', (err) => resolve(`refused (${err.message})`));
    });
    if (connected !== 'ok' || event === 'connect') return connected === 'ok' ? 'ok connected' : connected;
    await until(() => snapshots === 1, 3000, 'first snapshot');
    if (event === 'floor:resync') {
      socket.emit('floor:resync');
      await until(() => snapshots === 2, 3000, 'resync snapshot');
      return 'ok snapshot';
    }
    // A screen cannot change anything: unknown events have no handler and are dropped.
    (socket as unknown as { emit: (e: string, p: unknown) => void }).emit('roster:put', { date: '2026-11-23', entries: [] });
    await new Promise((r) => setTimeout(r, 100));
    return socket.connected ? 'ignored' : 'disconnected';
  } finally {
    socket.close();
  }
}
