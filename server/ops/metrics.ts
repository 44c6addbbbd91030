import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges read at scrape time. */
export interface MetricsSources {
  storeHealthy: () => boolean;
  /** Connected websocket clients by role (`supervisor`, `display`, …). */
  socketsByRole: () => Map<string, number>;
  outOfOrder: () => number;
  eventsApplied: () => number;
  inFlightRequests: () => number;
}

/**
 * Prometheus metrics of one instance (its own registry, so several apps in one process — tests —
 * do not collide). Names are prefixed `floorboard_`; process metrics are prom-client's defaults.
 */
export class OpsMetrics {
  readonly registry = new Registry();
  readonly ingestEvents = new Counter({ name: 'floorboard_ingest_events_total', help: 'Events accepted (appended to the log) by source', labelNames: ['source'], registers: [this.registry] });
  readonly ingestDuplicates = new Counter({ name: 'floorboard_ingest_duplicates_total', help: 'Events dropped as duplicates (an id seen before) by source', labelNames: ['source'], registers: [this.registry] });
  readonly ingestRejected = new Counter({ name: 'floorboard_ingest_rejected_total', help: 'Ingest requests refused (reason = error code) and queue_log lines rejected (reason = malformed_line), by source', labelNames: ['source', 'reason'], registers: [this.registry] });
  readonly ingestOutOfOrder = new Counter({ name: 'floorboard_ingest_out_of_order_total', help: 'Accepted events older than an earlier event of the same call or agent, by source', labelNames: ['source'], registers: [this.registry] });
  readonly ingestUnknown = new Counter({ name: 'floorboard_ingest_unknown_total', help: 'Accepted events naming an unknown agent or queue (docs/operations.md), by source and kind', labelNames: ['source', 'kind'], registers: [this.registry] });
  /** Observed once per accepted event: a lean histogram (prom-client's hashes the labels on every observation). */
  readonly eventLag = new PerEventHistogram('floorboard_event_lag_seconds', 'Arrival time minus event time of accepted events, by source', 'source', [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]);
  readonly foldSeconds = new Histogram({ name: 'floorboard_fold_seconds', help: 'Time to fold one batch of log entries into the floor', registers: [this.registry], buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
  readonly foldedEvents = new Counter({ name: 'floorboard_folded_events_total', help: 'Log entries folded into the floor by this instance', registers: [this.registry] });
  readonly deltaBytes = new Histogram({ name: 'floorboard_delta_bytes', help: 'Size of published floor deltas, one in 20 sampled (JSON, before scope filtering)', registers: [this.registry], buckets: [100, 200, 300, 500, 1000, 2000, 5000, 10_000, 50_000, 200_000] });
  readonly httpRequests = new Counter({ name: 'floorboard_http_requests_total', help: 'HTTP requests answered, by method and status class', labelNames: ['method', 'status'], registers: [this.registry] });
  readonly httpSeconds = new Histogram({ name: 'floorboard_http_request_seconds', help: 'HTTP request duration', labelNames: ['method'], registers: [this.registry], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10] });

  constructor(sources: MetricsSources) {
    this.registry.registerMetric(this.eventLag as unknown as Parameters<Registry['registerMetric']>[0]);
    const r = [this.registry];
    new Gauge({ name: 'floorboard_store_healthy', help: '1 while the event store (memory or Redis) answers', registers: r, collect() { this.set(sources.storeHealthy() ? 1 : 0); } });
    new Gauge({
      name: 'floorboard_sockets_connected', help: 'Connected websocket clients by role', labelNames: ['role'], registers: r,
      collect() {
        this.reset();
        for (const [role, n] of sources.socketsByRole()) this.labels(role).set(n);
      },
    });
    new Gauge({ name: 'floorboard_engine_out_of_order_events', help: 'Events the floor folded out of time order (re-derived their call or agent)', registers: r, collect() { this.set(sources.outOfOrder()); } });
    new Gauge({ name: 'floorboard_engine_events_applied', help: 'Events the floor engine has folded (including those restored from a checkpoint)', registers: r, collect() { this.set(sources.eventsApplied()); } });
    new Gauge({ name: 'floorboard_http_in_flight_requests', help: 'HTTP requests being answered', registers: r, collect() { this.set(sources.inFlightRequests()); } });
    collectDefaultMetrics({ register: this.registry });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** One labelled series of a PerEventHistogram. */
export interface HistogramSeries { observe(value: number): void }

/**
 * A histogram with one label for hot paths: `series(label)` once per batch, then `observe` costs a
 * bucket search and two additions. Exposed through the registry like any prom-client metric.
 */
export class PerEventHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly all = new Map<string, { counts: Float64Array; sum: number; count: number }>();

  constructor(readonly name: string, readonly help: string, private readonly labelName: string, private readonly buckets: readonly number[]) {}

  series(label: string): HistogramSeries {
    let s = this.all.get(label);
    if (!s) { s = { counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 }; this.all.set(label, s); }
    const data = s;
    const buckets = this.buckets;
    return {
      observe(value: number) {
        let i = 0;
        while (i < buckets.length && value > buckets[i]!) i++;
        data.counts[i]!++;
        data.sum += value;
        data.count++;
      },
    };
  }

  /** The prom-client metric shape (`registry.metrics()` renders it). */
  get() {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const [label, s] of this.all) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += s.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le, [this.labelName]: label }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', [this.labelName]: label }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: { [this.labelName]: label }, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { [this.labelName]: label }, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void { this.all.clear(); }
}
