import { expandLabels, promExpr, runbookUrl, type AlertRule, type RuleGroup } from './rule';

const labelsOf = (r: AlertRule) => ({ severity: r.severity, team: r.team });
const annotationsOf = (r: AlertRule) => ({ summary: r.summary, description: r.description, runbook_url: runbookUrl(r) });

/** A Prometheus rule file (`rule_files:`) for teams on Prometheus and Alertmanager. */
export function prometheusRuleFile(groups: RuleGroup[]) {
  return {
    groups: groups.map((g) => ({
      name: g.name,
      interval: g.interval,
      rules: g.rules.map((r) => ({ alert: r.alert, expr: promExpr(r), for: r.for, labels: labelsOf(r), annotations: annotationsOf(r) })),
    })),
  };
}

/**
 * `promtool test rules` input for one group's rule file: every rule's own tests, with the
 * alerts each expects, evaluated at the group's own interval as Prometheus would.
 */
export function promtoolTests(group: RuleGroup, ruleFile: string) {
  const rules = group.rules;
  return {
    rule_files: [ruleFile],
    evaluation_interval: group.interval,
    tests: rules.flatMap((r) =>
      r.tests.map((t) => ({
        name: `${r.alert}: ${t.name}`,
        interval: t.interval ?? '1m',
        input_series: Object.entries(t.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [
          {
            eval_time: t.at,
            alertname: r.alert,
            exp_alerts: t.fires.map((labels) => {
              const all = { ...labels, ...labelsOf(r) };
              const annotations = annotationsOf(r);
              return { exp_labels: all, exp_annotations: { ...annotations, summary: expandLabels(annotations.summary, all), description: expandLabels(annotations.description, all) } };
            }),
          },
        ],
      })),
    ),
  };
}
