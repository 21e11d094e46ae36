import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { ENUM_VALUES } from '../enums';
import { prometheusName } from './naming';
import { SCHEMAS_ROOT } from '../paths';

const LabelName = Type.String({ pattern: '^[a-z_][a-z0-9_]*$' });

const LabelDef = Type.Object(
  {
    otel: Type.Optional(Type.String()),
    tenant: Type.Optional(Type.Boolean({ description: 'The organisation label: never folded, caps and clears count per value' })),
    description: Type.String({ minLength: 1 }),
    values: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
  },
  { additionalProperties: false },
);

const MetricDef = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-z0-9_.]*$' }),
    instrument: Type.Union([Type.Literal('counter'), Type.Literal('gauge'), Type.Literal('histogram')]),
    unit: Type.String({ minLength: 1 }),
    description: Type.String({ minLength: 1 }),
    labels: Type.Array(LabelName),
    optionalLabels: Type.Optional(Type.Array(LabelName, { description: 'Labels set only on some observations, e.g. error_type on failures' })),
    buckets: Type.Optional(Type.String()),
    cardinalityLimit: Type.Integer({ minimum: 1 }),
    prometheus: Type.String({ pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' }),
  },
  { additionalProperties: false },
);

const CatalogueFile = Type.Object(
  {
    version: Type.Literal(1),
    labels: Type.Record(LabelName, LabelDef),
    enumMappings: Type.Record(
      Type.String(),
      Type.Object({ from: Type.String(), label: LabelName, map: Type.Record(Type.String(), Type.String()) }, { additionalProperties: false }),
    ),
    buckets: Type.Record(Type.String(), Type.Array(Type.Number(), { minItems: 1 })),
    metrics: Type.Array(MetricDef, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type LabelDef = Static<typeof LabelDef>;
export type MetricDef = Static<typeof MetricDef>;
export type Catalogue = Static<typeof CatalogueFile>;

/** Labels whose values are not enumerated: their series count is what the cardinality cap bounds. */
export const AGENT_LABEL = 'gen_ai_agent_id';

/** The catalogue's tenant label (the one marked `tenant: true`), if any. */
export const tenantLabelOf = (c: Catalogue): string | undefined => Object.entries(c.labels).find(([, l]) => l.tenant)?.[0];

/**
 * A histogram costs buckets + 2 series per label set, so per-agent latency is allowed only in its
 * cheapest form: the agent beside the tenant and nothing else, on a coarse bucket set, under a cap.
 */
export const AGENT_HISTOGRAM_MAX_BUCKETS = 10;
export const AGENT_HISTOGRAM_MAX_AGENTS = 2000;

function agentHistogramProblems(c: Catalogue, m: MetricDef): string[] {
  const problems: string[] = [];
  const tenant = tenantLabelOf(c);
  const others = m.labels.filter((l) => l !== AGENT_LABEL && l !== tenant);
  if (others.length > 0 || !tenant || !m.labels.includes(tenant)) {
    problems.push(`${m.name}: a histogram may carry ${AGENT_LABEL} only beside ${tenant ?? 'the tenant label'} and nothing else (found ${m.labels.join(', ')}; finer per-agent detail lives in ClickHouse)`);
  }
  const buckets = m.buckets ? c.buckets[m.buckets] : undefined;
  if (buckets && buckets.length > AGENT_HISTOGRAM_MAX_BUCKETS) {
    problems.push(`${m.name}: a histogram carrying ${AGENT_LABEL} takes at most ${AGENT_HISTOGRAM_MAX_BUCKETS} buckets, ${m.buckets} has ${buckets.length}`);
  }
  if (m.cardinalityLimit > AGENT_HISTOGRAM_MAX_AGENTS) {
    problems.push(`${m.name}: a histogram carrying ${AGENT_LABEL} takes a cardinalityLimit of at most ${AGENT_HISTOGRAM_MAX_AGENTS}, not ${m.cardinalityLimit}`);
  }
  return problems;
}

export const CATALOGUE_PATH = join(SCHEMAS_ROOT, 'metrics', 'catalogue.yaml');

/** Reads and checks the catalogue; every problem is reported at once, one per line. */
export function loadCatalogue(path = CATALOGUE_PATH): Catalogue {
  const raw: unknown = parse(readFileSync(path, 'utf8'));
  const shapeErrors = [...Value.Errors(CatalogueFile, raw)].map((e) => `${e.path || '/'}: ${e.message}`);
  if (shapeErrors.length > 0) throw new Error(`metric catalogue ${path} is malformed:\n${shapeErrors.join('\n')}`);
  const catalogue = raw as Catalogue;
  const problems = checkCatalogue(catalogue);
  if (problems.length > 0) throw new Error(`metric catalogue ${path} is inconsistent:\n${problems.join('\n')}`);
  return catalogue;
}

export function checkCatalogue(c: Catalogue): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const m of c.metrics) {
    for (const key of [m.name, m.prometheus]) {
      if (seen.has(key)) problems.push(`${m.name}: name ${key} is used twice`);
      seen.add(key);
    }
    for (const l of m.labels) if (!c.labels[l]) problems.push(`${m.name}: label ${l} is not defined under labels`);
    for (const l of m.optionalLabels ?? []) if (!m.labels.includes(l)) problems.push(`${m.name}: optional label ${l} is not among its labels`);
    if (new Set(m.labels).size !== m.labels.length) problems.push(`${m.name}: a label is listed twice`);
    if (m.instrument === 'histogram') {
      if (!m.buckets || !c.buckets[m.buckets]) problems.push(`${m.name}: a histogram needs buckets naming one of ${Object.keys(c.buckets).join(', ')}`);
      if (m.labels.includes(AGENT_LABEL)) problems.push(...agentHistogramProblems(c, m));
    } else if (m.buckets) problems.push(`${m.name}: only histograms take buckets`);
    const expected = prometheusName(m);
    if (m.prometheus !== expected) problems.push(`${m.name}: prometheus name ${m.prometheus} breaks the OTel naming rules, expected ${expected}`);
  }
  const tenants = Object.entries(c.labels).filter(([, l]) => l.tenant);
  if (tenants.length > 1) problems.push(`only one label can be the tenant label: ${tenants.map(([n]) => n).join(', ')}`);
  for (const [name, l] of tenants) if (l.values) problems.push(`${name}: the tenant label cannot list values`);
  for (const [name, b] of Object.entries(c.buckets)) {
    if (b.some((v, i) => i > 0 && v <= (b[i - 1] as number))) problems.push(`buckets ${name} must increase`);
  }
  for (const [name, mapping] of Object.entries(c.enumMappings)) {
    const from = ENUM_VALUES[mapping.from];
    const label = c.labels[mapping.label];
    if (!from) {
      problems.push(`enumMappings.${name}: ${mapping.from} is not an enumeration exported by schemas`);
      continue;
    }
    if (!label?.values) {
      problems.push(`enumMappings.${name}: label ${mapping.label} has no enumerated values`);
      continue;
    }
    for (const v of from) {
      const target = mapping.map[v];
      if (target === undefined) problems.push(`enumMappings.${name}: ${mapping.from}.${v} has no label value`);
      else if (!label.values.includes(target)) problems.push(`enumMappings.${name}: ${target} is not a value of ${mapping.label}`);
    }
    for (const k of Object.keys(mapping.map)) {
      if (!from.includes(k)) problems.push(`enumMappings.${name}: ${k} is not a ${mapping.from}`);
    }
  }
  return problems;
}
