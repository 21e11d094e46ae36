import { Registry, collectDefaultMetrics } from 'prom-client';
import { CardinalityGuard } from './cardinality';
import { METRIC_DEFINITIONS, type MetricDefinition } from './instruments.generated';
import type { LabelSet, MetricSink } from './sink';

const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];
const SEP = '\u0000';

interface Series {
  /** `{a="x",b="y"}`, or '' with no labels: rendered once, when the series is born. */
  labels: string;
  labelSet: Record<string, string>;
  value: number;
  /** Histograms: observations per bucket (not cumulative; the last is +Inf), sum. */
  buckets?: Float64Array;
  sum?: number;
}

interface Family {
  def: MetricDefinition;
  header: string;
  bounds: readonly number[];
  series: Map<string, Series>;
  /** Raw label values, one level per label, straight to their series: for label sets admitted as they came. */
  fast: Trie;
  /**
   * Frozen label objects a caller passes again and again (interactions/record-metrics.ts builds
   * them once per agent and kind of request), straight to their series by identity: no lookup per
   * label. Frozen, so the values cannot have changed since; admitted as they came only, as the trie.
   */
  byObject: WeakMap<LabelSet, Series>;
}

interface Trie {
  next?: Map<string, Trie>;
  series?: Series;
}

/** A label value as the text formats write it (also used by the history export). */
export const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const num = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

/**
 * The catalogue in the Prometheus text format, rendered by AI-ARM itself: each series keeps
 * its label text from birth, so a scrape is one pass of string joins. bench:metrics measures
 * it against prom-client's registry and the OTel SDK's exporter on the same series;
 * it is the fastest of the three, so it serves /metrics. Process metrics still come from
 * prom-client's defaults. Every catalogue metric is named from the first scrape.
 */
export class PrometheusSink implements MetricSink {
  private readonly families = new Map<string, Family>();
  private readonly guard: CardinalityGuard;
  private readonly process: Registry | null = null;

  constructor(opts: { limits?: ReadonlyMap<string, number>; processMetrics?: boolean } = {}) {
    for (const def of METRIC_DEFINITIONS) {
      const type = def.instrument === 'histogram' ? 'histogram' : def.instrument;
      this.families.set(def.name, {
        def,
        header: `# HELP ${def.prometheus} ${escapeHelp(def.description)}\n# TYPE ${def.prometheus} ${type}\n`,
        bounds: def.buckets ?? [],
        series: new Map(),
        fast: {},
        byObject: new WeakMap(),
      });
    }
    this.guard = new CardinalityGuard(opts.limits ?? new Map(), (def) => this.add('ai_arm.metrics.dropped_label_sets', 1, { metric: def.prometheus }));
    if (opts.processMetrics !== false) {
      this.process = new Registry();
      collectDefaultMetrics({ register: this.process });
      // Gauges named *_total fail `promtool check metrics`; the rest of the defaults pass.
      for (const name of LINT_FAILING_DEFAULTS) this.process.removeSingleMetric(name);
    }
  }

  add(metric: string, value: number, labels: LabelSet): void {
    this.series(metric, labels).value += value;
  }

  set(metric: string, value: number, labels: LabelSet): void {
    this.series(metric, labels).value = value;
  }

  record(metric: string, value: number, labels: LabelSet): void {
    const f = this.family(metric);
    const s = this.series(metric, labels, f);
    let i = 0;
    while (i < f.bounds.length && value > f.bounds[i]!) i++;
    s.buckets![i]!++;
    s.sum! += value;
    s.value++;
  }

  clear(metric: string, only?: LabelSet): void {
    const f = this.family(metric);
    f.byObject = new WeakMap();
    if (!only) {
      f.series.clear();
      f.fast = {};
      this.guard.forget(metric);
      return;
    }
    const match = Object.entries(only).filter((e): e is [string, string] => e[1] !== undefined);
    for (const [key, s] of f.series) if (match.every(([k, v]) => s.labelSet[k] === v)) f.series.delete(key);
    // The trie points at series objects; pruning it by label is not worth it when a rebuild is one pass.
    f.fast = {};
    const tenant = f.def.tenantLabel;
    if (tenant && only[tenant] !== undefined) this.guard.forget(metric, only[tenant]);
    else if (!tenant) this.guard.forget(metric);
  }

  contentType(): string {
    return 'text/plain; version=0.0.4; charset=utf-8';
  }

  async render(): Promise<string> {
    const out: string[] = [];
    for (const f of this.families.values()) {
      out.push(f.header);
      const name = f.def.prometheus;
      if (f.def.instrument !== 'histogram') {
        for (const s of f.series.values()) out.push(`${name}${s.labels} ${num(s.value)}\n`);
        continue;
      }
      for (const s of f.series.values()) {
        const open = s.labels ? `${s.labels.slice(0, -1)},` : '{';
        let cumulative = 0;
        for (let i = 0; i <= f.bounds.length; i++) {
          cumulative += s.buckets![i]!;
          out.push(`${name}_bucket${open}le="${i < f.bounds.length ? num(f.bounds[i]!) : '+Inf'}"} ${cumulative}\n`);
        }
        out.push(`${name}_sum${s.labels} ${num(s.sum!)}\n${name}_count${s.labels} ${s.value}\n`);
      }
    }
    if (this.process) out.push(await this.process.metrics());
    return out.join('');
  }

  /** Current samples of one metric (histograms as cumulative `_bucket`, `_sum`, `_count`), for the API's own summaries. */
  async samples(metric: string): Promise<{ name: string; labels: Record<string, string | number>; value: number }[]> {
    const f = this.family(metric);
    const name = f.def.prometheus;
    const out: { name: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const s of f.series.values()) {
      if (f.def.instrument !== 'histogram') {
        out.push({ name, labels: s.labelSet, value: s.value });
        continue;
      }
      let cumulative = 0;
      for (let i = 0; i <= f.bounds.length; i++) {
        cumulative += s.buckets![i]!;
        out.push({ name: `${name}_bucket`, labels: { ...s.labelSet, le: i < f.bounds.length ? f.bounds[i]! : '+Inf' }, value: cumulative });
      }
      out.push({ name: `${name}_sum`, labels: s.labelSet, value: s.sum! }, { name: `${name}_count`, labels: s.labelSet, value: s.value });
    }
    return out;
  }

  private family(metric: string): Family {
    const f = this.families.get(metric);
    if (!f) throw new Error(`metric ${metric} is not in the catalogue`);
    return f;
  }

  /**
   * The series a label set lands in. The hot path walks a trie of the raw label values: a
   * few map lookups on strings the caller already holds, no key to build. Only a label set
   * seen for the first time, or one the guard rewrites (unknown enum value, over the cap),
   * goes through the cardinality guard.
   */
  private series(metric: string, labels: LabelSet, f = this.family(metric)): Series {
    const frozen = Object.isFrozen(labels);
    if (frozen) {
      const known = f.byObject.get(labels);
      if (known) return known;
    }
    const names = f.def.labels;
    let node: Trie | undefined = f.fast;
    for (let i = 0; i < names.length && node; i++) node = node.next?.get(labels[names[i]!] ?? '');
    if (node?.series) {
      if (frozen) f.byObject.set(labels, node.series);
      return node.series;
    }
    const clean = this.guard.admit(f.def, labels);
    let key = '';
    let unchanged = true;
    for (let i = 0; i < names.length; i++) {
      const v = clean[names[i]!] ?? '';
      unchanged &&= v === (labels[names[i]!] ?? '');
      key += (i ? SEP : '') + v;
    }
    let s = f.series.get(key);
    if (!s) {
      const labelSet: Record<string, string> = {};
      const parts: string[] = [];
      for (const n of names) {
        const v = clean[n];
        if (v === undefined) continue;
        labelSet[n] = v;
        parts.push(`${n}="${escapeValue(v)}"`);
      }
      s = { labels: parts.length ? `{${parts.join(',')}}` : '', labelSet, value: 0 };
      if (f.def.instrument === 'histogram') {
        s.buckets = new Float64Array(f.bounds.length + 1);
        s.sum = 0;
      }
      f.series.set(key, s);
    }
    // Only label sets admitted unchanged enter the trie: rewritten ones could be unbounded.
    if (unchanged) {
      if (frozen) f.byObject.set(labels, s);
      let at = f.fast;
      for (const n of names) {
        const v = labels[n] ?? '';
        at.next ??= new Map();
        let child = at.next.get(v);
        if (!child) at.next.set(v, (child = {}));
        at = child;
      }
      at.series = s;
    }
    return s;
  }
}
