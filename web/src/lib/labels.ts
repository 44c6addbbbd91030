import { withDirection, type CenterLimits, type Limits } from '../../../shared/center-config.ts';
import { DEFAULT_THRESHOLDS, GRADE_TABLE, METRIC_DEFAULTS, type Severity, type Threshold } from '../../../shared/metrics.ts';
import type { AgentState, Attendance, Snapshot } from '../../../shared/snapshot.ts';
import { Formatter, translate } from './format.ts';
import { MESSAGES, type Lang, type MessageKey } from './messages.ts';

export type Grade = (typeof GRADE_TABLE)[number]['grade'] | 'below' | null;
export type Center = Snapshot['center'];

export const STATE_ORDER: readonly AgentState[] = ['available', 'ringing', 'on_call', 'wrap_up', 'break', 'away', 'offline'];

/** Glyph shown beside every state colour, so colour is never the only signal. */
export const STATE_ICON: Record<AgentState, string> = {
  available: '●',
  ringing: '◔',
  on_call: '☎',
  wrap_up: '✎',
  break: '☕',
  away: '⏏',
  offline: '○',
};

/** Glyph shown beside every severity colour. */
export const SEVERITY_ICON: Record<Severity, string> = { ok: '✓', amber: '●', red: '▲' };

export function stateLabel(lang: Lang, state: AgentState): string {
  return translate(lang, `state.${state}`);
}

/** A reason code in words; unknown codes are shown as sent, with `_` as spaces. */
export function reasonLabel(lang: Lang, reason: string | null): string | null {
  if (reason === null || reason === '') return null;
  const key = `reason.${reason}`;
  return key in MESSAGES[lang] ? translate(lang, key as MessageKey) : reason.replace(/_/g, ' ');
}

export function gradeLabel(lang: Lang, grade: Grade): string {
  return grade === null ? '—' : translate(lang, `grade.${grade}`);
}

export function attendanceLabel(lang: Lang, attendance: Attendance): string {
  return translate(lang, `att.${attendance}`);
}

export function severityLabel(lang: Lang, severity: Severity): string {
  return translate(lang, `sev.${severity}`);
}

/** Attendance states that mean "should be here and is not (or was not)". */
export function isAttendanceIssue(attendance: Attendance): boolean {
  return attendance === 'late' || attendance === 'half_day_absent' || attendance === 'absent' || attendance === 'early_leave';
}

export type HelpMetric =
  | 'waiting' | 'longestWait' | 'serviceLevel' | 'abandonRate' | 'answerRate' | 'asa' | 'aht' | 'offered'
  | 'cph' | 'floorCph' | 'successRate' | 'grade' | 'adherence' | 'attendanceRate' | 'breakOverrun' | 'timeInState' | 'forecast';

/**
 * "How is this computed" for a metric, with the center's own thresholds when known (else the
 * shared defaults), so the text always matches the number next to it (SPEC §3).
 */
export function metricHelp(lang: Lang, metric: HelpMetric, center?: Center | null): string {
  const f = new Formatter(lang, center?.tz ?? 'UTC');
  const sl = center?.slThresholdSec ?? METRIC_DEFAULTS.slThresholdSec;
  const sa = center?.shortAbandonSec ?? METRIC_DEFAULTS.shortAbandonSec;
  const target = center?.slTarget ?? METRIC_DEFAULTS.slTarget;
  const th = center?.thresholds ?? DEFAULT_THRESHOLDS;
  switch (metric) {
    case 'waiting': return translate(lang, 'help.waiting');
    case 'longestWait': return translate(lang, 'help.longestWait', { amber: th.longestWaitSec.amber, red: th.longestWaitSec.red });
    case 'serviceLevel': return translate(lang, 'help.serviceLevel', { sl, sa, target: f.pct(target), amber: f.pct(th.serviceLevel.amber), red: f.pct(th.serviceLevel.red) });
    case 'abandonRate': return translate(lang, 'help.abandonRate', { sa, amber: f.pct(th.abandonRate.amber), red: f.pct(th.abandonRate.red) });
    case 'answerRate': return translate(lang, 'help.answerRate');
    case 'asa': return translate(lang, 'help.asa');
    case 'aht': return translate(lang, 'help.aht');
    case 'offered': return translate(lang, 'help.offered', { sa });
    case 'cph': return translate(lang, 'help.cph', { min: METRIC_DEFAULTS.cphMinLoggedInSec / 60 });
    case 'floorCph': return translate(lang, 'help.floorCph', { min: METRIC_DEFAULTS.floorCphWindowSec / 60 });
    case 'successRate': return translate(lang, 'help.successRate');
    case 'grade': {
      const table = GRADE_TABLE.map((g) => `${gradeLabel(lang, g.grade)} ≥ ${g.minCph} CPH & ${f.pct(g.minSuccessRate)}`).join(lang === 'zh-CN' ? '；' : '; ');
      return translate(lang, 'help.grade', { table });
    }
    case 'adherence': return translate(lang, 'help.adherence', { amber: f.pct(th.adherence.amber), red: f.pct(th.adherence.red) });
    case 'attendanceRate': return translate(lang, 'help.attendanceRate', { red: f.pct(th.attendanceRate.red) });
    case 'breakOverrun': return translate(lang, 'help.breakOverrun', { short: METRIC_DEFAULTS.shortBreakPlanSec / 60, away: METRIC_DEFAULTS.awayLimitSec / 60 });
    case 'timeInState': return translate(lang, 'help.timeInState');
    case 'forecast': return translate(lang, 'help.forecast');
  }
}

/** The threshold of a metric: the row's (or center's) configured limits when sent, else SPEC §3's default. */
export function thresholdOf(name: keyof CenterLimits, limits?: Limits | null): Threshold {
  return limits ? withDirection(name, limits) : DEFAULT_THRESHOLDS[name];
}

/**
 * A readable name from a team or queue id when the center configuration gives it none:
 * "t-central" → "Central", "q_sales_vip" → "Sales vip".
 */
export function displayId(id: string): string {
  const bare = id.replace(/^(team|queue|t|q)[-_:.]/i, '').replace(/[-_]+/g, ' ').trim();
  return bare ? bare.charAt(0).toUpperCase() + bare.slice(1) : id;
}

/** The worse of two severities. */
export function worse(a: Severity, b: Severity): Severity {
  const rank = { ok: 0, amber: 1, red: 2 } as const;
  return rank[a] >= rank[b] ? a : b;
}
