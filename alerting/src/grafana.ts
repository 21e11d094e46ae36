import { QueryBuilder, RuleBuilder } from '@grafana/grafana-foundation-sdk/alerting';
import { TypeMathBuilder, TypeReduceBuilder, TypeThresholdBuilder } from '@grafana/grafana-foundation-sdk/expr';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { runbookUrl, type AlertRule, type Condition, type RuleGroup } from './rule';

export const FOLDER = 'AI-ARM';
const EXPR = '__expr__';
const OPS = { '>': 'gt', '<': 'lt', '==': 'eq' } as const;
const LOOKBACK_SECONDS = 600;
const letter = (i: number) => String.fromCharCode(65 + i);

// A query's range vectors look back at most 7d + 1h; Grafana's relative range only bounds the
// data it sends, and instant queries ignore it beyond the evaluation time.
function queries(c: Condition, i: number, datasourceUid: string) {
  const q = letter(i);
  const reduced = `${q}_last`;
  return {
    ref: reduced,
    builders: [
      new QueryBuilder(q).datasourceUid(datasourceUid).relativeTimeRange({ from: LOOKBACK_SECONDS, to: 0 }).model(new DataqueryBuilder().refId(q).expr(c.query).instant().intervalMs(1000).maxDataPoints(43200)),
      // NaN (a histogram with no traffic, a ratio of zero calls) is no evidence either way.
      new QueryBuilder(reduced).datasourceUid(EXPR).model(new TypeReduceBuilder().refId(reduced).expression(q).reducer('last').settings({ mode: 'dropNN' })),
    ],
  };
}

/**
 * One rule as the SDK builds it: a Prometheus instant query and a `last` reduce per condition,
 * then a threshold (one condition) or a math expression joining them (several).
 */
export function grafanaRule(r: AlertRule, datasourceUid: string) {
  const parts = r.conditions.map((c, i) => queries(c, i, datasourceUid));
  const builder = new RuleBuilder(r.title).uid(r.uid).forDuration(r.for).noDataState(r.noData ?? 'OK').execErrState('Error');
  for (const p of parts) for (const b of p.builders) builder.withQuery(b);
  const condition = 'FIRING';
  if (r.conditions.length === 1) {
    const c = r.conditions[0]!;
    builder.withQuery(new QueryBuilder(condition).datasourceUid(EXPR).model(new TypeThresholdBuilder().refId(condition).expression(parts[0]!.ref).conditions([{ evaluator: { type: OPS[c.op], params: [c.threshold] } }])));
  } else {
    const expression = r.conditions.map((c, i) => `\${${parts[i]!.ref}} ${c.op} ${c.threshold}`).join(' && ');
    builder.withQuery(new QueryBuilder(condition).datasourceUid(EXPR).model(new TypeMathBuilder().refId(condition).expression(expression)));
  }
  const built = builder
    .condition(condition)
    .labels({ severity: r.severity, team: r.team })
    .annotations({ summary: r.summary, description: r.description, runbook_url: runbookUrl(r) })
    .build();
  // File provisioning names the folder and group on the group, not on each rule.
  const { folderUID: _f, ruleGroup: _g, orgID: _o, ...rule } = built;
  return rule;
}

/** Grafana file provisioning (`provisioning/alerting/*.yaml`) for the rules. */
export function grafanaRuleFile(groups: RuleGroup[], datasourceUid: string) {
  return {
    apiVersion: 1,
    groups: groups.map((g) => ({ orgId: 1, name: g.name, folder: FOLDER, interval: g.interval, rules: g.rules.map((r) => grafanaRule(r, datasourceUid)) })),
  };
}
