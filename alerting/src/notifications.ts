import { ContactPointBuilder, NotificationPolicyBuilder, NotificationTemplateBuilder } from '@grafana/grafana-foundation-sdk/alerting';

/**
 * Where alerts go. Secrets are Grafana provisioning placeholders, expanded from the
 * environment when Grafana reads the file, never written here.
 */
export const RECEIVERS = { slack: 'aiarm-slack', pagerduty: 'aiarm-pagerduty', email: 'aiarm-email' } as const;
export const SECRET_VARIABLES = ['SLACK_WEBHOOK_URL', 'SLACK_CHANNEL', 'PAGERDUTY_KEY', 'ALERT_EMAILS'] as const;

// Template bodies are not env-expanded by Grafana, so `{{ ... }}` is safe here; they use
// `.Labels`/`.Annotations` rather than `$labels` for the same reason (and no `$` at all, so
// envsubst leaves them alone in alertmanager.yml). Grafana and Alertmanager both run them.
// `aiarm.summary` is a one-liner for pagers: the summary shows when the group has one alert.
export const TEMPLATE = `{{ define "aiarm.title" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ end }}
{{ define "aiarm.summary" }}{{ template "aiarm.title" . }}{{ with .CommonAnnotations.summary }}: {{ . }}{{ end }}{{ end }}
{{ define "aiarm.message" }}{{ range .Alerts }}{{ .Annotations.summary }} ({{ .Labels.severity }}, team {{ .Labels.team }})
{{ .Annotations.description }}
Runbook: {{ .Annotations.runbook_url }}
{{ end }}{{ end }}`;

/** What each receiver says, in Grafana's contact points and Alertmanager's receivers alike. */
export const MESSAGES = { title: '{{ template "aiarm.title" . }}', summary: '{{ template "aiarm.summary" . }}', text: '{{ template "aiarm.message" . }}' } as const;

export function contactPoints() {
  const slack = new ContactPointBuilder()
    .uid(RECEIVERS.slack)
    .name(RECEIVERS.slack)
    .type('slack')
    .settings({ url: '$SLACK_WEBHOOK_URL', recipient: '$SLACK_CHANNEL', title: MESSAGES.title, text: MESSAGES.text });
  const pagerduty = new ContactPointBuilder()
    .uid(RECEIVERS.pagerduty)
    .name(RECEIVERS.pagerduty)
    .type('pagerduty')
    .settings({ integrationKey: '$PAGERDUTY_KEY', severity: 'critical', summary: MESSAGES.summary });
  const email = new ContactPointBuilder()
    .uid(RECEIVERS.email)
    .name(RECEIVERS.email)
    .type('email')
    .settings({ addresses: '$ALERT_EMAILS', subject: MESSAGES.title, message: MESSAGES.text });
  // One receiver per contact point: a route names a contact point, so each stays routable alone.
  return [slack, pagerduty, email].map((b) => {
    const { name, uid, type, settings } = b.build();
    return { orgId: 1, name: name!, receivers: [{ uid: uid!, type, settings, disableResolveMessage: false }] };
  });
}

export function templates() {
  const t = new NotificationTemplateBuilder().name('aiarm').template(TEMPLATE).build();
  return [{ orgId: 1, name: t.name!, template: t.template! }];
}

/**
 * Critical alerts page PagerDuty, the finops team's alerts mail them, and everything also goes
 * to Slack. `continue` lets one alert take more than one of these routes.
 */
export function policyTree() {
  const route = (receiver: string, matchers: [string, '=', string][]) => new NotificationPolicyBuilder().receiver(receiver).objectMatchers(matchers).continueVal(true);
  return new NotificationPolicyBuilder()
    .receiver(RECEIVERS.slack)
    // One organisation's alerts are notified apart from another's.
    .groupBy(['grafana_folder', 'alertname', 'organization_id'])
    .groupWait('30s')
    .groupInterval('5m')
    .repeatInterval('4h')
    .routes([route(RECEIVERS.pagerduty, [['severity', '=', 'critical']]), route(RECEIVERS.email, [['team', '=', 'finops']]), route(RECEIVERS.slack, []).continueVal(false)])
    .build();
}
