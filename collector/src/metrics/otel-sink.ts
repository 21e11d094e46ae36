import type { Attributes, Counter, Gauge, Histogram } from '@opentelemetry/api';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { loadCatalogue } from '@ai-arm/schemas';
import { CardinalityGuard } from './cardinality';
import { METRIC_DEFINITIONS, type MetricDefinition } from './instruments.generated';
import type { LabelSet, MetricSink } from './sink';
import { VERSION } from '../version';

type Instrument = { def: MetricDefinition; counter?: Counter; gauge?: Gauge; histogram?: Histogram; attrNames: Record<string, string> };

/**
 * The catalogue on the OpenTelemetry SDK: what pushes metrics over OTLP (and the OTel side of
 * bench:metrics). Attributes carry the OTel names the catalogue gives its labels
 * (`gen_ai.provider.name`), under the same cardinality caps as /metrics.
 */
export class OtelSink implements MetricSink {
  private readonly provider: MeterProvider;
  private readonly instruments = new Map<string, Instrument>();
  private readonly guard: CardinalityGuard;

  constructor(readers: MetricReader[], opts: { serviceName?: string; limits?: ReadonlyMap<string, number>; otelNames?: Readonly<Record<string, string>> } = {}) {
    const otelNames = opts.otelNames ?? otelLabelNames();
    // The SDK's own cap (2,000 series per instrument by default) sits just above the catalogue's,
    // whose guard has already folded the rest into `_overflow`.
    const views = METRIC_DEFINITIONS.map((d) => ({ instrumentName: d.name, aggregationCardinalityLimit: (opts.limits?.get(d.name) ?? d.cardinalityLimit) + 1 }));
    this.provider = new MeterProvider({ readers, views, resource: resourceFromAttributes({ 'service.name': opts.serviceName ?? 'ai-arm-collector', 'service.version': VERSION }) });
    const meter = this.provider.getMeter('ai-arm-collector', VERSION);
    for (const def of METRIC_DEFINITIONS) {
      const common = { description: def.description, unit: def.unit };
      const attrNames = Object.fromEntries(def.labels.map((l) => [l, otelNames[l] ?? l]));
      if (def.instrument === 'counter') this.instruments.set(def.name, { def, attrNames, counter: meter.createCounter(def.name, common) });
      else if (def.instrument === 'gauge') this.instruments.set(def.name, { def, attrNames, gauge: meter.createGauge(def.name, common) });
      else this.instruments.set(def.name, { def, attrNames, histogram: meter.createHistogram(def.name, { ...common, advice: { explicitBucketBoundaries: [...(def.buckets ?? [])] } }) });
    }
    this.guard = new CardinalityGuard(opts.limits ?? new Map(), (def) => this.add('ai_arm.metrics.dropped_label_sets', 1, { metric: def.prometheus }));
  }

  add(metric: string, value: number, labels: LabelSet): void {
    const i = this.get(metric);
    i.counter!.add(value, this.attributes(i, labels));
  }

  set(metric: string, value: number, labels: LabelSet): void {
    const i = this.get(metric);
    i.gauge!.record(value, this.attributes(i, labels));
  }

  record(metric: string, value: number, labels: LabelSet): void {
    const i = this.get(metric);
    i.histogram!.record(value, this.attributes(i, labels));
  }

  /** OTel synchronous gauges cannot drop a series; a cleared gauge's series simply stop being updated. */
  clear(metric: string, only?: LabelSet): void {
    const tenant = this.get(metric).def.tenantLabel;
    this.guard.forget(metric, tenant ? only?.[tenant] : undefined);
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }

  private get(metric: string): Instrument {
    const i = this.instruments.get(metric);
    if (!i) throw new Error(`metric ${metric} is not in the catalogue`);
    return i;
  }

  private attributes(i: Instrument, labels: LabelSet): Attributes {
    const clean = this.guard.admit(i.def, labels);
    const out: Attributes = {};
    for (const [k, v] of Object.entries(clean)) if (v !== undefined) out[i.attrNames[k]!] = v;
    return out;
  }
}

/** Each catalogue label's OTel attribute name (`gen_ai_provider_name` -> `gen_ai.provider.name`). */
export function otelLabelNames(): Record<string, string> {
  return Object.fromEntries(Object.entries(loadCatalogue().labels).map(([name, l]) => [name, l.otel ?? name]));
}

/** Sends every observation to several sinks: /metrics and an OTLP push side by side. */
export class TeeSink implements MetricSink {
  constructor(private readonly sinks: readonly MetricSink[]) {}
  add(metric: string, value: number, labels: LabelSet): void {
    for (const s of this.sinks) s.add(metric, value, labels);
  }
  set(metric: string, value: number, labels: LabelSet): void {
    for (const s of this.sinks) s.set(metric, value, labels);
  }
  record(metric: string, value: number, labels: LabelSet): void {
    for (const s of this.sinks) s.record(metric, value, labels);
  }
  clear(metric: string, only?: LabelSet): void {
    for (const s of this.sinks) s.clear(metric, only);
  }
}
