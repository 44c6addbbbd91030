import { MESSAGES, type Lang, type MessageKey } from './messages.ts';

export type Params = Record<string, string | number>;

/** The message `key` in `lang` with `{name}` placeholders filled from `params`. */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const template = MESSAGES[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const NONE = '—';

/**
 * Number, percent, duration and clock formats of one language in the center's time zone.
 * Every figure on screen goes through one of these, so both locales and `null` ("no data yet")
 * look the same everywhere.
 */
export class Formatter {
  readonly lang: Lang;
  readonly tz: string;
  readonly #int: Intl.NumberFormat;
  readonly #dec1: Intl.NumberFormat;
  readonly #pct0: Intl.NumberFormat;
  readonly #pct1: Intl.NumberFormat;
  readonly #clock: Intl.DateTimeFormat;
  readonly #clockSec: Intl.DateTimeFormat;
  readonly #date: Intl.DateTimeFormat;

  constructor(lang: Lang, tz: string) {
    this.lang = lang;
    this.tz = validTimeZone(tz) ? tz : 'UTC';
    const nu = { numberingSystem: 'latn' } as const;
    this.#int = new Intl.NumberFormat(lang, { ...nu, maximumFractionDigits: 0 });
    this.#dec1 = new Intl.NumberFormat(lang, { ...nu, minimumFractionDigits: 1, maximumFractionDigits: 1 });
    this.#pct0 = new Intl.NumberFormat(lang, { ...nu, style: 'percent', maximumFractionDigits: 0 });
    this.#pct1 = new Intl.NumberFormat(lang, { ...nu, style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const time = { timeZone: this.tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
    this.#clock = new Intl.DateTimeFormat(lang, time);
    this.#clockSec = new Intl.DateTimeFormat(lang, { ...time, second: '2-digit' });
    this.#date = new Intl.DateTimeFormat(lang, { timeZone: this.tz, weekday: 'short', month: 'short', day: 'numeric' });
  }

  /** Whole number with grouping ("1,234"); `null` → "—". */
  int(n: number | null | undefined): string {
    return n === null || n === undefined || !Number.isFinite(n) ? NONE : this.#int.format(Math.round(n));
  }

  /** One decimal ("14.3"); `null` → "—". Used for CPH. */
  dec1(n: number | null | undefined): string {
    return n === null || n === undefined || !Number.isFinite(n) ? NONE : this.#dec1.format(n);
  }

  /** A rate in [0,1] as a percent ("87%", or "4.3%" with `digits` 1); `null` → "—". */
  pct(rate: number | null | undefined, digits: 0 | 1 = 0): string {
    if (rate === null || rate === undefined || !Number.isFinite(rate)) return NONE;
    return (digits === 1 ? this.#pct1 : this.#pct0).format(rate);
  }

  /** Seconds as "m:ss" below an hour, "h:mm:ss" from an hour; `null` → "—"; negatives clamp to 0. */
  duration(sec: number | null | undefined): string {
    if (sec === null || sec === undefined || !Number.isFinite(sec)) return NONE;
    const total = Math.max(0, Math.floor(sec));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const ss = String(s).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
  }

  /** Short seconds for averages ("18 s" / "18 秒", "3:05" from a minute); `null` → "—". */
  seconds(sec: number | null | undefined): string {
    if (sec === null || sec === undefined || !Number.isFinite(sec)) return NONE;
    if (sec >= 60) return this.duration(sec);
    return this.lang === 'zh-CN' ? `${this.#int.format(Math.round(sec))} 秒` : `${this.#int.format(Math.round(sec))} s`;
  }

  /** Wall-clock time "14:03" in the center's time zone. */
  clock(ms: number): string {
    return this.#clock.format(ms);
  }

  /** Wall-clock time with seconds "14:03:07". */
  clockSec(ms: number): string {
    return this.#clockSec.format(ms);
  }

  /** "Mon, Nov 23" / "11月23日周一" in the center's time zone. */
  date(ms: number): string {
    return this.#date.format(ms);
  }
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
