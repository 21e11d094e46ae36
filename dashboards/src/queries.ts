import { CLICKHOUSE } from './clickhouse';

export interface PanelQuery {
  /** The dashboard's uid. */
  dashboard: string;
  /** The panel's title, or `variable <name>` for a template variable's query. */
  panel: string;
  kind: 'promql' | 'clickhouse';
  /** As written in the dashboard: Grafana variables and macros are not substituted. */
  query: string;
  instant: boolean;
}

/** Grafana's own variables and macros, which a dashboard does not define. */
export const GRAFANA_BUILTINS = ['__rate_interval', '__range', '__interval', '__timeFilter', '__fromTime', '__toTime', '__timeInterval'];

type Json = Record<string, unknown>;
const record = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(record) : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Every panel of a dashboard, rows and the panels nested in (collapsed) rows included. */
export function allPanels(json: object): Json[] {
  return list(record(json).panels).flatMap((p) => [p, ...list(p.panels)]);
}

/** The dashboard's template variables. */
export function variables(json: object): Json[] {
  return list(record(record(json).templating).list);
}

/**
 * Every query a dashboard runs: each panel target's `expr` or `rawSql`, and each query
 * variable's query. Throws on a query it cannot classify, so nothing escapes validation.
 */
export function panelQueries(json: object): PanelQuery[] {
  const dashboard = text(record(json).uid) ?? '';
  const targets = allPanels(json).flatMap((panel) =>
    list(panel.targets).map((t) => targetQuery(dashboard, text(panel.title) ?? '', t)),
  );
  const vars = variables(json)
    .filter((v) => v.type === 'query')
    .map((v) => variableQuery(dashboard, `variable ${text(v.name) ?? ''}`, v));
  return [...targets, ...vars];
}

function targetQuery(dashboard: string, panel: string, target: Json): PanelQuery {
  const expr = text(target.expr);
  if (expr !== undefined) return { dashboard, panel, kind: 'promql', query: expr, instant: target.instant === true };
  const sql = text(target.rawSql);
  if (sql !== undefined) return { dashboard, panel, kind: 'clickhouse', query: sql, instant: false };
  throw new Error(`${dashboard} / ${panel}: target ${String(target.refId)} has neither expr nor rawSql`);
}

// label_values(selector, label) lists a label's values on the selector's series, so running
// the selector itself checks the query and shows whether the variable will have options.
const LABEL_VALUES = /^\s*label_values\(\s*(.+?)\s*,\s*\w+\s*\)\s*$/s;

function variableQuery(dashboard: string, panel: string, v: Json): PanelQuery {
  const q = record(v.query);
  const raw = text(v.query) ?? text(q.rawSql) ?? text(q.query) ?? '';
  if (record(v.datasource).type === CLICKHOUSE.type) return { dashboard, panel, kind: 'clickhouse', query: raw, instant: false };
  const selector = LABEL_VALUES.exec(raw)?.[1];
  if (selector === undefined) throw new Error(`${dashboard} / ${panel}: unsupported variable query ${JSON.stringify(raw)}`);
  return { dashboard, panel, kind: 'promql', query: selector, instant: true };
}

const REFERENCE = /\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g;

/** Names of the dashboard variables a text refers to ($x, ${x}, ${x:fmt}, [[x]]), built-ins excluded. */
export function usedVariables(s: string): string[] {
  const names = new Set<string>();
  for (const m of s.matchAll(REFERENCE)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (name !== undefined && !GRAFANA_BUILTINS.includes(name)) names.add(name);
  }
  return [...names];
}
