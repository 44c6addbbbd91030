import { createHash } from 'node:crypto';
import { IdSchema } from '../../../shared/ids.ts';

/** True when `s` is a valid API v1 id (agent, queue, team, call, event). */
export function isValidId(s: string): boolean {
  return IdSchema.safeParse(s).success;
}

/** Short, stable hash used when a name has no ASCII characters to build a slug from. */
export function shortHash(s: string, length = 10): string {
  return createHash('sha1').update(s).digest('hex').slice(0, length);
}

/**
 * Lower-case ASCII slug: diacritics stripped (José → jose), every run of other characters
 * becomes one `-`, no leading/trailing `-`. May return '' (e.g. a name written only in Chinese).
 */
export function slugify(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 100);
}

/** Turns any non-empty string into a valid id: kept as is when already valid, else slugged, else hashed. */
export function toId(raw: string, hashPrefix: string): string {
  const s = raw.trim();
  if (isValidId(s)) return s;
  const slug = slugify(s);
  return slug !== '' ? slug : `${hashPrefix}-${shortHash(s)}`;
}

/** Technologies of a queue member interface / channel (`PJSIP/1001`, `Local/1001@ctx/n`, ...). */
const CHANNEL_RE = /^(?:SIP|PJSIP|IAX2|IAX|DAHDI|Zap|H323|OOH323|MGCP|SCCP|Skinny|Local|Agent|Motif|WebRTC|Console|UNISTIM|Unistim|chan_\w+)\/(.+)$/i;

export interface NormalizedAgent {
  /** The agent id used in the events. */
  id: string;
  /** A human display name when the member name is one (e.g. `John Smith`); undefined for interfaces and numbers. */
  name?: string;
}

/**
 * Normalizes an Asterisk member name / interface / channel to a stable agent id:
 * `SIP/1001`, `PJSIP/1001`, `PJSIP/1001-0000001a`, `IAX2/1001`, `Local/1001@from-queue/n`,
 * `Local/1001@from-queue-00000012;1`, `Agent/1001` and `1001` all become `1001`;
 * a display name becomes a slug (`John Smith` → `john-smith`, `José Núñez` → `jose-nunez`);
 * a name without any ASCII letter or digit (`张伟`) becomes `agent-<hash>` (use `agentMap` to choose ids).
 */
export function normalizeAgent(raw: string): NormalizedAgent {
  const s = raw.trim();
  const m = CHANNEL_RE.exec(s);
  if (m) {
    let rest = m[1]!.replace(/;\d+$/, ''); // Local channel half (;1 / ;2)
    rest = rest.split('/')[0]!; // Local/...@ctx/n options, PJSIP/1001/sip:... dial strings
    rest = rest.replace(/@.*$/, ''); // Local/1001@from-queue
    rest = rest.replace(/-[0-9a-f]{8}$/i, ''); // channel sequence suffix (PJSIP/1001-0000001a)
    if (rest !== '') return { id: toId(rest, 'agent') };
  }
  if (isValidId(s)) return { id: s };
  // A display name ("John Smith", "张伟").
  return { id: toId(s, 'agent'), name: s.slice(0, 120) };
}

/** Built-in pause reasons (lower-cased, `-`/space → `_`): what the wallboard should show. */
const PAUSE_SYNONYMS: Record<string, PauseMapping> = {
  break: { state: 'break', reason: 'short_break' },
  short_break: { state: 'break', reason: 'short_break' },
  shortbreak: { state: 'break', reason: 'short_break' },
  rest: { state: 'break', reason: 'short_break' },
  coffee: { state: 'break', reason: 'short_break' },
  toilet: { state: 'break', reason: 'short_break' },
  restroom: { state: 'break', reason: 'short_break' },
  bathroom: { state: 'break', reason: 'short_break' },
  '小休': { state: 'break', reason: 'short_break' },
  '休息': { state: 'break', reason: 'short_break' },
  '洗手间': { state: 'break', reason: 'short_break' },
  lunch: { state: 'break', reason: 'meal' },
  dinner: { state: 'break', reason: 'meal' },
  breakfast: { state: 'break', reason: 'meal' },
  meal: { state: 'break', reason: 'meal' },
  '用餐': { state: 'break', reason: 'meal' },
  '午餐': { state: 'break', reason: 'meal' },
  '晚餐': { state: 'break', reason: 'meal' },
  '吃饭': { state: 'break', reason: 'meal' },
  training: { state: 'break', reason: 'training' },
  coaching: { state: 'break', reason: 'training' },
  '培训': { state: 'break', reason: 'training' },
  meeting: { state: 'break', reason: 'meeting' },
  '会议': { state: 'break', reason: 'meeting' },
  away: { state: 'away', reason: 'away' },
  '离席': { state: 'away', reason: 'away' },
  auto_pause: { state: 'away', reason: 'auto_pause' },
  autopause: { state: 'away', reason: 'auto_pause' },
};

export interface PauseMapping { state: 'break' | 'away'; reason: string }

/**
 * Maps the pause reason Asterisk logged (data1 of PAUSE/PAUSEALL, e.g. `Lunch`, `Auto-Pause`) to an
 * agent state and a reason code. `custom` (keys compared case-insensitively) wins over the built-in
 * synonyms; an empty reason gives `defaultReason`; any other reason becomes its slug with `_`
 * (`Quality Check` → `quality_check`) or, when it has no ASCII letters, `defaultReason`.
 */
export function normalizePauseReason(raw: string, defaultReason: string, custom: ReadonlyMap<string, PauseMapping> = new Map()): PauseMapping {
  const s = raw.trim();
  if (s === '') return { state: 'break', reason: defaultReason };
  const key = s.toLowerCase().replace(/[\s-]+/g, '_');
  const hit = custom.get(s.toLowerCase()) ?? custom.get(key) ?? PAUSE_SYNONYMS[key];
  if (hit) return hit;
  const slug = slugify(s).replace(/-/g, '_').slice(0, 64);
  return { state: 'break', reason: slug !== '' ? slug : defaultReason };
}
