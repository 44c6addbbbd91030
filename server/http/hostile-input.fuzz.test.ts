/**
 * Seeded fuzz (SPEC §8 reliability): thousands of malformed or hostile bodies to the ingest, sign-in
 * and configuration endpoints — wrong types, missing fields, unknown and prototype-pollution keys,
 * huge strings, deep nesting, invalid UTF-8, wrong content types and encodings. Every body is built
 * to be invalid, so every answer must be 4xx with the shared error body (field issues on 400s), never
 * 5xx; nothing of a rejected body is applied; and the server keeps ingesting valid events afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '../../shared/errors.ts';
import { api, createUser, login } from '../test-support/http-client.ts';
import { getSnapshot, postEvents, startTestApp, TEST_SECRETS, type TestApp } from '../test-support/test-app.ts';

const SEED = 0x5eed_f100;
const REQUESTS = { ingest: 3000, login: 1000, config: 2000 };
const T0 = Date.parse('2026-11-23T10:00:00+08:00');

/** sfc32: a small, fast, well-distributed seeded generator (no Math.random anywhere in this test). */
function sfc32(seed: number) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof sfc32>;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Target { name: string; method: string; path: string; token: () => string; template: () => Record<string, Json>; required: string[]; nested?: { field: string; required: string[] } }
interface Case { target: string; kind: string; method: string; path: string; token: string; body: string | Uint8Array; contentType?: string; headers?: Record<string, string> }

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString'];
const INVALID_UTF8 = [[0xc3, 0x28], [0xa0, 0xa1], [0xe2, 0x28, 0xa1], [0xf0, 0x28, 0x8c, 0xbc], [0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf]];
const WRONG_TYPES = ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/octet-stream', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'image/png'];

/** A value whose JSON type differs from `v`'s. */
function wrongType(rng: Rng, v: Json | undefined): Json {
  const kind = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  const options: [string, () => Json][] = [
    ['number', () => rng.pick([0, -1, 1e308, -1e-308, 3.5, 2 ** 53 + 1])],
    ['string', () => rng.pick(['', ' ', 'NaN', '{}', '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd', '\u0000', '%00', '${7*7}'])],
    ['boolean', () => rng.chance(0.5)],
    ['null', () => null],
    ['array', () => [rng.int(0, 9), 'x', null]],
    ['object', () => ({ $ne: null, $gt: '' })],
  ];
  return rng.pick(options.filter(([k]) => k !== kind))[1]();
}

function deepNest(rng: Rng, depth: number): string {
  return rng.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** One invalid body for `t`, made from its valid template by a randomly chosen mutation. */
function mutate(rng: Rng, t: Target): Omit<Case, 'target' | 'method' | 'path' | 'token'> {
  const base = t.template();
  const json = (o: unknown) => JSON.stringify(o);
  const kinds = ['missing-field', 'wrong-type', 'unknown-key', 'pollution-key', 'huge-string', 'deep-nesting', 'not-an-object', 'invalid-json', 'invalid-utf8', 'wrong-content-type', 'nested-field', 'bad-encoding'] as const;
  const kind = rng.pick(kinds);
  switch (kind) {
    case 'missing-field': {
      const field = rng.pick(t.required);
      delete base[field];
      return { kind, body: json(base) };
    }
    case 'wrong-type': {
      const field = rng.pick(t.required);
      base[field] = wrongType(rng, base[field]);
      return { kind, body: json(base) };
    }
    case 'unknown-key': {
      base[rng.pick(['admin', 'role2', 'isAdmin', 'x', 'ＦＵＬＬ', 'a'.repeat(rng.int(1, 300))])] = wrongType(rng, undefined);
      return { kind, body: json(base) };
    }
    case 'pollution-key': {
      // Written as raw JSON: JSON.stringify would drop a real __proto__ key.
      const key = rng.pick(POLLUTION_KEYS);
      const payload = rng.pick(['{"polluted":true}', '{"prototype":{"polluted":true}}', '"x"', '[1]']);
      const body = json(base);
      return { kind, body: rng.chance(0.5) ? `{"${key}":${payload},${body.slice(1)}` : `${body.slice(0, -1)},"${key}":${payload}}` };
    }
    case 'huge-string': {
      const field = rng.pick(t.required);
      base[field] = 'x'.repeat(rng.pick([300, 5000, 70_000, 300_000]));
      return { kind, body: json(base) };
    }
    case 'deep-nesting': {
      const field = rng.pick(t.required);
      const body = json({ ...base, [field]: '@@' }).replace('"@@"', deepNest(rng, rng.int(50, 6000)));
      return { kind, body };
    }
    case 'not-an-object':
      return { kind, body: rng.pick(['null', '1', '"admin"', 'true', '[]', '[null]', '[[]]', '[1,2,3]', '{}', '""']) };
    case 'invalid-json':
      return { kind, body: rng.pick(['{', '{"a":', '{a:1}', "{'a':1}", '{"a":1,}', '[1,]', 'undefined', 'NaN', '{"a":01}', '\u0000', '{"a":"\\x41"}', json(base).slice(0, -1), `${json(base)}garbage`]) };
    case 'invalid-utf8': {
      // Invalid bytes in a key name (unknown to every strict schema) or in place of a value.
      const bad = Buffer.from(rng.pick(INVALID_UTF8));
      const body = json(base);
      const parts = rng.chance(0.5)
        ? [Buffer.from(`{"k`), bad, Buffer.from(`":1,${body.slice(1)}`)]
        : [Buffer.from(body.slice(0, -1)), Buffer.from(',"'), bad, Buffer.from('":"'), bad, Buffer.from('"}')];
      return { kind, body: new Uint8Array(Buffer.concat(parts)) };
    }
    case 'wrong-content-type':
      return { kind, body: json(base), contentType: rng.pick(WRONG_TYPES) };
    case 'nested-field': {
      if (!t.nested) { delete base[t.required[0]!]; return { kind, body: json(base) }; }
      const list = base[t.nested.field] as Record<string, Json>[];
      const item = list[0]!;
      const f = rng.pick(t.nested.required);
      if (rng.chance(0.5)) delete item[f];
      else item[f] = wrongType(rng, item[f]);
      return { kind, body: json(base) };
    }
    case 'bad-encoding':
      return { kind, body: json(base).slice(0, 20), headers: { 'content-encoding': rng.pick(['gzip', 'deflate', 'br', 'x-unknown']) } };
  }
}

/** Ingest: single events, batches with one bad item, NDJSON with a bad line. */
function ingestCase(rng: Rng, n: number): Omit<Case, 'target' | 'method' | 'path' | 'token'> {
  const templates: (() => Record<string, Json>)[] = [
    () => ({ id: `fz-${n}`, ts: T0, type: 'agent.login', agentId: `fz-a${n}`, teamId: 't1', name: 'Fuzz' }),
    () => ({ id: `fz-${n}`, ts: '2026-11-23T10:00:00+08:00', type: 'agent.state', agentId: `fz-a${n}`, state: 'break', reason: 'meal' }),
    () => ({ id: `fz-${n}`, ts: T0, type: 'call.queued', callId: `fz-c${n}`, queueId: 'q1', caller: '+8613800138000' }),
    () => ({ id: `fz-${n}`, ts: T0, type: 'call.ended', callId: `fz-c${n}`, agentId: `fz-a${n}`, outcome: 'success', resolved: true }),
  ];
  const template = rng.pick(templates);
  const required = ['id', 'ts', 'type'];
  const bad = mutate(rng, { name: 'ingest', method: 'POST', path: '', token: () => '', template, required });
  const shape = rng.int(0, 9);
  if (shape < 6 || typeof bad.body !== 'string' || bad.contentType || bad.headers) return bad;
  const good = JSON.stringify({ ...templates[0]!(), id: `fz-good-${n}`, agentId: `fz-good-a${n}` });
  if (shape < 8) return { kind: `batch/${bad.kind}`, body: `[${good},${bad.body}]` };
  return { kind: `ndjson/${bad.kind}`, body: `${good}\n${bad.body.replace(/\n/g, ' ')}\n`, contentType: 'application/x-ndjson' };
}

async function send(url: string, c: Case) {
  const headers: Record<string, string> = { 'content-type': c.contentType ?? 'application/json', ...c.headers };
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  const res = await fetch(url + c.path, { method: c.method, headers, body: c.body instanceof Uint8Array ? new Uint8Array(c.body) : c.body });
  const text = await res.text();
  let body: unknown = null;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, body };
}

describe('hostile input fuzz', () => {
  let t: TestApp;
  let adminToken: string;
  let leadToken: string;
  beforeAll(async () => {
    t = await startTestApp({ now: T0 });
    adminToken = await login(t.url);
    leadToken = await createUser(t.url, adminToken, { username: 'fz-lead', role: 'teamlead', scope: { teams: ['t1'] } });
  });
  afterAll(async () => { await t.close(); });

  it(`answers ${REQUESTS.ingest + REQUESTS.login + REQUESTS.config} hostile requests with 4xx and the error body, applies none, and keeps ingesting`, async () => {
    const rng = sfc32(SEED);
    const configTargets: Target[] = [
      { name: 'POST admin/users', method: 'POST', path: '/api/v1/admin/users', token: () => adminToken, template: () => ({ username: 'fz-user', password: 'fuzz-password-1', role: 'supervisor', scope: { teams: ['t1'], queues: null } }), required: ['username', 'password', 'role'] },
      { name: 'PATCH admin/users/:u', method: 'PATCH', path: '/api/v1/admin/users/fz-lead', token: () => adminToken, template: () => ({ role: 'teamlead' }), required: ['role'] },
      { name: 'POST admin/display-tokens', method: 'POST', path: '/api/v1/admin/display-tokens', token: () => adminToken, template: () => ({ name: 'fz tv', scope: { teams: null, queues: null } }), required: ['name'] },
      { name: 'POST admin/ingest-keys', method: 'POST', path: '/api/v1/admin/ingest-keys', token: () => adminToken, template: () => ({ name: 'fz key', requireSignature: true }), required: ['name'] },
      { name: 'POST me/password', method: 'POST', path: '/api/v1/me/password', token: () => leadToken, template: () => ({ currentPassword: 'not-the-password', newPassword: 'fuzz-password-2' }), required: ['currentPassword', 'newPassword'] },
      { name: 'PUT roster', method: 'PUT', path: '/api/v1/roster', token: () => adminToken, template: () => ({ date: '2026-11-23', entries: [{ agentId: 'fz-r1', teamId: 't1', shiftStart: '08:00', shiftEnd: '16:00', activities: [] }] }), required: ['date', 'entries'], nested: { field: 'entries', required: ['agentId', 'teamId', 'shiftStart', 'shiftEnd'] } },
      { name: 'PUT teams/:t/break-plan', method: 'PUT', path: '/api/v1/teams/t1/break-plan', token: () => leadToken, template: () => ({ date: '2026-11-23', slots: [{ agentId: 'fz-r1', type: 'short_break', start: '09:00', end: '09:05' }] }), required: ['slots'], nested: { field: 'slots', required: ['agentId', 'type', 'start', 'end'] } },
      { name: 'PUT config/queues/:q', method: 'PUT', path: '/api/v1/config/queues/q1', token: () => adminToken, template: () => ({ name: 'Fuzz queue', slThresholdSec: 20, slTarget: 0.8 }), required: ['name'] },
    ];
    const loginTarget: Target = { name: 'POST login', method: 'POST', path: '/api/v1/login', token: () => '', template: () => ({ username: 'admin', password: TEST_SECRETS.adminPassword }), required: ['username', 'password'] };

    const cases: Case[] = [];
    for (let i = 0; i < REQUESTS.ingest; i++) cases.push({ target: 'POST events', method: 'POST', path: '/api/v1/events', token: TEST_SECRETS.ingestKey, ...ingestCase(rng, i) });
    for (let i = 0; i < REQUESTS.login; i++) cases.push({ target: loginTarget.name, method: 'POST', path: loginTarget.path, token: '', ...mutate(rng, loginTarget) });
    for (let i = 0; i < REQUESTS.config; i++) {
      const target = rng.pick(configTargets);
      cases.push({ target: target.name, method: target.method, path: target.path, token: target.token(), ...mutate(rng, target) });
    }
    // Shuffle (Fisher–Yates with the seeded generator) so endpoints interleave.
    for (let i = cases.length - 1; i > 0; i--) { const j = rng.int(0, i); [cases[i], cases[j]] = [cases[j]!, cases[i]!]; }

    const byStatus = new Map<string, number>();
    const byKind = new Map<string, number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const r = await send(t.url, c);
        const key = `${c.target} ${r.status}`;
        byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
        byKind.set(c.kind.split('/').pop()!, (byKind.get(c.kind.split('/').pop()!) ?? 0) + 1);
        const parsed = ErrorBodySchema.safeParse(r.body);
        const withIssues = r.status !== 400 || (parsed.success && (parsed.data.error.code !== 'validation_failed' || (parsed.data.error.issues?.length ?? 0) > 0));
        if (r.status < 400 || r.status >= 500 || !parsed.success || !withIssues) {
          failures.push(`${c.target} [${c.kind}] → ${r.status} ${JSON.stringify(r.body).slice(0, 200)} body=${String(c.body instanceof Uint8Array ? Buffer.from(c.body).toString('hex') : c.body).slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));

    const rows = [...byStatus].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k.padEnd(36)} ${String(n).padStart(5)}`);
    const kinds = [...byKind].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}=${n}`).join(', ');
    console.log(`\nHostile-input fuzz, seed 0x${SEED.toString(16)}: ${cases.length} requests, ${failures.length} failures\n  endpoint / status                    count\n${rows.join('\n')}\n  mutations: ${kinds}\n`);
    expect(failures.slice(0, 10)).toEqual([]);

    // No prototype was polluted, nothing of a rejected body was applied.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const snap = await getSnapshot(t.url);
    expect(snap.agents.filter((a) => a.id.startsWith('fz-'))).toEqual([]);
    const users = await api(t.url, 'GET', '/api/v1/admin/users', { token: adminToken });
    expect(users.body.users.map((u: { username: string }) => u.username).sort()).toEqual(['admin', 'fz-lead']);
    expect((await api(t.url, 'GET', '/api/v1/admin/users/fz-lead', { token: adminToken })).body).toMatchObject({ role: 'teamlead', scope: { teams: ['t1'], queues: null } });
    expect((await api(t.url, 'GET', '/api/v1/admin/display-tokens', { token: adminToken })).body.displayTokens).toHaveLength(1);
    expect((await api(t.url, 'GET', '/api/v1/admin/ingest-keys', { token: adminToken })).body.ingestKeys).toHaveLength(1);

    // The audit log saw no change but the one user made before the fuzz.
    const audit = await api(t.url, 'GET', '/api/v1/admin/audit', { token: adminToken });
    expect(audit.body.entries.map((e: { action: string; target: string }) => `${e.action} ${e.target}`)).toEqual(['user.create users/fz-lead']);

    // And the server still ingests valid events.
    const ok = await postEvents(t.url, [
      { id: 'after-1', ts: T0, type: 'agent.login', agentId: 'after-a1', teamId: 't1', name: 'Still Here' },
      { id: 'after-2', ts: T0 + 1000, type: 'agent.state', agentId: 'after-a1', state: 'available' },
    ]);
    expect(ok).toEqual({ status: 202, body: { accepted: 2, duplicates: 0 } });
    expect((await getSnapshot(t.url)).agents.find((a) => a.id === 'after-a1')?.state).toBe('available');
  }, 240_000);
});
