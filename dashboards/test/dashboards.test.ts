import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboards, panelQueries, render, usedVariables } from '../src';
import { ClickHouseQueryBuilder } from '../src/clickhouse';
import { CLICKHOUSE_NOTE } from '../src/panels';
import {
  CLICKHOUSE, datasourceProblems, idProblems, layoutProblems, metricProblems, panels, sourceProblems, staleFiles, targets, tenantProblems, variableProblems,
} from './checks';

const JSON_DIR = join(__dirname, '..', 'json');
const all = dashboards();
const byUid = (uid: string) => structuredClone(all.find((d) => d.uid === uid)!.json) as Record<string, any>;
const INSTANT_PANELS = ['stat', 'bargauge', 'table', 'piechart'];

describe('committed JSON', () => {
  it('is what the code generates', () => {
    const stale = staleFiles(JSON_DIR, all);
    if (stale.length > 0) throw new Error(`${stale.join(', ')} out of date in dashboards/json/: run npm run generate -w @ai-arm/dashboards`);
  });

  it('notices a file edited by hand, a missing one and an extra one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboards-'));
    try {
      for (const d of all) writeFileSync(join(dir, d.file), render(d.json));
      expect(staleFiles(dir, all)).toEqual([]);
      writeFileSync(join(dir, 'fleet.json'), render({ ...all[0]!.json, title: 'edited' }));
      rmSync(join(dir, 'costs.json'));
      writeFileSync(join(dir, 'old.json'), '{}\n');
      expect(staleFiles(dir, all).sort()).toEqual(['costs.json', 'fleet.json', 'old.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('carries no SDK marker functions (JSON.stringify drops them)', () => {
    const query = new ClickHouseQueryBuilder('SELECT 1').build();
    expect(typeof query._implementsDataqueryVariant).toBe('function');
    expect(JSON.stringify(query)).not.toContain('_implementsDataqueryVariant');
    for (const d of all) expect(render(d.json)).not.toContain('_implementsDataqueryVariant');
  });
});

describe('uids', () => {
  it('are fixed, unique and at most 40 characters', () => {
    expect(all.map((d) => [d.file, d.uid, d.title])).toEqual([
      ['fleet.json', 'aiarm-fleet', 'AI-ARM / Fleet overview'],
      ['costs.json', 'aiarm-costs', 'AI-ARM / Costs'],
      ['latency.json', 'aiarm-latency', 'AI-ARM / Latency and errors'],
      ['collector.json', 'aiarm-collector', 'AI-ARM / Collector health'],
    ]);
    for (const d of all) expect(d.json).toMatchObject({ uid: d.uid, title: d.title, tags: ['ai-arm'], refresh: '1m' });
    expect(new Set(all.map((d) => d.uid)).size).toBe(all.length);
    for (const d of all) expect(d.uid.length).toBeLessThanOrEqual(40);
  });
});

describe.each(all.map((d) => [d.title, d]))('%s', (_title, d) => {
  it('queries ${datasource} (Prometheus) or ${clickhouse} from every panel, with at least one target', () => {
    expect(datasourceProblems(d.json)).toEqual([]);
  });

  it('numbers its panels uniquely', () => expect(idProblems(d.json)).toEqual([]));

  it('defines exactly the variables its queries and data sources use', () => expect(variableProblems(d.json)).toEqual([]));

  it('lays its panels out on the 24-column grid without overlaps', () => expect(layoutProblems(d.json)).toEqual([]));

  it('queries only metrics the collector exports', () => expect(metricProblems(d.json)).toEqual([]));

  it('shows one organisation: an organization variable, and every per-tenant selector filtered by it', () => {
    expect(tenantProblems(d.json)).toEqual([]);
    const org = (d.json as any).templating.list.find((v: any) => v.name === 'organization');
    expect(org).toMatchObject({ type: 'query', datasource: { type: 'prometheus' }, query: 'label_values({__name__=~"ai_arm_collector_polls_total|ai_arm_requests_total"}, organization_id)' });
    expect(org.multi).toBeFalsy();
    expect(org.includeAll).toBeFalsy();
  });

  it('never adds pushed and vendor-reported requests: every request or error counter picks a source', () => {
    expect(sourceProblems(d.json)).toEqual([]);
  });

  it('describes every panel, and says a ClickHouse panel needs a ClickHouse server', () => {
    for (const p of panels(d.json)) {
      expect(p.description).toEqual(expect.stringMatching(/\w{3,}/));
      if (p.datasource.uid === CLICKHOUSE.uid) expect(p.description).toContain(CLICKHOUSE_NOTE);
    }
    expect(CLICKHOUSE_NOTE).toMatch(/ClickHouse server.*ARM_CLICKHOUSE_URL/);
  });

  it('runs instant queries for single values and range queries for time series', () => {
    for (const p of panels(d.json).filter((p) => p.datasource.type === 'prometheus')) {
      const instant = INSTANT_PANELS.includes(p.type);
      expect([p.title, p.targets.map((t: any) => [t.instant, t.range])]).toEqual([p.title, p.targets.map(() => [instant, !instant])]);
    }
  });

  it('links to the other AI-ARM dashboards by tag', () => {
    expect(d.json).toMatchObject({ links: [{ type: 'dashboards', tags: ['ai-arm'], asDropdown: false }] });
    expect((d.json as any).links[0]).not.toHaveProperty('placement');
  });

  it('panelQueries finds every target and every query variable', () => {
    const queries = panelQueries(d.json);
    const fromTargets = queries.filter((q) => !q.panel.startsWith('variable '));
    expect(fromTargets.map((q) => q.query)).toEqual(targets(d.json).map((t) => t.expr ?? t.rawSql));
    expect(fromTargets.filter((q) => q.instant).length).toBe(targets(d.json).filter((t) => t.instant === true).length);
    const vars = (d.json as any).templating.list.filter((v: any) => v.type === 'query');
    expect(queries.length - fromTargets.length).toBe(vars.length);
    expect(queries.every((q) => q.dashboard === d.uid && q.query.length > 0)).toBe(true);
  });
});

describe('panelQueries', () => {
  it('returns the selector of a label_values variable and the SQL of a ClickHouse one', () => {
    const vars = panelQueries(byUid('aiarm-costs')).filter((q) => q.panel.startsWith('variable '));
    expect(vars).toEqual([
      { dashboard: 'aiarm-costs', panel: 'variable organization', kind: 'promql', query: '{__name__=~"ai_arm_collector_polls_total|ai_arm_requests_total"}', instant: true },
      { dashboard: 'aiarm-costs', panel: 'variable provider', kind: 'promql', query: 'ai_arm_agents{organization_id="$organization"}', instant: true },
      { dashboard: 'aiarm-costs', panel: 'variable model', kind: 'promql', query: 'ai_arm_tokens_total{organization_id="$organization", gen_ai_provider_name=~"$provider"}', instant: true },
      { dashboard: 'aiarm-costs', panel: 'variable agent', kind: 'promql', query: 'ai_arm_cost_usd_total{organization_id="$organization", gen_ai_provider_name=~"$provider"}', instant: true },
    ]);
  });

  it('walks the panels nested in collapsed rows', () => {
    const json = byUid('aiarm-fleet');
    const [row, first] = json.panels;
    json.panels = [{ ...row, collapsed: true, panels: [first] }];
    expect(panelQueries(json).filter((q) => !q.panel.startsWith('variable ')).map((q) => q.panel)).toEqual(['Agents']);
  });

  it('throws on a target or a variable it cannot classify', () => {
    const json = byUid('aiarm-fleet');
    json.panels[1].targets[0] = { refId: 'A', query: 'up' };
    expect(() => panelQueries(json)).toThrow(/neither expr nor rawSql/);
    const vars = byUid('aiarm-fleet');
    vars.templating.list[1].query = 'metrics(ai_arm_.*)';
    expect(() => panelQueries(vars)).toThrow(/unsupported variable query/);
  });
});

describe('the checks fail on a broken dashboard', () => {
  it('a query using $agent on a dashboard without the agent variable', () => {
    const json = byUid('aiarm-fleet');
    json.panels[1].targets[0].expr = 'sum(ai_arm_agents{gen_ai_agent_id=~"$agent"})';
    expect(variableProblems(json)).toEqual(['$agent is used but not a variable']);
  });

  it('a per-tenant query that mixes organisations', () => {
    const json = byUid('aiarm-fleet');
    json.panels[1].targets[0].expr = 'sum(ai_arm_agents{gen_ai_provider_name=~"$provider"}) + max(ai_arm_budget_spent_ratio)';
    expect(tenantProblems(json)).toEqual([
      'Agents: ai_arm_agents is not filtered by organization_id="$organization"',
      'Agents: ai_arm_budget_spent_ratio is not filtered by organization_id="$organization"',
    ]);
  });

  it('a request or error counter read without picking a source', () => {
    const json = byUid('aiarm-latency');
    const panel = json.panels.find((p: any) => p.title === 'Error ratio per agent');
    expect(sourceProblems(json)).toEqual([]);
    panel.targets[0].expr = panel.targets[0].expr.replaceAll(', source="push"', '');
    expect(sourceProblems(json)).toEqual(Array(3).fill('Error ratio per agent: ai_arm_requests_total does not pick a source (source="push" or source="vendor_report")'));
  });

  it('a variable nothing uses, or a ClickHouse panel without the clickhouse variable', () => {
    const json = byUid('aiarm-latency');
    json.templating.list = json.templating.list.filter((v: any) => v.name !== 'clickhouse');
    json.templating.list.push({ type: 'custom', name: 'unused', query: 'a,b' });
    expect(variableProblems(json)).toEqual(['$clickhouse is used but not a variable', 'variable unused is never used']);
  });

  it('a hard-coded data source, a panel without targets, a mismatched target', () => {
    const json = byUid('aiarm-collector');
    json.panels[1].datasource = { type: 'prometheus', uid: 'prometheus' };
    json.panels[2].targets = [];
    json.panels[3].targets[0].datasource = CLICKHOUSE;
    expect(datasourceProblems(json)).toEqual([
      'Poll lag: datasource {"type":"prometheus","uid":"prometheus"}',
      'Polls by result: no targets',
      'Vendor-API failures: target A is not a prometheus query',
    ]);
  });

  it('repeated ids, overlapping or overflowing panels, unknown metrics', () => {
    const json = byUid('aiarm-fleet');
    json.panels[2].id = json.panels[1].id;
    json.panels[2].gridPos = { ...json.panels[1].gridPos };
    json.panels[3].gridPos.x = 20;
    json.panels[4].targets[0].expr = 'sum(rate(ai_arm_error_total[5m]))';
    expect(idProblems(json)).toEqual(['panel id 2 missing or repeated']);
    expect(layoutProblems(json)).toEqual(['Health: outside the grid', 'Agents overlaps Agents by vendor and status', 'Health overlaps Agents down']);
    expect(metricProblems(json)).toEqual(['Agents down: unknown metric ai_arm_error_total']);
  });

  it('usedVariables skips Grafana built-ins and reads every reference syntax', () => {
    expect(usedVariables('rate(x{a=~"$a", b="${b:regex}"}[$__rate_interval]) [[c]] $__range $__timeFilter(t) $__unknown')).toEqual(['a', 'b', 'c', '__unknown']);
  });
});
