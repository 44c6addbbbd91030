/**
 * The fast event schemas (shared/events.ts, shared/ids.ts) against a verbatim copy of the
 * schemas they replaced (events.reference.test-support.ts): for valid and broken input alike,
 * the same success, the same parsed output (keys in the same order) and the same issues
 * (code, path, message and every other field), hence the same 400 field issues.
 * Known differences, none in a path or message: where `ts` fits neither form, the nested
 * `errors` of its `invalid_union` issue list the epoch-ms branch first; with `reportInput`,
 * the call.transferred refine's input shows an out-of-range ISO `ts` as given, not as ms;
 * in JSON Schema the two `ts` forms swap order and the output types `ts` as a number.
 *
 * FC_RUNS=200000 npx vitest run shared/events.equivalence.test.ts for a longer search.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldIssues } from './errors.ts';
import * as next from './events.ts';
import { IdSchema } from './ids.ts';
import * as ref from './events.reference.test-support.ts';

// One object is equal to itself: toStrictEqual's type check compares `a.constructor`, which
// an input with an own `constructor: NaN` (a key the search sets) makes unequal to itself.
expect.addEqualityTesters([(a: unknown, b: unknown) => (a !== null && typeof a === 'object' && Object.is(a, b) ? true : undefined)]);

const RUNS = Number(process.env.FC_RUNS ?? 4_000);
const TIMEOUT = Math.max(30_000, RUNS * 5);

const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);
const TYPES = next.EVENT_TYPES;

// ---------------------------------------------------------------- values

const ID_UNITS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:@/+-'];
const idChar = fc.constantFrom(...ID_UNITS);
const idOf = (minLength: number, maxLength: number) => fc.string({ unit: idChar, minLength, maxLength });
const validId = fc.oneof(
  { weight: 6, arbitrary: idOf(1, 24) },
  { weight: 1, arbitrary: idOf(120, 128) },
  { weight: 1, arbitrary: fc.constantFrom('lat-abc-1f3k', 'ag123', 'q-sales', 'a', 'x'.repeat(128), 'SIP/1001@pbx:5060+x_y.z') },
);
/** Characters an id must not contain: space, controls, non-ASCII letters, astral symbols, lone surrogates, punctuation. */
const badUnit = fc.constantFrom(' ', '\t', '\n', '\u0000', 'é', 'ß', 'ı', 'K', '😀', '\ud800', '\udc00', '#', '?', '%', '=', '*', ',', '"', "'", '\\', '<', '|', '~', '[', '$');
const badId = fc.oneof(
  fc.constant(''),
  idOf(129, 140),
  idOf(200, 260),
  fc.tuple(idOf(0, 130), badUnit, idOf(0, 130)).map(([a, b, c]) => a + b + c),
  fc.array(fc.oneof(idChar, badUnit), { minLength: 0, maxLength: 140 }).map((u) => u.join('')),
  // 64–70 astral symbols: 128–140 UTF-16 units but fewer code points (zod counts code points)
  fc.integer({ min: 60, max: 70 }).map((n) => '😀'.repeat(n)),
  fc.tuple(idOf(100, 128), fc.integer({ min: 1, max: 20 })).map(([a, n]) => a + '😀'.repeat(n)),
  fc.constantFrom(' '.repeat(200), 'a b', ' a', 'a ', '\u00a0', 'x'.repeat(129)),
  fc.string({ unit: 'binary', maxLength: 140 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
const nonString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constantFrom(null, undefined, 0, -0, NaN), fc.object(), fc.array(fc.string(), { maxLength: 2 }));
const anyId = fc.oneof({ weight: 5, arbitrary: validId }, { weight: 3, arbitrary: badId }, { weight: 1, arbitrary: nonString });

const validMs = fc.integer({ min: MIN_TS, max: MAX_TS - 1 });
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** `ms` written as ISO-8601 at offset `off` minutes (0 may be written `Z`). */
const isoAt = (ms: number, off: number, z: boolean, frac: string) => {
  const local = new Date(ms + off * 60_000).toISOString().slice(0, 19);
  const sign = off < 0 ? '-' : '+';
  const o = Math.abs(off);
  return `${local}${frac}${off === 0 && z ? 'Z' : `${sign}${pad(Math.floor(o / 60))}:${pad(o % 60)}`}`;
};
const isoTs = fc
  .record({
    ms: fc.oneof(validMs, fc.integer({ min: MIN_TS - 3 * 86_400_000, max: MIN_TS + 86_400_000 }), fc.integer({ min: MAX_TS - 86_400_000, max: MAX_TS + 3 * 86_400_000 }), fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 0, 1) })),
    off: fc.oneof(fc.constant(0), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 })),
    z: fc.boolean(),
    frac: fc.constantFrom('', '.0', '.123', '.999', '.123456789'),
    form: fc.constantFrom('ok', 'ok', 'ok', 'no-offset', 'space', 'lower-z', 'no-seconds', 'offset-no-colon', 'offset-hours', 'date-only', 'trailing'),
  })
  .map(({ ms, off, z, frac, form }) => {
    const s = isoAt(ms, off, z, frac);
    switch (form) {
      case 'no-offset': return s.replace(/(Z|[+-]\d\d:\d\d)$/, '');
      case 'space': return s.replace('T', ' ');
      case 'lower-z': return s.replace(/Z$/, 'z');
      case 'no-seconds': return s.slice(0, 16) + s.slice(19 + frac.length);
      case 'offset-no-colon': return s.replace(/([+-]\d\d):(\d\d)$/, '$1$2');
      case 'offset-hours': return s.replace(/([+-]\d\d):\d\d$/, '$1');
      case 'date-only': return s.slice(0, 10);
      case 'trailing': return `${s} `;
      default: return s;
    }
  });
const anyTs = fc.oneof(
  { weight: 6, arbitrary: validMs },
  { weight: 4, arbitrary: isoTs },
  { weight: 1, arbitrary: fc.constantFrom(MIN_TS - 1, MIN_TS, MAX_TS - 1, MAX_TS, 0, -0, -1, 1.5, MIN_TS + 0.5, MAX_TS - 0.5, NaN, Infinity, -Infinity, 1e300, -1e300, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Number.MIN_SAFE_INTEGER - 1, Number.MAX_VALUE, Number.EPSILON) },
  { weight: 1, arbitrary: fc.tuple(validMs, fc.double({ min: 0.000001, max: 0.999999, noNaN: true })).map(([ms, f]) => ms + f) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.maxSafeInteger()) },
  { weight: 1, arbitrary: validMs.map(String) },
  { weight: 1, arbitrary: fc.constantFrom('2026-02-30T00:00:00Z', '2026-02-29T00:00:00Z', '2024-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '2026-01-01T24:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T00:60:00Z', '2026-01-01T00:00:60Z', '2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00+23:59', '+002026-01-01T00:00:00Z', '2026-01-01T00:00:00.Z', '1999-12-31T23:59:59.999Z', '2000-01-01T00:00:00.000Z', '2000-01-01T00:59:59+01:00', '2000-01-01T01:00:00+01:00', '2099-12-31T23:59:59.999Z', '2100-01-01T00:00:00Z', '2100-01-01T00:30:00+01:00', '2099-12-31T23:30:00-01:00', 'yesterday', 'now', '', ' ', 'Mon, 01 Jan 2026 00:00:00 GMT', '1764600000000', '1e12') },
  { weight: 1, arbitrary: fc.oneof(fc.boolean(), fc.constantFrom(null, undefined), fc.object(), fc.array(fc.integer(), { maxLength: 2 }), fc.string({ maxLength: 30 })) },
);

/** Well-formed ISO-8601 with an offset inside the range (either written form of UTC). */
const validIso = fc.tuple(validMs, fc.integer({ min: -14 * 60, max: 14 * 60 }), fc.boolean(), fc.constantFrom('', '.5', '.123', '.123456789'))
  .map(([ms, off, z, frac]) => ({ ms: Math.min(Math.max(ms, MIN_TS + 86_400_000), MAX_TS - 86_400_000), off, z, frac }))
  .map(({ ms, off, z, frac }) => isoAt(ms, off, z, frac));
const validTs = fc.oneof({ weight: 3, arbitrary: validMs }, { weight: 1, arbitrary: validIso });

const anyValue = fc.oneof(anyId, anyTs, fc.anything(), fc.constantFrom(...TYPES));
const state = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...next.AGENT_STATES) }, { weight: 1, arbitrary: fc.constantFrom('offline', 'AVAILABLE', '', 'on call') }, { weight: 1, arbitrary: anyValue });
const outcome = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...next.OUTCOMES) }, { weight: 1, arbitrary: fc.constantFrom('ok', '', 'Success') }, { weight: 1, arbitrary: anyValue });
const reasonChar = fc.constantFrom(...'abcXYZ019_.-');
const reason = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: reasonChar, minLength: 1, maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'r'.repeat(64), 'r'.repeat(65), 'lunch break', 'a:b', 'a/b', '😀'.repeat(33), '😀'.repeat(20)) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(reasonChar, badUnit, fc.constantFrom(':', '@', '/', '+')), maxLength: 80 }) },
  { weight: 1, arbitrary: anyValue },
);
const name = fc.oneof({ weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 120 }) }, { weight: 1, arbitrary: fc.constantFrom('', 'n'.repeat(120), 'n'.repeat(121), '😀'.repeat(61), '😀'.repeat(60)) }, { weight: 1, arbitrary: anyValue });
const caller = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 64 }) }, { weight: 1, arbitrary: fc.constantFrom('', 'c'.repeat(64), 'c'.repeat(65)) }, { weight: 1, arbitrary: anyValue });
const direction = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('inbound', 'outbound') }, { weight: 1, arbitrary: anyValue });
const bool = fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: anyValue });

// ---------------------------------------------------------------- events

type Arb = fc.Arbitrary<unknown>;
const FIELDS: Record<(typeof TYPES)[number], { req: Record<string, Arb>; opt: Record<string, Arb> }> = {
  'agent.login': { req: { agentId: anyId, teamId: anyId }, opt: { name } },
  'agent.logout': { req: { agentId: anyId }, opt: {} },
  'agent.state': { req: { agentId: anyId, state }, opt: { reason } },
  'call.queued': { req: { callId: anyId, queueId: anyId }, opt: { direction, caller } },
  'call.answered': { req: { callId: anyId, queueId: anyId, agentId: anyId }, opt: {} },
  'call.abandoned': { req: { callId: anyId, queueId: anyId }, opt: {} },
  'call.timeout': { req: { callId: anyId, queueId: anyId }, opt: {} },
  'call.dialed': { req: { callId: anyId, agentId: anyId }, opt: { campaignId: anyId } },
  'call.ended': { req: { callId: anyId, agentId: anyId }, opt: { outcome, resolved: bool } },
  'call.disposition': { req: { callId: anyId, agentId: anyId, outcome }, opt: {} },
  // neither target present is part of the search: both are optional here
  'call.transferred': { req: { callId: anyId, fromAgentId: anyId }, opt: { toQueueId: anyId, toAgentId: anyId } },
};
/** Only valid values, so that the parsed output is compared for every event type and optional field. */
const VALID: Record<string, Arb> = {
  id: validId, ts: validTs, agentId: validId, teamId: validId, callId: validId, queueId: validId, fromAgentId: validId, toQueueId: validId, toAgentId: validId, campaignId: validId,
  name: fc.string({ minLength: 1, maxLength: 120 }), state: fc.constantFrom(...next.AGENT_STATES), reason: fc.string({ unit: reasonChar, minLength: 1, maxLength: 64 }),
  direction: fc.constantFrom('inbound', 'outbound'), caller: fc.string({ maxLength: 64 }), outcome: fc.constantFrom(...next.OUTCOMES), resolved: fc.boolean(),
};
const validEvent = fc.constantFrom(...TYPES).chain((type) => {
  const { req, opt } = FIELDS[type];
  const model: Record<string, Arb> = Object.fromEntries(['id', 'ts', ...Object.keys(req), ...Object.keys(opt)].map((k) => [k, VALID[k]!]));
  const required = ['id', 'ts', ...Object.keys(req), ...(type === 'call.transferred' ? ['toAgentId'] : [])];
  return fc.record(model, { requiredKeys: required }).map((e) => ({ type, ...e }));
});
const KEYS = [...new Set(['id', 'ts', 'type', ...Object.values(FIELDS).flatMap((f) => [...Object.keys(f.req), ...Object.keys(f.opt)])])];

const eventOf = (type: (typeof TYPES)[number]) => {
  const { req, opt } = FIELDS[type];
  const model: Record<string, Arb> = { id: anyId, ts: anyTs, ...req, ...opt };
  return fc.record(model, { requiredKeys: ['id', 'ts', ...Object.keys(req)] }).map((e) => ({ ...e, type }));
};
const wellFormed = fc.constantFrom(...TYPES).chain(eventOf);

/** An own property, also for `__proto__` (as JSON.parse makes it). */
const setOwn = (o: Record<string, unknown>, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
const mutation = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom(...KEYS) }),
  fc.record({ op: fc.constant('set' as const), key: fc.constantFrom(...KEYS, 'extra', 'ID', '__proto__', 'constructor', 'toString', ''), value: anyValue }),
  fc.record({ op: fc.constant('set' as const), key: fc.constant('type'), value: fc.oneof(fc.constantFrom(...TYPES), fc.constantFrom('agent.unknown', 'call.Queued', '', 'call'), anyValue) }),
);
const mutated = fc.tuple(wellFormed, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([e, ms]) => {
  const o: Record<string, unknown> = { ...e };
  for (const m of ms) {
    if (m.op === 'delete') delete o[m.key];
    else setOwn(o, m.key, m.value);
  }
  return o;
});
const anyEvent: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: validEvent },
  { weight: 3, arbitrary: wellFormed },
  { weight: 4, arbitrary: mutated },
  { weight: 1, arbitrary: fc.oneof(fc.anything(), fc.constantFrom(null, undefined, [], {}, 'agent.state', 42)) },
);

// ---------------------------------------------------------------- comparison

type Issue = Record<string, unknown>;
const byJson = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
/**
 * Issues with the two known, intended differences taken out: nested union errors compared as a
 * set (the `ts` branch order), and with `reportInput` the input of an object-level refine
 * (call.transferred) carries an out-of-range ISO `ts` as given rather than as epoch ms.
 */
const canonical = (issues: readonly Issue[]): unknown[] =>
  issues.map((i) => {
    let out = i;
    if (Array.isArray(i.errors)) out = { ...out, errors: (i.errors as Issue[][]).map((e) => canonical(e)).sort(byJson) };
    const input = i.input as Record<string, unknown> | undefined;
    if (i.code === 'custom' && typeof input?.ts === 'string') out = { ...out, input: { ...input, ts: Date.parse(input.ts) } };
    return out;
  });
const exact = (issues: readonly Issue[]) => !issues.some((i) => (Array.isArray(i.errors) && i.errors.length > 1) || (i.code === 'custom' && typeof i.input === 'object'));

/** Asserts that both schemas answer `input` alike; returns whether it was valid. */
function expectSame(before: z.ZodType, after: z.ZodType, input: unknown, params?: { reportInput: true }): boolean {
  const a = before.safeParse(input, params);
  const b = after.safeParse(input, params);
  expect(b.success).toBe(a.success);
  if (a.success && b.success) {
    expect(b.data).toStrictEqual(a.data);
    expect(JSON.stringify(b.data)).toBe(JSON.stringify(a.data));
    return true;
  }
  const ai = a.error!.issues as unknown as Issue[];
  const bi = b.error!.issues as unknown as Issue[];
  expect(canonical(bi)).toStrictEqual(canonical(ai));
  if (exact(ai)) expect(bi).toStrictEqual(ai);
  expect(fieldIssues(b.error!, [3])).toStrictEqual(fieldIssues(a.error!, [3]));
  expect(fieldIssues(b.error!)).toStrictEqual(fieldIssues(a.error!));
  return false;
}

const PAIRS: [string, z.ZodType, z.ZodType][] = [
  ['IdSchema', ref.IdSchema, IdSchema],
  ['TimestampSchema', ref.TimestampSchema, next.TimestampSchema],
  ['EventSchema', ref.EventSchema, next.EventSchema],
  ['EventBatchSchema', ref.EventBatchSchema, next.EventBatchSchema],
  ...Object.keys(ref)
    .filter((k) => /^(Agent|Call)\w+Schema$/.test(k))
    .map((k): [string, z.ZodType, z.ZodType] => [k, (ref as unknown as Record<string, z.ZodType>)[k]!, (next as unknown as Record<string, z.ZodType>)[k]!]),
];

describe('fast event schemas ≡ the schemas they replaced', () => {
  it('exports the same names', () => {
    const names = (m: object) => Object.keys(m).filter((k) => k !== 'fastPath').sort();
    expect(names({ ...next, IdSchema })).toEqual(names(ref));
    for (const [name, , after] of PAIRS) expect(after, name).toBeInstanceOf(z.ZodType);
  });

  it('ids: same verdict and issues', { timeout: TIMEOUT }, () => {
    fc.assert(fc.property(anyId, (v) => { expectSame(ref.IdSchema, IdSchema, v); }), { numRuns: RUNS });
  });

  it('timestamps: same verdict, epoch ms and issues', { timeout: TIMEOUT }, () => {
    fc.assert(fc.property(anyTs, (v) => { expectSame(ref.TimestampSchema, next.TimestampSchema, v); }), { numRuns: RUNS });
  });

  it('events: same verdict, output and issues (also with reportInput)', { timeout: TIMEOUT }, () => {
    const seen = { valid: 0, invalid: 0, types: new Set<unknown>() };
    fc.assert(
      fc.property(anyEvent, fc.boolean(), (e, report) => {
        const ok = expectSame(ref.EventSchema, next.EventSchema, e, report ? { reportInput: true } : undefined);
        seen[ok ? 'valid' : 'invalid']++;
        if (ok) seen.types.add((e as { type: unknown }).type);
        // after JSON, as the ingest path sees it
        const json = e === undefined ? undefined : JSON.stringify(e);
        if (json !== undefined) expectSame(ref.EventSchema, next.EventSchema, JSON.parse(json));
      }),
      { numRuns: RUNS },
    );
    // the search covers both sides and every type (shrinking runs aside)
    expect(seen.valid).toBeGreaterThan(RUNS * 0.2);
    expect(seen.invalid).toBeGreaterThan(RUNS * 0.2);
    expect(seen.types.size).toBe(TYPES.length);
  });

  it('every event schema alone (a type parsed by another type’s schema, too)', { timeout: TIMEOUT }, () => {
    fc.assert(fc.property(anyEvent, (e) => { for (const [, before, after] of PAIRS.slice(4)) expectSame(before, after, e); }), { numRuns: Math.ceil(RUNS / 10) });
  });

  it('batches: same verdict, output and issues', { timeout: TIMEOUT }, () => {
    fc.assert(fc.property(fc.oneof(fc.array(anyEvent, { maxLength: 6 }), anyEvent), (b) => { expectSame(ref.EventBatchSchema, next.EventBatchSchema, b); }), { numRuns: Math.ceil(RUNS / 10) });
  });

  it('the field issues a client sees for typical mistakes are unchanged', () => {
    const cases: unknown[] = [
      { id: '', ts: true, type: 'call.transferred', callId: 'c', fromAgentId: 'a', extra: 1 },
      { id: 'e1', ts: 1_764_600_000_000, type: 'call.transferred', callId: 'c', fromAgentId: 'a' },
      { id: 'e1', ts: '2026-11-23T08:00:00', type: 'agent.state', agentId: 'a b', state: 'lunch' },
      { id: 'e1', ts: 1.5, type: 'call.ended', callId: 'c'.repeat(129), agentId: 'a', outcome: 'ok', resolved: 'yes' },
      { id: 'e1', ts: '1999-12-31T23:59:59Z', type: 'agent.login', agentId: 'a', teamId: '', name: '' },
      { id: 'e1', ts: 4_102_444_800_000, type: 'nope' },
      { id: 'e1', ts: '2026-02-30T00:00:00Z', type: 'call.queued', callId: 'c', queueId: 'q', direction: 'sideways', caller: 'x'.repeat(65) },
      { id: 'e1', ts: 1e300, type: 'agent.state', agentId: 'a', state: 'break', reason: 'lunch break' },
    ];
    for (const c of cases) expectSame(ref.EventSchema, next.EventSchema, c);
    expect(fieldIssues(next.EventSchema.safeParse(cases[0]).error!, [0])).toEqual([
      { path: '[0].id', message: 'must not be empty' },
      { path: '[0].id', message: 'letters, digits and . : @ / + - _ only' },
      { path: '[0].ts', message: 'Invalid input' },
      { path: '[0]', message: 'Unrecognized key: "extra"' },
    ]);
    expect(fieldIssues(next.EventSchema.safeParse(cases[1]).error!)).toEqual([{ path: 'toQueueId', message: 'toQueueId or toAgentId is required' }]);
  });

  it('JSON Schema (OpenAPI) input is unchanged but for the order of the two `ts` forms', () => {
    const flip = (s: unknown): unknown => JSON.parse(JSON.stringify(s), (_k, v: unknown) => {
      const any = (v as { anyOf?: { type?: string }[] } | null)?.anyOf;
      return any?.length === 2 && any[0]?.type === 'string' && any[1]?.type === 'integer' ? { ...(v as object), anyOf: [any[1], any[0]] } : v;
    });
    for (const [name, before, after] of PAIRS) {
      expect(z.toJSONSchema(after, { io: 'input', unrepresentable: 'any' }), name).toEqual(flip(z.toJSONSchema(before, { io: 'input', unrepresentable: 'any' })));
    }
  });

  it('JSON Schema output is unchanged but `ts` says number (it was untyped after a transform)', () => {
    const typed = (s: unknown): unknown => JSON.parse(JSON.stringify(s).replaceAll('"ts":{}', '"ts":{"type":"number"}'));
    for (const [name, before, after] of PAIRS) {
      if (name === 'TimestampSchema') continue;
      expect(z.toJSONSchema(after, { io: 'output', unrepresentable: 'any' }), name).toEqual(typed(z.toJSONSchema(before, { io: 'output', unrepresentable: 'any' })));
    }
  });
});
