import { EventSchema, type FloorEvent } from '../../shared/events.ts';
import { fieldIssues, type FieldIssue } from '../../shared/errors.ts';
import { validationFailed } from '../http/api-error.ts';
import type { EventLog } from '../store/event-log.ts';
import type { IngestMonitor } from '../ops/data-quality.ts';

export interface IngestResult { accepted: number; duplicates: number }

/** Validates whole batches with the shared schemas, then appends them to the log (all-or-nothing). */
export class IngestService {
  /** `monitor` (data quality and metrics) sees every validated batch and what was stored of it. */
  constructor(private readonly log: EventLog, private readonly monitor: IngestMonitor | null = null) {}

  /** Parses every input (`indexed`: paths start with the item's index, as for arrays and NDJSON); throws a 400 ApiError naming every failing field if any is invalid. */
  validate(inputs: readonly unknown[], indexed = true): FloorEvent[] {
    const events: FloorEvent[] = [];
    const issues: FieldIssue[] = [];
    inputs.forEach((input, index) => {
      const parsed = EventSchema.safeParse(input);
      if (parsed.success) events.push(parsed.data);
      else issues.push(...fieldIssues(parsed.error, indexed ? [index] : []));
    });
    if (issues.length > 0) throw validationFailed(issues, `${issues.length} invalid field(s); nothing was applied`);
    return events;
  }

  /** Acknowledges only after the log has appended the batch. `source` labels it for data quality (docs/operations.md). */
  async ingest(inputs: readonly unknown[], indexed = true, source = 'api'): Promise<IngestResult> {
    const events = this.validate(inputs, indexed);
    const stored = this.monitor?.inspect(source, events);
    const result = await this.log.append(events);
    stored?.(result);
    return { accepted: result.appended.length, duplicates: result.duplicates };
  }
}
