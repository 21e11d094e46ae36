import { tenantLabelOf, type Catalogue, type MetricDef } from '../src/metrics/catalogue';

const HEADER = '// GENERATED from schemas/metrics/catalogue.yaml by `npm run generate`. Do not edit.\n';

const pascal = (s: string) => s.split(/[^a-zA-Z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
const camel = (s: string) => {
  const p = pascal(s);
  return p[0]!.toLowerCase() + p.slice(1);
};
/** `ai_arm.collector.poll.lag` -> `collectorPollLag`; GenAI names keep their prefix. */
export const accessorName = (m: MetricDef) => camel(m.name.replace(/^ai_arm\./, ''));
const labelType = (c: Catalogue, label: string) => (c.labels[label]?.values ? pascal(label) : 'string');
const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The collector's typed recording API: the only way its code records a metric. */
export function renderRecorder(c: Catalogue): string {
  const out: string[] = [HEADER, "import type { MetricSink } from './sink';", ''];
  for (const [name, def] of Object.entries(c.labels)) {
    if (!def.values) continue;
    out.push(`/** ${def.description.replace(/\s+/g, ' ')} */`);
    out.push(`export type ${pascal(name)} = ${def.values.map(q).join(' | ')};`);
  }
  out.push('', '/** Allowed values of every enumerated label, for the sink\'s runtime guard. */');
  out.push('export const LABEL_VALUES: Readonly<Record<string, readonly string[]>> = {');
  for (const [name, def] of Object.entries(c.labels)) if (def.values) out.push(`  ${name}: [${def.values.map(q).join(', ')}],`);
  out.push('};', '');

  out.push('export interface MetricDefinition {');
  out.push('  name: string;', '  prometheus: string;', "  instrument: 'counter' | 'gauge' | 'histogram';", '  unit: string;', '  description: string;');
  out.push('  labels: readonly string[];', '  /** Labels without enumerated values: replaced by `_overflow` once the cap is reached. */', '  boundedLabels: readonly string[];');
  out.push('  /** The organisation label, on per-tenant metrics: never folded; the cap counts each of its values apart. */', '  tenantLabel?: string;');
  out.push('  buckets?: readonly number[];', '  cardinalityLimit: number;', '}', '');
  out.push('export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [');
  for (const m of c.metrics) {
    const bounded = m.labels.filter((l) => !c.labels[l]?.values && !c.labels[l]?.tenant);
    const tenant = m.labels.find((l) => c.labels[l]?.tenant);
    out.push('  {');
    out.push(`    name: ${q(m.name)},`, `    prometheus: ${q(m.prometheus)},`, `    instrument: ${q(m.instrument)},`, `    unit: ${q(m.unit)},`);
    out.push(`    description: ${q(m.description)},`, `    labels: [${m.labels.map(q).join(', ')}],`, `    boundedLabels: [${bounded.map(q).join(', ')}],`);
    if (tenant) out.push(`    tenantLabel: ${q(tenant)},`);
    if (m.buckets) out.push(`    buckets: [${c.buckets[m.buckets]!.join(', ')}],`);
    out.push(`    cardinalityLimit: ${m.cardinalityLimit},`, '  },');
  }
  out.push('];', '');

  for (const [name, mapping] of Object.entries(c.enumMappings)) {
    const keys = Object.keys(mapping.map);
    out.push(`/** ${mapping.from} (API enum) -> ${mapping.label} label value. */`);
    out.push(`export function ${name}(value: ${keys.map(q).join(' | ')}): ${pascal(mapping.label)} {`);
    out.push(`  const map = { ${keys.map((k) => `${k}: ${q(mapping.map[k]!)}`).join(', ')} } as const;`);
    out.push('  return map[value];', '}', '');
  }

  for (const m of c.metrics) {
    // A type alias, not an interface: it then fits the sink's LabelSet without a copy per call.
    out.push(`export type ${pascal(accessorName(m))}Labels = {`);
    for (const l of m.labels) out.push(`  ${l}${m.optionalLabels?.includes(l) ? '?' : ''}: ${labelType(c, l)};`);
    out.push('};', '');
  }

  const tenantOf = (m: MetricDef) => m.labels.find((l) => c.labels[l]?.tenant);
  // A per-tenant gauge is cleared for one organisation only: nothing one organisation does clears another's series.
  const clearSig = (m: MetricDef) => (tenantOf(m) ? `clear(only: { ${tenantOf(m)}: string }): void` : 'clear(): void');
  out.push('/** Every catalogue metric, typed by its labels. Build one per sink. */');
  out.push('export class Instruments {');
  for (const m of c.metrics) {
    const labels = `${pascal(accessorName(m))}Labels`;
    out.push(`  /** ${m.description} (${m.instrument}, ${m.unit}; exposed as \`${m.prometheus}\`) */`);
    if (m.instrument === 'counter') out.push(`  readonly ${accessorName(m)}: { add(value: number, labels: ${labels}): void };`);
    if (m.instrument === 'gauge') out.push(`  readonly ${accessorName(m)}: { set(value: number, labels: ${labels}): void; ${clearSig(m)} };`);
    if (m.instrument === 'histogram') out.push(`  readonly ${accessorName(m)}: { record(value: number, labels: ${labels}): void };`);
  }
  out.push('', '  constructor(sink: MetricSink) {');
  for (const m of c.metrics) {
    const n = q(m.name);
    if (m.instrument === 'counter') out.push(`    this.${accessorName(m)} = { add: (v, l) => sink.add(${n}, v, l) };`);
    if (m.instrument === 'gauge') out.push(`    this.${accessorName(m)} = { set: (v, l) => sink.set(${n}, v, l), clear: ${tenantOf(m) ? `(only) => sink.clear(${n}, only)` : `() => sink.clear(${n})`} };`);
    if (m.instrument === 'histogram') out.push(`    this.${accessorName(m)} = { record: (v, l) => sink.record(${n}, v, l) };`);
  }
  out.push('  }', '}', '');
  return out.join('\n');
}

/** schemas/METRICS.md: the catalogue for people. */
export function renderMetricsDoc(c: Catalogue): string {
  const out = [
    '<!-- GENERATED from schemas/metrics/catalogue.yaml by `npm run generate`. Do not edit. -->',
    '# AI-ARM metrics',
    '',
    'Every metric the collector emits, from the one catalogue (`schemas/metrics/catalogue.yaml`).',
    'Names follow the OpenTelemetry GenAI semantic conventions where one exists; the rest are `ai_arm.*`.',
    'The Prometheus column is the exact name on `/metrics` (histograms add `_bucket`, `_sum` and `_count`).',
    'Labels without listed values are bounded by the metric\'s cardinality cap: past it, new label sets are folded',
    'into one series whose unbounded labels read `_overflow`, and `ai_arm_metrics_dropped_label_sets_total` counts them.',
    ...(tenantLabelOf(c) ? [
      '',
      `Every per-tenant metric carries \`${tenantLabelOf(c)}\`, the organisation's id. It is never folded, and the cap`,
      'counts each organisation\'s series apart: one organisation reaching it folds only its own detail, and the',
      'collector exposes at most cap x organisations series of the metric. Gauges are refreshed and cleared one',
      'organisation at a time, so nothing one organisation does changes another\'s series. Filter or aggregate by it:',
      `\`sum by (${tenantLabelOf(c)}, gen_ai_provider_name) (ai_arm_agents)\`.`,
    ] : []),
    '',
    '| Prometheus name | OTel name | instrument | unit | labels | cap | description |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const m of c.metrics) {
    const labels = m.labels.map((l) => (m.optionalLabels?.includes(l) ? `${l}?` : l)).join(', ');
    out.push(`| \`${m.prometheus}\` | \`${m.name}\` | ${m.instrument} | \`${m.unit}\` | ${labels} | ${m.cardinalityLimit} | ${m.description} |`);
  }
  out.push('', '## Labels', '', '| label | OTel attribute | values | description |', '|---|---|---|---|');
  for (const [name, def] of Object.entries(c.labels)) {
    out.push(`| \`${name}\` | ${def.otel ? `\`${def.otel}\`` : '-'} | ${def.values ? def.values.map((v) => `\`${v}\``).join(', ') : def.tenant ? '(one per organisation, never folded)' : '(bounded by cap)'} | ${def.description.replace(/\s+/g, ' ')} |`);
  }
  out.push('', '## From API enumerations to label values', '', 'The REST API speaks uppercase enums; metrics speak OTel values. This is the only mapping.', '');
  for (const [name, mapping] of Object.entries(c.enumMappings)) {
    out.push(`- \`${mapping.from}\` -> \`${mapping.label}\` (\`${name}\`): ${Object.entries(mapping.map).map(([k, v]) => `${k} -> \`${v}\``).join(', ')}`);
  }
  out.push('', '## Histogram buckets', '');
  for (const [name, b] of Object.entries(c.buckets)) out.push(`- \`${name}\`: ${b.join(', ')}`);
  out.push('');
  return out.join('\n');
}
