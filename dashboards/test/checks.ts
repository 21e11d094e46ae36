// Each check returns the problems it finds, so a test can show it passes on the real
// dashboards and fails on a broken copy.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogue } from '@ai-arm/schemas';
import { allPanels, catalogueSeriesNames, panelQueries, promqlMetricNames, render, usedVariables, variables, type GeneratedDashboard } from '../src';

type Json = Record<string, any>;

export const PROMETHEUS = { type: 'prometheus', uid: '${datasource}' };
export const CLICKHOUSE = { type: 'grafana-clickhouse-datasource', uid: '${clickhouse}' };

/** The metrics the collector exports, from the catalogue (histograms as their series). */
export const METRICS = catalogueSeriesNames();

export const panels = (json: object): Json[] => allPanels(json).filter((p) => p.type !== 'row');
export const targets = (json: object): Json[] => panels(json).flatMap((p) => (Array.isArray(p.targets) ? p.targets : []));
const same = (a: unknown, b: object): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Files under dir that are missing, differ from what the code generates, or are not generated at all. */
export function staleFiles(dir: string, all: GeneratedDashboard[]): string[] {
  const stale = all.filter((d) => !existsSync(join(dir, d.file)) || readFileSync(join(dir, d.file), 'utf8') !== render(d.json));
  const extra = existsSync(dir) ? readdirSync(dir).filter((f) => !all.some((d) => d.file === f)) : [];
  return [...stale.map((d) => d.file), ...extra];
}

export function datasourceProblems(json: object): string[] {
  return panels(json).flatMap((p) => {
    const ds = [PROMETHEUS, CLICKHOUSE].find((d) => same(p.datasource, d));
    const field = ds === PROMETHEUS ? 'expr' : 'rawSql';
    const ts: Json[] = Array.isArray(p.targets) ? p.targets : [];
    if (!ds) return [`${p.title}: datasource ${JSON.stringify(p.datasource)}`];
    if (ts.length === 0) return [`${p.title}: no targets`];
    return ts.filter((t) => !same(t.datasource, ds) || typeof t[field] !== 'string').map((t) => `${p.title}: target ${t.refId} is not a ${ds.type} query`);
  });
}

export function idProblems(json: object): string[] {
  const ids = allPanels(json).map((p) => p.id);
  return ids.filter((id, i) => typeof id !== 'number' || ids.indexOf(id) !== i).map((id) => `panel id ${String(id)} missing or repeated`);
}

/** Variables used but not defined, and defined but not used (in a query or a datasource uid). */
export function variableProblems(json: object): string[] {
  const defined = variables(json).map((v) => String(v.name));
  const texts = [
    ...panelQueries(json).map((q) => q.query),
    ...(allPanels(json) as Json[]).flatMap((p) => [p.datasource?.uid, ...(p.targets ?? []).map((t: Json) => t.datasource?.uid)]),
    ...(variables(json) as Json[]).map((v) => v.datasource?.uid),
  ].filter((s): s is string => typeof s === 'string');
  const used = new Set(texts.flatMap(usedVariables));
  return [
    ...[...used].filter((n) => !defined.includes(n)).map((n) => `$${n} is used but not a variable`),
    ...defined.filter((n) => !used.has(n)).map((n) => `variable ${n} is never used`),
  ];
}

/** Panels outside the 24 grid columns or overlapping another panel. */
export function layoutProblems(json: object): string[] {
  const boxes = (json as Json).panels.map((p: Json) => ({ title: p.title, ...p.gridPos }));
  const problems = boxes.filter((b: Json) => b.x < 0 || b.w <= 0 || b.h <= 0 || b.x + b.w > 24).map((b: Json) => `${b.title}: outside the grid`);
  boxes.forEach((a: Json, i: number) => boxes.slice(i + 1).forEach((b: Json) => {
    if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) problems.push(`${a.title} overlaps ${b.title}`);
  }));
  return problems;
}

/** Metric names in PromQL queries that the collector does not export. */
export function metricProblems(json: object): string[] {
  return panelQueries(json)
    .filter((q) => q.kind === 'promql')
    .flatMap((q) => promqlMetricNames(q.query).filter((m) => !METRICS.has(m)).map((m) => `${q.panel}: unknown metric ${m}`));
}

/** Series names of the per-tenant metrics (those carrying the catalogue's tenant label). */
export const TENANT_SERIES = new Set(
  loadCatalogue().metrics
    .filter((m) => m.labels.some((l) => loadCatalogue().labels[l]?.tenant))
    .flatMap((m) => (m.instrument === 'histogram' ? ['_bucket', '_count', '_sum'].map((x) => `${m.prometheus}${x}`) : [m.prometheus])),
);

/**
 * Per-tenant selectors that do not pick the dashboard's organisation: each one mixes tenants.
 * The organisation variable's own query, which lists the organisations, is the one exception.
 */
export function tenantProblems(json: object): string[] {
  return panelQueries(json)
    .filter((q) => q.kind === 'promql' && q.panel !== 'variable organization')
    .flatMap((q) =>
      [...q.query.matchAll(/(?<![\w:])([a-zA-Z_:][\w:]*)(\{[^}]*\})?/g)]
        .filter((m) => TENANT_SERIES.has(m[1]!) && !(m[2] ?? '').includes('organization_id="$organization"'))
        .map((m) => `${q.panel}: ${m[1]} is not filtered by organization_id="$organization"`),
    );
}

/** Counters that count the same requests twice (vendor report and push) unless a query picks one source. */
export const SOURCED_SERIES = new Set(['ai_arm_requests_total', 'ai_arm_errors_total']);

export function sourceProblems(json: object): string[] {
  return panelQueries(json)
    // A variable lists label values; it adds no counts, so it need not pick a source.
    .filter((q) => q.kind === 'promql' && !q.panel.startsWith('variable '))
    .flatMap((q) =>
      [...q.query.matchAll(/(?<![\w:])([a-zA-Z_:][\w:]*)(\{[^}]*\})?/g)]
        .filter((m) => SOURCED_SERIES.has(m[1]!) && !/\bsource="(push|vendor_report)"/.test(m[2] ?? ''))
        .map((m) => `${q.panel}: ${m[1]} does not pick a source (source="push" or source="vendor_report")`),
    );
}
