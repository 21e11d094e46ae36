import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fillSettings, SETTINGS, TEMPLATE_FILE } from '../src/alertmanager';
import { ALERTING_ROOT, generatedFiles } from '../src/outputs';
import { amtool } from './support/alertmanager';

const committed = join(ALERTING_ROOT, 'alertmanager', 'alertmanager.yml');
type Route = { receiver: string; object_matchers: [string, string, string][]; continue: boolean };
const grafanaTree = (parse(generatedFiles()['grafana/policies.yaml']!) as { policies: (Route & { routes: Route[] })[] }).policies[0]!;

/** The contact points Grafana's tree sends an alert with these labels to: routes in order, `continue` going on. */
function grafanaReceivers(labels: Record<string, string>): string[] {
  const hit: string[] = [];
  for (const r of grafanaTree.routes) {
    if (!r.object_matchers.every(([l, op, v]) => op === '=' && labels[l] === v)) continue;
    if (!hit.includes(r.receiver)) hit.push(r.receiver);
    if (!r.continue) break;
  }
  return hit.length > 0 ? hit : [grafanaTree.receiver];
}

describe('alertmanager/alertmanager.yml, generated from the contact points and policy tree', () => {
  // The routes are tested on what the code generates now (rules.test.ts holds the committed file to it).
  const fresh = mkdtempSync(join(tmpdir(), 'ai-arm-am-routes-'));
  const freshConfig = join(fresh, 'alertmanager.yml');
  beforeAll(() => {
    writeFileSync(freshConfig, generatedFiles()['alertmanager/alertmanager.yml']!);
  });
  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  it('passes amtool check-config as committed, with its template', () => {
    const { status, output } = amtool(['check-config', committed]);
    expect(output).toMatch(/SUCCESS/);
    expect(output).toMatch(/3 receivers/);
    expect(output).toMatch(/1 templates/);
    expect(status).toBe(0);
  });

  it.each([
    ['critical', 'platform'],
    ['critical', 'finops'],
    ['warning', 'platform'],
    ['warning', 'finops'],
    ['warning', 'security'],
  ])("routes severity=%s team=%s to the receivers Grafana's policy tree names (amtool config routes test)", (severity, team) => {
    const expected = grafanaReceivers({ severity, team, alertname: 'AiArmAnything' });
    expect(expected.length).toBeGreaterThan(0);
    const { status, output } = amtool(['config', 'routes', 'test', `--config.file=${freshConfig}`, `--verify.receivers=${expected.join(',')}`, `severity=${severity}`, `team=${team}`, 'alertname=AiArmAnything']);
    expect({ output: output.split('\n')[0], status }).toEqual({ output: expected.join(','), status: 0 });
  });

  it('keeps secrets in files and settings as placeholders: no address, webhook or key in it', () => {
    const text = generatedFiles()['alertmanager/alertmanager.yml']!;
    expect(text).not.toMatch(/hooks\.slack\.com|@[a-z0-9-]+\.[a-z]{2,}|routing_key:|api_url:|smtp_auth_password:/i);
    expect(text).toContain("api_url_file: '/etc/alertmanager/secrets/SLACK_WEBHOOK_URL'");
    expect(text).toContain("routing_key_file: '/etc/alertmanager/secrets/PAGERDUTY_KEY'");
    for (const s of SETTINGS) expect(text).toContain(`\${${s}}`);
    // The generator's options move the secrets and PagerDuty's endpoint (its EU region).
    const eu = generatedFiles(undefined, { secretsDir: '/run/secrets/', pagerdutyUrl: 'https://events.eu.pagerduty.com/v2/enqueue' })['alertmanager/alertmanager.yml']!;
    expect(eu).toContain("routing_key_file: '/run/secrets/PAGERDUTY_KEY'\n");
    expect(eu).toContain("url: 'https://events.eu.pagerduty.com/v2/enqueue'");
  });

  it('filled in as a deployment does (envsubst), still passes check-config; a setting left out is an error', () => {
    const values = { SLACK_CHANNEL: '#ai-ops', ALERT_EMAILS: 'finops@example.org, cfo@example.org', ALERT_EMAIL_FROM: 'alertmanager@example.org', SMTP_HOST: 'smtp.example.org', SMTP_PORT: '587' };
    const filled = fillSettings(generatedFiles()['alertmanager/alertmanager.yml']!, values);
    const doc = parse(filled) as { global: Record<string, unknown>; receivers: { email_configs?: { to: string }[]; slack_configs?: { channel: string }[] }[] };
    expect(doc.receivers.flatMap((r) => r.slack_configs ?? []).map((s) => s.channel)).toEqual(['#ai-ops']);
    expect(doc.global.smtp_smarthost).toBe('smtp.example.org:587');
    expect(doc.global.smtp_auth_username).toBe('');
    expect(doc.receivers.flatMap((r) => r.email_configs ?? []).map((e) => e.to)).toEqual(['finops@example.org, cfo@example.org']);
    const dir = mkdtempSync(join(tmpdir(), 'ai-arm-am-config-'));
    try {
      writeFileSync(join(dir, 'alertmanager.yml'), filled);
      copyFileSync(join(ALERTING_ROOT, 'alertmanager', TEMPLATE_FILE), join(dir, TEMPLATE_FILE));
      const { status, output } = amtool(['check-config', join(dir, 'alertmanager.yml')]);
      expect(output).toMatch(/SUCCESS/);
      expect(status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const { ALERT_EMAILS: _left, ...partial } = values;
    expect(() => fillSettings(generatedFiles()['alertmanager/alertmanager.yml']!, partial)).toThrow('no value for ${ALERT_EMAILS}');
  });
});
