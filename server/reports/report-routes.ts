import { Router, type Response } from 'express';
import { fieldIssues } from '../../shared/errors.ts';
import { IntradayCsvQuerySchema, ShiftReportQuerySchema } from '../../shared/report.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { FloorService } from '../floor/floor-service.ts';
import { validationFailed } from '../http/api-error.ts';
import { requireRole } from '../http/middleware.ts';
import { intradayCsv, reportCsv, reportHtml } from './report-format.ts';
import { ReportWindowError, type ShiftReporter } from './shift-report.ts';
import { localDate, shiftWindow, type ShiftTimes } from './shift-window.ts';

/** People who read the floor (not display tokens: a TV never downloads reports). */
export const REPORT_ROLES = ['admin', 'supervisor', 'teamlead'] as const;

function download(res: Response, type: string, filename: string, body: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(body);
}

/**
 * `GET /api/v1/reports/shift?date=&shift=early|late|night|day&format=json|csv|html&lang=` — the
 * end-of-shift (or day) report, limited to the caller's scope; and
 * `GET /api/v1/reports/intraday.csv?date=&interval=&queueId=` — the interval series as CSV.
 */
export function reportRoutes(auth: AuthService, reporter: ShiftReporter, floor: FloorService, opts: { tz: string; clock: () => number; shiftTimes: ShiftTimes }): Router {
  const r = Router();
  const readers = requireRole(auth, REPORT_ROLES);

  r.get('/api/v1/reports/shift', readers, async (req, res) => {
    const q = ShiftReportQuerySchema.safeParse(req.query);
    if (!q.success) throw validationFailed(fieldIssues(q.error, ['query']));
    const date = q.data.date ?? localDate(opts.tz, opts.clock());
    const window = shiftWindow(opts.tz, date, q.data.shift, opts.shiftTimes);
    let report;
    try {
      report = await reporter.build(window, req.principal!.scope);
    } catch (err) {
      if (err instanceof ReportWindowError) throw validationFailed([{ path: 'query.date', message: err.message }]);
      throw err;
    }
    const name = `floorboard-${q.data.shift}-${date}`;
    if (q.data.format === 'csv') return download(res, 'text/csv; charset=utf-8', `${name}.csv`, reportCsv(report, q.data.lang));
    if (q.data.format === 'html') {
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(reportHtml(report, q.data.lang));
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(report);
  });

  r.get('/api/v1/reports/intraday.csv', readers, async (req, res) => {
    const q = IntradayCsvQuerySchema.safeParse(req.query);
    if (!q.success) throw validationFailed(fieldIssues(q.error, ['query']));
    const allowed = req.principal!.scope.queues;
    if (q.data.queueId && allowed && !allowed.includes(q.data.queueId)) throw validationFailed([{ path: 'query.queueId', message: 'queue outside your scope' }]);
    // A scope limited to some queues never gets the all-queues series: its one queue, or name one.
    if (!q.data.queueId && allowed && allowed.length !== 1) throw validationFailed([{ path: 'query.queueId', message: 'choose a queueId within your scope' }]);
    const queueId = q.data.queueId ?? (allowed ? allowed[0]! : null);
    const interval = Number(q.data.interval) as 15 | 30 | 60;
    const today = localDate(opts.tz, opts.clock());
    const date = q.data.date ?? today;
    let series;
    if (date === today) series = floor.intraday(interval, queueId);
    else {
      try {
        series = await reporter.intraday(shiftWindow(opts.tz, date, 'day', opts.shiftTimes), interval, queueId);
      } catch (err) {
        if (err instanceof ReportWindowError) throw validationFailed([{ path: 'query.date', message: err.message }]);
        throw err;
      }
    }
    download(res, 'text/csv; charset=utf-8', `floorboard-intraday-${date}-${interval}min${queueId ? `-${queueId.replace(/[^\w.-]/g, '_')}` : ''}.csv`, intradayCsv(series));
  });

  return r;
}
