import type { ShiftReport } from '../../shared/report.ts';
import type { Intraday } from '../../shared/snapshot.ts';

export type ReportLang = 'en' | 'zh-CN';

/** Column and heading labels; zh-CN follows the manual's vocabulary (坐席, 小休, 接通率, 放弃率, 排班). */
const LABELS = {
  en: {
    title: 'Shift report', day: 'Day report', shift: { early: 'Early shift', late: 'Late shift', night: 'Night shift', day: 'Whole day' },
    window: 'Window', asOf: 'Figures as of', generated: 'Generated', partial: 'The window is still going on: figures so far.',
    totals: 'Floor totals', queues: 'Queues', teams: 'Teams', agents: 'Agents', none: 'No rows.',
    queue: 'Queue', team: 'Team', agent: 'Agent', name: 'Name',
    offered: 'Offered', answered: 'Answered', abandoned: 'Abandoned', shortAbandoned: 'Short abandons', timedOut: 'Timed out',
    answeredWithinSl: 'Answered within SL', serviceLevel: 'Service level', abandonRate: 'Abandon rate', answerRate: 'Answer rate',
    asaSec: 'ASA (s)', ahtSec: 'AHT (s)', handled: 'Handled', transferred: 'Transferred', transferRate: 'Transfer rate',
    agentsN: 'Agents', scheduled: 'Scheduled', present: 'Present', attendanceRate: 'Attendance rate', adherence: 'Adherence',
    loggedIn: 'Logged in', cph: 'CPH', successRate: 'Success rate', breakTime: 'Break time', breaks: 'Breaks', breakOverruns: 'Break overruns',
    overrun: 'Overrun time', shiftCol: 'Shift', attendance: 'Attendance', conformance: 'Conformance', success: 'Success', failure: 'Failure', grade: 'Grade',
    interval: 'Interval start', agentsLoggedIn: 'Agents logged in', agentsOnBreak: 'Agents on break',
    att: { not_scheduled: 'not scheduled', upcoming: 'upcoming', on_time: 'on time', late: 'late', half_day_absent: 'half-day absence', absent: 'absent', early_leave: 'early leave' },
    grades: { A: 'A', B: 'B', C: 'C', trainee: 'trainee pass', below: 'below' },
  },
  'zh-CN': {
    title: '交班报表', day: '日报', shift: { early: '早班', late: '中班', night: '夜班', day: '全天' },
    window: '时段', asOf: '数据截至', generated: '生成时间', partial: '该时段尚未结束：以下为截至目前的数据。',
    totals: '全场合计', queues: '队列', teams: '班组', agents: '坐席', none: '无数据。',
    queue: '队列', team: '班组', agent: '坐席', name: '姓名',
    offered: '呼入量', answered: '接通', abandoned: '放弃', shortAbandoned: '短时放弃', timedOut: '超时',
    answeredWithinSl: '服务水平内接通', serviceLevel: '服务水平', abandonRate: '放弃率', answerRate: '接通率',
    asaSec: '平均应答(秒)', ahtSec: '平均处理(秒)', handled: '处理量', transferred: '转接', transferRate: '转接率',
    agentsN: '坐席数', scheduled: '排班人数', present: '出勤人数', attendanceRate: '出勤率', adherence: '排班遵从率',
    loggedIn: '签入时长', cph: '每小时通话', successRate: '成功率', breakTime: '小休时长', breaks: '小休次数', breakOverruns: '超时小休',
    overrun: '超时时长', shiftCol: '班次', attendance: '考勤', conformance: '工时符合率', success: '成功', failure: '失败', grade: '等级',
    interval: '时段开始', agentsLoggedIn: '签入坐席', agentsOnBreak: '小休坐席',
    att: { not_scheduled: '未排班', upcoming: '未到班次', on_time: '准时', late: '迟到', half_day_absent: '旷工半天', absent: '旷工', early_leave: '早退' },
    grades: { A: 'A', B: 'B', C: 'C', trainee: '见习合格', below: '未达标' },
  },
} as const;

type Cell = string | number | null;

/** One CSV field: quoted when needed, and defused against spreadsheet formula injection. */
export function csvCell(v: Cell): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (cells: readonly Cell[]) => cells.map(csvCell).join(',');
const hms = (sec: number) => {
  const s = Math.round(sec);
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** Rows of the three tables, shared by CSV and HTML so both show the same figures. */
function tables(r: ShiftReport, lang: ReportLang) {
  const L = LABELS[lang];
  const queueHead = [L.queue, L.offered, L.answered, L.abandoned, L.shortAbandoned, L.timedOut, L.answeredWithinSl, L.serviceLevel, L.abandonRate, L.answerRate, L.asaSec, L.ahtSec, L.handled, L.transferred, L.transferRate];
  const queueRow = (id: string, q: ShiftReport['totals']): Cell[] => [id, q.offered, q.answered, q.abandoned, q.shortAbandoned, q.timedOut, q.answeredWithinSl, q.serviceLevel, q.abandonRate, q.answerRate, q.asaSec, q.ahtSec, q.handled, q.transferred, q.transferRate];
  const queues = [...r.queues.map((q) => queueRow(q.id, q)), queueRow(L.totals, r.totals)];
  const teamHead = [L.team, L.agentsN, L.scheduled, L.present, L.attendanceRate, L.adherence, `${L.loggedIn} (s)`, L.handled, L.cph, L.successRate, `${L.breakTime} (s)`, L.breakOverruns];
  const teams = r.teams.map((t): Cell[] => [t.id, t.agents, t.scheduled, t.present, t.attendanceRate, t.adherence, t.loggedInSec, t.handled, t.cph, t.successRate, t.breakSec, t.breakOverruns]);
  const agentHead = [L.agent, L.name, L.team, L.shiftCol, L.attendance, L.adherence, L.conformance, `${L.loggedIn} (s)`, L.handled, L.success, L.failure, L.cph, L.successRate, L.grade, `${L.breakTime} (s)`, L.breaks, L.breakOverruns, `${L.overrun} (s)`];
  const agents = r.agents.map((a): Cell[] => [a.id, a.name, a.teamId, a.shift ? `${a.shift.start}-${a.shift.end}` : null, L.att[a.attendance], a.adherence, a.conformance, a.loggedInSec, a.handled, a.success, a.failure, a.cph, a.successRate, a.grade === null ? null : L.grades[a.grade], a.breakSec, a.breaks, a.breakOverruns, a.overrunSec]);
  return { queueHead, queues, teamHead, teams, agentHead, agents };
}

/** The report as CSV: a title block, then the queue, team and agent tables, each with its header row. Rates are fractions. */
export function reportCsv(r: ShiftReport, lang: ReportLang = 'en'): string {
  const L = LABELS[lang];
  const t = tables(r, lang);
  const lines = [
    csvLine([r.shift === 'day' ? L.day : L.title, r.date, L.shift[r.shift], `${r.window.from}-${r.window.to}`, r.tz]),
    csvLine([L.asOf, r.asOf, L.generated, r.generatedAt, r.complete ? '' : L.partial]),
    '',
    csvLine([L.queues]), csvLine(t.queueHead), ...t.queues.map(csvLine),
    '',
    csvLine([L.teams]), csvLine(t.teamHead), ...t.teams.map(csvLine),
    '',
    csvLine([L.agents]), csvLine(t.agentHead), ...t.agents.map(csvLine),
  ];
  // BOM: spreadsheet programs then read the Chinese labels as UTF-8.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A printable, self-contained HTML page (no scripts; inline print CSS is allowed by the CSP's style-src). */
export function reportHtml(r: ShiftReport, lang: ReportLang = 'en'): string {
  const L = LABELS[lang];
  const t = tables(r, lang);
  const pct = (v: Cell) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '–');
  const rateCols = (head: readonly string[]) => new Set(head.map((h, i) => ([L.serviceLevel, L.abandonRate, L.answerRate, L.transferRate, L.attendanceRate, L.adherence, L.successRate, L.conformance] as string[]).includes(h) ? i : -1).filter((i) => i >= 0));
  const secCols = (head: readonly string[]) => new Set(head.map((h, i) => (h.endsWith('(s)') && !h.startsWith(L.asaSec) && !h.startsWith(L.ahtSec) ? i : -1)).filter((i) => i >= 0));
  const table = (caption: string, head: readonly string[], rows: Cell[][], totalLast = false) => {
    if (rows.length === 0) return `<h2>${esc(caption)}</h2><p class="muted">${esc(L.none)}</p>`;
    const rc = rateCols(head);
    const sc = secCols(head);
    const cell = (v: Cell, i: number) => {
      const text = rc.has(i) ? pct(v) : sc.has(i) && typeof v === 'number' ? hms(v) : v === null ? '–' : String(v);
      return `<td${typeof v === 'number' || rc.has(i) ? ' class="n"' : ''}>${esc(text)}</td>`;
    };
    const body = rows.map((row, ri) => `<tr${totalLast && ri === rows.length - 1 ? ' class="total"' : ''}>${row.map(cell).join('')}</tr>`).join('\n');
    return `<h2>${esc(caption)}</h2>\n<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h.replace(' (s)', ''))}</th>`).join('')}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
  };
  const title = `${r.shift === 'day' ? L.day : L.title} · ${r.date} · ${L.shift[r.shift]}`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>
  @page { size: A4 landscape; margin: 12mm; }
  body { font: 11px/1.35 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #111; margin: 16px; }
  h1 { font-size: 18px; margin: 0 0 4px; }
  h2 { font-size: 14px; margin: 18px 0 6px; break-after: avoid; }
  .meta { color: #444; margin: 0 0 4px; }
  .warn { background: #fff3cd; border: 1px solid #e0b400; padding: 4px 8px; display: inline-block; }
  .muted { color: #666; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #bbb; padding: 2px 5px; text-align: left; vertical-align: top; }
  th { background: #eee; font-weight: 600; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  tr.total td { font-weight: 700; border-top: 2px solid #333; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  @media print { body { margin: 0; } .noprint { display: none; } }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="meta">${esc(L.window)}: ${esc(`${r.window.from}–${r.window.to}`)} (${esc(r.tz)}) · ${esc(L.asOf)}: ${esc(r.asOf)} · ${esc(L.generated)}: ${esc(r.generatedAt)}</p>
${r.complete ? '' : `<p class="warn">${esc(L.partial)}</p>`}
${table(L.queues, t.queueHead, t.queues, true)}
${table(L.teams, t.teamHead, t.teams)}
${table(L.agents, t.agentHead, t.agents)}
</body>
</html>
`;
}

/** The interval series as CSV (rates as fractions, ASA in seconds, agents as time-weighted averages). */
export function intradayCsv(s: Intraday): string {
  const head = ['interval_start', 'offered', 'answered', 'abandoned', 'service_level', 'asa_sec', 'agents_logged_in', 'agents_on_break'];
  const rows = s.points.map((p) => [p.start, p.offered, p.answered, p.abandoned, p.serviceLevel, p.asaSec, p.agentsLoggedIn, p.agentsOnBreak]);
  return `${[head, ...rows].map(csvLine).join('\r\n')}\r\n`;
}
