import { join } from 'node:path';
import { stringify, type ToStringOptions } from 'yaml';
import { alertmanagerConfig, TEMPLATE_FILE, type AlertmanagerOptions } from './alertmanager';
import { grafanaRuleFile } from './grafana';
import { contactPoints, policyTree, TEMPLATE, templates } from './notifications';
import { prometheusRuleFile, promtoolTests } from './prometheus';
import { groups } from './rules';
import { DEFAULT_AGENT_OBJECTIVES, type AgentObjectives } from './rules/agent-slo';

export const ALERTING_ROOT = join(__dirname, '..');
export const DEFAULT_DATASOURCE_UID = 'prometheus';

const header = (what: string) => `# ${what}\n# Generated from alerting/src by \`npm run generate -w @ai-arm/alerting\`; edit the TypeScript, not this file.\n`;
// The SDK's query models carry a marker method; a JSON round trip leaves only the data.
const yaml = (what: string, doc: unknown, options: ToStringOptions = {}) => header(what) + stringify(JSON.parse(JSON.stringify(doc)), { lineWidth: 0, ...options });

/** Every generated file, relative to alerting/, with its content. */
export function generatedFiles(datasourceUid = DEFAULT_DATASOURCE_UID, alertmanager: AlertmanagerOptions = {}, objectives: AgentObjectives = DEFAULT_AGENT_OBJECTIVES): Record<string, string> {
  const GROUPS = groups(objectives);
  return {
    'grafana/rules.yaml': yaml(`Grafana alert rules (file provisioning); Prometheus datasource uid "${datasourceUid}".`, grafanaRuleFile(GROUPS, datasourceUid)),
    'grafana/contact-points.yaml': yaml('Contact points: Slack, PagerDuty and email. Secrets come from the environment ($SLACK_WEBHOOK_URL, $PAGERDUTY_KEY, $ALERT_EMAILS).', {
      apiVersion: 1,
      contactPoints: contactPoints(),
    }),
    'grafana/templates.yaml': yaml('Notification message templates used by the contact points.', { apiVersion: 1, templates: templates() }),
    'grafana/policies.yaml': yaml(
      "Notification policy tree. Provisioning REPLACES an organisation's whole tree, so only the docker-compose stack loads this file; for an existing Grafana add the routes by hand (alerting/README.md).",
      { apiVersion: 1, policies: [{ orgId: 1, ...policyTree() }] },
    ),
    'alertmanager/alertmanager.yml': yaml(
      'Alertmanager configuration: the receivers and routes of grafana/contact-points.yaml and grafana/policies.yaml. Fill the ${...} settings with envsubst; secrets are read from files (alerting/README.md).',
      alertmanagerConfig(alertmanager),
      // Quoted, so what envsubst puts in stays a string: a `#channel` would start a YAML comment.
      { defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN' },
    ),
    [`alertmanager/${TEMPLATE_FILE}`]: `{{/* Notification templates of alertmanager.yml, the same as grafana/templates.yaml. Generated from alerting/src; edit the TypeScript. */}}\n${TEMPLATE}\n`,
    // One rule file per group: promtool evaluates every rule of a file in each of its tests,
    // so the cost rules' week-long tests stay out of the others'.
    ...Object.fromEntries(
      GROUPS.flatMap((g) => [
        [`prometheus/rules/${g.name}.rules.yml`, yaml(`Prometheus alerting rules (${g.name}), the same rules as grafana/rules.yaml, for teams on Prometheus and Alertmanager.`, prometheusRuleFile([g]))],
        [`prometheus/rules/${g.name}.test.yml`, yaml(`promtool unit tests: every rule firing and not firing. Run: promtool test rules alerting/prometheus/rules/${g.name}.test.yml`, promtoolTests(g, `${g.name}.rules.yml`))],
      ]),
    ),
  };
}
