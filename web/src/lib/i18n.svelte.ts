import type { Severity } from '../../../shared/metrics.ts';
import type { AgentState, Attendance } from '../../../shared/snapshot.ts';
import { Formatter, translate, type Params } from './format.ts';
import {
  attendanceLabel, displayId, gradeLabel, metricHelp, reasonLabel, severityLabel, stateLabel,
  type Center, type Grade, type HelpMetric,
} from './labels.ts';
import { initialLang, type Lang, type MessageKey } from './messages.ts';

const STORAGE_KEY = 'floorboard.lang';

/** Reactive language, time zone and formatters; components read `i18n.t(...)` and `i18n.fmt`. */
export class I18n {
  lang = $state<Lang>('en');
  /** The center's time zone (from `snapshot.center.tz`); clocks are shown in it, not the browser's. */
  tz = $state('Asia/Shanghai');
  center = $state.raw<Center | null>(null);
  /** Display names of queues and teams from the center configuration (via the snapshot). */
  #queueNames = $state.raw<Readonly<Record<string, string>>>({});
  #teamNames = $state.raw<Readonly<Record<string, string>>>({});
  readonly fmt = $derived(new Formatter(this.lang, this.tz));

  constructor(lang: Lang = 'en') {
    this.lang = lang;
  }

  t = (key: MessageKey, params?: Params): string => translate(this.lang, key, params);
  state = (s: AgentState): string => stateLabel(this.lang, s);
  reason = (r: string | null): string | null => reasonLabel(this.lang, r);
  grade = (g: Grade): string => gradeLabel(this.lang, g);
  attendance = (a: Attendance): string => attendanceLabel(this.lang, a);
  severity = (s: Severity): string => severityLabel(this.lang, s);
  help = (m: HelpMetric): string => metricHelp(this.lang, m, this.center);
  /** A queue's configured name, else one derived from its id. */
  queue = (id: string): string => (Object.hasOwn(this.#queueNames, id) ? this.#queueNames[id]! : displayId(id));
  team = (id: string): string => translate(this.lang, 'team.label', { id: Object.hasOwn(this.#teamNames, id) ? this.#teamNames[id]! : displayId(id) });

  /** Takes the queue and team names a snapshot carries (kept when unchanged, so nothing re-renders). */
  setNames(snap: { queues: readonly { id: string; name?: string | undefined }[]; teams: readonly { id: string; name?: string | undefined }[] }): void {
    const pick = (rows: readonly { id: string; name?: string | undefined }[], prev: Readonly<Record<string, string>>) => {
      const next: Record<string, string> = {};
      for (const r of rows) if (r.name) next[r.id] = r.name;
      const keys = Object.keys(next);
      const same = keys.length === Object.keys(prev).length && keys.every((k) => prev[k] === next[k]);
      return same ? prev : next;
    };
    this.#queueNames = pick(snap.queues, this.#queueNames);
    this.#teamNames = pick(snap.teams, this.#teamNames);
  }

  setCenter(center: Center): void {
    if (this.center !== center) this.center = center;
    if (this.tz !== center.tz) this.tz = center.tz;
  }

  /** Switch language and remember the choice on this browser. */
  setLang(lang: Lang): void {
    this.lang = lang;
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // Storage can be disabled (kiosk mode, private windows); the choice then lasts for this page.
    }
    if (typeof document !== 'undefined') document.documentElement.lang = lang;
  }

  toggle(): void {
    this.setLang(this.lang === 'en' ? 'zh-CN' : 'en');
  }
}

function detect(): Lang {
  if (typeof window === 'undefined') return 'en';
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  return initialLang(window.location.search, stored, navigator.languages ?? [navigator.language]);
}

/** The page's single language state. */
export const i18n = new I18n(detect());
if (typeof document !== 'undefined') document.documentElement.lang = i18n.lang;
