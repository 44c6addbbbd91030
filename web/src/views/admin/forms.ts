import type { FieldIssue } from '../../../../shared/errors.ts';
import { ApiError } from '../../lib/api.ts';

/**
 * Where each of the API's field issues belongs in a form: the issue's path (`scope.teams[0]`,
 * `thresholds.serviceLevel.red`) goes to the longest form field that is a prefix of it. Issues no
 * field claims (the body as a whole, a path parameter) are answered under `''`, for the form.
 */
export function issuesByField(issues: readonly FieldIssue[], fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const sorted = [...fields].sort((a, b) => b.length - a.length);
  for (const issue of issues) {
    const field = sorted.find((f) => issue.path === f || issue.path.startsWith(`${f}.`) || issue.path.startsWith(`${f}[`)) ?? '';
    out[field] = out[field] ? `${out[field]} ${issue.message}` : issue.message;
  }
  return out;
}

/**
 * What a form shows after its submit was rejected: the API's field issues under their fields, with
 * a note for the form to fix them; any other failure as the form's own message. `withIssues` says
 * which it was (then focus moves to the first invalid field).
 */
export function rejectedSubmit(
  err: unknown,
  fields: readonly string[],
  t: (key: 'ad.fixFields' | 'ad.error', params?: Record<string, string>) => string,
): { errors: Record<string, string>; withIssues: boolean } {
  if (err instanceof ApiError && err.issues.length > 0) {
    const errors = issuesByField(err.issues, fields);
    if (!errors['']) errors[''] = t('ad.fixFields');
    return { errors, withIssues: true };
  }
  return { errors: { '': t('ad.error', { message: err instanceof Error ? err.message : String(err) }) }, withIssues: false };
}

/** A percent input's text as a fraction (`'80'` → 0.8); blank → undefined; not a number → NaN (the server names it). */
export function fractionOf(text: string): number | undefined {
  const t = text.trim().replace(',', '.');
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? Math.round(n * 100) / 10_000 : Number.NaN;
}

/** A fraction as a percent input's text (0.8 → `'80'`); undefined → blank. */
export function percentText(value: number | undefined | null): string {
  return value === undefined || value === null ? '' : String(Math.round(value * 10_000) / 100);
}

/** A whole-number input's text; blank → undefined; anything else non-numeric → NaN. */
export function numberOf(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** An amber/red pair from two inputs: both blank → undefined (inherit); one blank → that side NaN, so the server reports it. */
export function pairOf(amber: number | undefined, red: number | undefined): { amber: number; red: number } | undefined {
  if (amber === undefined && red === undefined) return undefined;
  return { amber: amber ?? Number.NaN, red: red ?? Number.NaN };
}

/** `aria-describedby` of a field from `Field.svelte` (its hint and error ids), or undefined. */
export function describedBy(id: string, hint: boolean, error: string | null | undefined): string | undefined {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

/** Moves focus to the first invalid control inside `root` (after a rejected submit). */
export function focusFirstInvalid(root: HTMLElement | null): void {
  queueMicrotask(() => root?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/** A team or queue to pick in a scope, with its display label. */
export interface Choice { id: string; label: string }

/** An ISO instant as "Mon, Nov 23 14:03:07" in the center's time zone. */
export function stamp(fmt: { date(ms: number): string; clockSec(ms: number): string }, iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${fmt.date(ms)} ${fmt.clockSec(ms)}` : iso;
}
