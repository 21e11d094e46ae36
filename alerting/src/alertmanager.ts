import { MESSAGES, RECEIVERS, policyTree } from './notifications';

/**
 * Grafana's contact points and policy tree (notifications.ts) as an Alertmanager
 * configuration, for teams that run the Prometheus rule files with Alertmanager.
 *
 * Alertmanager does not expand environment variables, so the two kinds of value the Grafana
 * contact points take from the environment come in two ways here:
 * - secrets (the Slack webhook URL, the PagerDuty routing key, the SMTP password) are read by
 *   Alertmanager from files named after the Grafana variables (`api_url_file`, ...), so they
 *   never sit in the configuration;
 * - settings (channel, addresses, SMTP server) are `${NAME}` placeholders to fill with
 *   `envsubst` when deploying; each stands where amtool accepts it unfilled.
 */
export const SECRET_FILES = ['SLACK_WEBHOOK_URL', 'PAGERDUTY_KEY', 'SMTP_PASSWORD'] as const;
export const SETTINGS = ['SLACK_CHANNEL', 'ALERT_EMAILS', 'ALERT_EMAIL_FROM', 'SMTP_HOST', 'SMTP_PORT', 'SMTP_USERNAME'] as const;
export type Setting = (typeof SETTINGS)[number];

export const DEFAULT_SECRETS_DIR = '/etc/alertmanager/secrets';
export const TEMPLATE_FILE = 'aiarm.tmpl';

export interface AlertmanagerOptions {
  /** Directory holding one file per SECRET_FILES entry. */
  secretsDir?: string;
  /** PagerDuty's Events API v2 endpoint; its EU service region has its own. Alertmanager's default when absent. */
  pagerdutyUrl?: string;
}

const placeholder = (name: Setting) => `\${${name}}`;
// Prometheus alerts carry no Grafana folder; grouping by a label no alert has changes nothing.
const GRAFANA_ONLY_LABELS = new Set(['grafana_folder']);

/** The alertmanager.yml document; templates resolve beside the file (TEMPLATE_FILE). */
export function alertmanagerConfig(options: AlertmanagerOptions = {}) {
  const secret = (name: (typeof SECRET_FILES)[number]) => `${(options.secretsDir ?? DEFAULT_SECRETS_DIR).replace(/\/$/, '')}/${name}`;
  const tree = policyTree();
  const runbook = '{{ .CommonAnnotations.runbook_url }}';
  return {
    global: {
      smtp_smarthost: `${placeholder('SMTP_HOST')}:${placeholder('SMTP_PORT')}`,
      smtp_from: placeholder('ALERT_EMAIL_FROM'),
      // Empty after envsubst: Alertmanager sends without authenticating and never reads the password file.
      smtp_auth_username: placeholder('SMTP_USERNAME'),
      smtp_auth_password_file: secret('SMTP_PASSWORD'),
      smtp_require_tls: true,
    },
    templates: [TEMPLATE_FILE],
    route: {
      receiver: tree.receiver,
      group_by: (tree.group_by ?? []).filter((l) => !GRAFANA_ONLY_LABELS.has(l)),
      group_wait: tree.group_wait,
      group_interval: tree.group_interval,
      repeat_interval: tree.repeat_interval,
      routes: (tree.routes ?? []).map((r) => ({
        receiver: r.receiver,
        ...(r.object_matchers?.length ? { matchers: r.object_matchers.map(([label, op, value]) => `${label}${op}${JSON.stringify(value)}`) } : {}),
        continue: r.continue ?? false,
      })),
    },
    receivers: [
      {
        name: RECEIVERS.slack,
        slack_configs: [{ api_url_file: secret('SLACK_WEBHOOK_URL'), channel: placeholder('SLACK_CHANNEL'), send_resolved: true, title: MESSAGES.title, text: MESSAGES.text }],
      },
      {
        name: RECEIVERS.pagerduty,
        pagerduty_configs: [
          {
            routing_key_file: secret('PAGERDUTY_KEY'),
            ...(options.pagerdutyUrl ? { url: options.pagerdutyUrl } : {}),
            send_resolved: true,
            // The rules' severities (critical, warning) are PagerDuty's own words.
            severity: '{{ .CommonLabels.severity }}',
            description: MESSAGES.summary,
            details: { message: MESSAGES.text, runbook_url: runbook },
            links: [{ href: runbook, text: 'Runbook' }],
          },
        ],
      },
      {
        name: RECEIVERS.email,
        email_configs: [{ to: placeholder('ALERT_EMAILS'), send_resolved: true, headers: { Subject: MESSAGES.title }, text: MESSAGES.text }],
      },
    ],
  };
}

/**
 * `envsubst` for the SETTINGS placeholders: what a deployment does to the generated file.
 * A setting left out is an error rather than an empty string, except SMTP_USERNAME.
 */
export function fillSettings(text: string, values: Partial<Record<Setting, string>>): string {
  return text.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    if (!(SETTINGS as readonly string[]).includes(name)) return whole;
    const v = values[name as Setting] ?? (name === 'SMTP_USERNAME' ? '' : undefined);
    if (v === undefined) throw new Error(`no value for \${${name}}`);
    return v;
  });
}
