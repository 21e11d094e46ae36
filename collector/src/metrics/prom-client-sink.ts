import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CardinalityGuard } from './cardinality';
import { METRIC_DEFINITIONS, type MetricDefinition } from './instruments.generated';
import type { LabelSet, MetricSink } from './sink';

type Instrument = Counter<string> | Gauge<string> | Histogram<string>;

const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * The catalogue on prom-client: the baseline bench:metrics holds PrometheusSink against
 * (prometheus-sink.ts renders /metrics). Every catalogue metric is
 * registered up front, so /metrics names all of them from the first scrape.
 */
export class PromClientSink implements MetricSink {
  readonly registry = new Registry();
  private readonly instruments = new Map<string, { def: MetricDefinition; metric: Instrument }>();
  private readonly guard: CardinalityGuard;

  constructor(opts: { limits?: ReadonlyMap<string, number>; processMetrics?: boolean } = {}) {
    for (const def of METRIC_DEFINITIONS) {
      const common = { name: def.prometheus, help: def.description, labelNames: [...def.labels], registers: [this.registry] };
      const metric =
        def.instrument === 'counter'
          ? new Counter(common)
          : def.instrument === 'gauge'
            ? new Gauge(common)
            : new Histogram({ ...common, buckets: [...(def.buckets ?? [])] });
      this.instruments.set(def.name, { def, metric });
    }
    this.guard = new CardinalityGuard(opts.limits ?? new Map(), (def) => this.add('ai_arm.metrics.dropped_label_sets', 1, { metric: def.prometheus }));
    if (opts.processMetrics !== false) {
      collectDefaultMetrics({ register: this.registry });
      // Gauges named *_total fail `promtool check metrics`; the rest of the defaults pass.
      for (const name of LINT_FAILING_DEFAULTS) this.registry.removeSingleMetric(name);
    }
  }

  add(metric: string, value: number, labels: LabelSet): void {
    const { def, metric: m } = this.get(metric);
    (m as Counter<string>).inc(this.labels(def, labels), value);
  }

  set(metric: string, value: number, labels: LabelSet): void {
    const { def, metric: m } = this.get(metric);
    (m as Gauge<string>).set(this.labels(def, labels), value);
  }

  record(metric: string, value: number, labels: LabelSet): void {
    const { def, metric: m } = this.get(metric);
    (m as Histogram<string>).observe(this.labels(def, labels), value);
  }

  clear(metric: string): void {
    this.get(metric).metric.reset();
    this.guard.forget(metric);
  }

  /** Current samples of one metric (histograms as `_bucket`/`_sum`/`_count` samples), for the API's own summaries. */
  async samples(metric: string): Promise<{ name: string; labels: Record<string, string | number>; value: number }[]> {
    const values = (await this.get(metric).metric.get()).values;
    return values.map((v) => ({ name: (v as { metricName?: string }).metricName ?? this.get(metric).def.prometheus, labels: v.labels as Record<string, string | number>, value: v.value }));
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  private get(metric: string) {
    const entry = this.instruments.get(metric);
    if (!entry) throw new Error(`metric ${metric} is not in the catalogue`);
    return entry;
  }

  private labels(def: MetricDefinition, labels: LabelSet): Record<string, string> {
    return this.guard.admit(def, labels) as Record<string, string>;
  }
}
