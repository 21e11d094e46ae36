import { parse } from 'yaml';
import { generatedFiles } from '../src/outputs';
import { RULES } from '../src/rules';

type Data = { refId: string; datasourceUid: string; relativeTimeRange?: { from: number; to: number }; model: Record<string, unknown> };
type Rule = Record<string, unknown> & { uid: string; condition: string; data: Data[]; labels: Record<string, string>; annotations: Record<string, string> };
const files = generatedFiles();
const COLLECTOR_DOWN = 'aiarm-collector-not-polling';
const load = <T>(name: string) => parse(files[name]!) as T;

describe('Grafana file provisioning output', () => {
  it('rules: apiVersion 1, groups with orgId, name, folder and interval, rules in the provisioning shape', () => {
    const doc = load<{ apiVersion: number; groups: { orgId: number; name: string; folder: string; interval: string; rules: Rule[] }[] }>('grafana/rules.yaml');
    expect(doc.apiVersion).toBe(1);
    const rules = doc.groups.flatMap((g) => {
      expect(g).toEqual(expect.objectContaining({ orgId: 1, folder: 'AI-ARM', name: expect.any(String), interval: expect.stringMatching(/^\d+[smh]$/) }));
      return g.rules;
    });
    expect(rules.map((r) => r.uid).sort()).toEqual(RULES.map((r) => r.uid).sort());
    for (const r of rules) {
      // The API's per-rule folder and group fields do not belong in file provisioning.
      for (const apiOnly of ['folderUID', 'ruleGroup', 'orgID']) expect(r).not.toHaveProperty(apiOnly);
      expect(r).toEqual(expect.objectContaining({ title: expect.any(String), for: expect.any(String), noDataState: expect.stringMatching(/^(NoData|Alerting|OK)$/), execErrState: 'Error' }));
      // Silence pages only where silence is the fault (the collector not polling): series of
      // budgets, violations and pushed traffic appear only once there are some.
      expect({ uid: r.uid, noDataState: r.noDataState }).toEqual({ uid: r.uid, noDataState: r.uid === COLLECTOR_DOWN ? 'Alerting' : 'OK' });
      expect(Object.keys(r.labels).sort()).toEqual(['severity', 'team']);
      expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
      expect(r.annotations.runbook_url).toMatch(new RegExp(`RUNBOOK\\.md#${r.uid}$`));
      const refs = r.data.map((d) => d.refId);
      expect(new Set(refs).size).toBe(refs.length);
      expect(refs).toContain(r.condition);
      for (const d of r.data) {
        if (d.datasourceUid === '__expr__') {
          expect(['reduce', 'threshold', 'math']).toContain(d.model.type);
          // Every expression reads refs that exist.
          for (const ref of String(d.model.expression).match(/\$?[A-Z][A-Za-z_]*/g) ?? []) expect(refs).toContain(ref.replace('$', ''));
        } else {
          expect(d).toEqual(expect.objectContaining({ datasourceUid: 'prometheus', relativeTimeRange: { from: 600, to: 0 } }));
          expect(d.model).toEqual(expect.objectContaining({ refId: d.refId, instant: true, expr: expect.any(String) }));
        }
      }
    }
  });

  it('contact points: Slack, PagerDuty and email with secrets only as environment placeholders', () => {
    const doc = load<{ apiVersion: number; contactPoints: { orgId: number; name: string; receivers: { uid: string; type: string; settings: Record<string, string> }[] }[] }>('grafana/contact-points.yaml');
    expect(doc.apiVersion).toBe(1);
    const byType = Object.fromEntries(doc.contactPoints.flatMap((c) => c.receivers.map((r) => [r.type, r.settings])));
    expect(Object.keys(byType).sort()).toEqual(['email', 'pagerduty', 'slack']);
    expect(byType.slack!.url).toBe('$SLACK_WEBHOOK_URL');
    expect(byType.pagerduty!.integrationKey).toBe('$PAGERDUTY_KEY');
    expect(byType.email!.addresses).toBe('$ALERT_EMAILS');
    expect(files['grafana/contact-points.yaml']).not.toMatch(/hooks\.slack\.com|@[a-z0-9-]+\.[a-z]{2,}/i);
  });

  it('templates and policies: the message template the contact points use, and a tree routing by severity and team', () => {
    const templates = load<{ templates: { name: string; template: string }[] }>('grafana/templates.yaml').templates;
    expect(templates[0]!.template).toMatch(/define "aiarm\.title"/);
    expect(files['grafana/contact-points.yaml']).toMatch(/template "aiarm\.title"/);
    const policy = load<{ policies: { orgId: number; receiver: string; routes: { receiver: string; object_matchers: string[][] }[] }[] }>('grafana/policies.yaml').policies[0]!;
    expect(policy.receiver).toBe('aiarm-slack');
    expect(policy.routes.map((r) => [r.receiver, r.object_matchers])).toEqual([
      ['aiarm-pagerduty', [['severity', '=', 'critical']]],
      ['aiarm-email', [['team', '=', 'finops']]],
      ['aiarm-slack', []],
    ]);
  });
});
