/**
 * One alert rule, written once and generated both to Grafana file provisioning and to a
 * Prometheus rule file. A rule fires where every condition holds for the same label set;
 * each condition compares a base query to a threshold, so the base queries alone can be
 * evaluated (and must return data) against a Prometheus that scraped the real collector.
 */
export interface Condition {
  query: string;
  op: '>' | '<' | '==';
  threshold: number;
}

export type Severity = 'critical' | 'warning';
export type Team = 'platform' | 'finops' | 'security';

/** A promtool unit test: series over time, and whether the rule fires at `at`. */
export interface RuleTest {
  name: string;
  /** Series selector -> promtool expanding notation, e.g. '0+1x30'. */
  series: Record<string, string>;
  /** Time between the series' samples (default 1m). */
  interval?: string;
  at: string;
  /** The labels of each alert expected to fire (beside severity and team); [] = none fires. */
  fires: Record<string, string>[];
}

export interface AlertRule {
  /** Grafana rule uid (<= 40 characters) and the RUNBOOK.md section, in one. */
  uid: string;
  /** Prometheus alert name. */
  alert: string;
  title: string;
  conditions: Condition[];
  /** How long the conditions must hold before the alert fires. */
  for: string;
  severity: Severity;
  team: Team;
  /** Annotation templates; only `{{ $labels.<name> }}` so both Grafana and promtool expand them alike. */
  summary: string;
  description: string;
  /**
   * What Grafana does when the base queries return nothing. Default OK: most series appear only
   * once there is something to count (a budget, a violation, pushed traffic), and NoData would page
   * with the rule's own labels (severity=critical included) on every install without them. A rule
   * whose silence is itself the fault (the collector not polling) says Alerting.
   */
  noData?: 'NoData' | 'Alerting' | 'OK';
  tests: RuleTest[];
}

export interface RuleGroup {
  name: string;
  interval: string;
  rules: AlertRule[];
}

export const RUNBOOK_BASE = 'https://github.com/ai-arm/ai-arm/blob/main/alerting/RUNBOOK.md';
export const runbookUrl = (r: AlertRule) => `${RUNBOOK_BASE}#${r.uid}`;

/** The rule as one PromQL expression: the conditions joined with `and` on equal label sets. */
export const promExpr = (r: AlertRule) => r.conditions.map((c) => (r.conditions.length > 1 ? `(${c.query} ${c.op} ${c.threshold})` : `${c.query} ${c.op} ${c.threshold}`)).join(' and ');

/** `{{ $labels.x }}` filled from a label set, as Prometheus and Grafana render it. */
export const expandLabels = (template: string, labels: Record<string, string>) => template.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
