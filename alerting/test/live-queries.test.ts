import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'chdb';
import { catalogueSeriesNames, dashboards, panelQueries, promqlMetricNames, type PanelQuery } from '@ai-arm/dashboards';
import { RULES } from '../src/rules';
import { debianBinary } from './support/promtool';
import { AUTH, json, startDemoCollector, startPrometheus, until, type PromResult } from './support/live';

const HOUR = 3600;

/** Grafana's variables and macros, as Grafana fills them for "All" on the dashboards' default 24 hours and the demo organisation. */
const promql = (q: string, organization: string) =>
  q
    .replace(/\$\{?organization\}?/g, organization)
    .replace(/\$\{?__rate_interval\}?/g, '1m')
    .replace(/\$\{?__range\}?/g, '24h')
    .replace(/\$\{?__interval\}?/g, '15s')
    .replace(/\$\{?(provider|model|agent)\}?/g, '.*');
const clickhouseSql = (q: string, organization: string, from: number, to: number) =>
  q
    .replace(/\$__timeFilter\((\w+)\)/g, (_, c: string) => `${c} >= toDateTime(${from}) AND ${c} <= toDateTime(${to})`)
    .replace(/\$__timeInterval\((\w+)\)/g, (_, c: string) => `toStartOfInterval(toDateTime(${c}), INTERVAL 60 second)`)
    .replace(/\$__fromTime/g, `toDateTime(${from})`)
    .replace(/\$__toTime/g, `toDateTime(${to})`)
    .replace(/\$\{organization\}|\$organization/g, organization);

const samples = (r: PromResult) => (r.resultType === 'scalar' ? 1 : r.result.length);
const queries = dashboards().flatMap((d) => panelQueries(d.json));
const ruleQueries = RULES.flatMap((r) => r.conditions.map((c, i) => ({ rule: r.uid, condition: i, query: c.query })));

/**
 * The dashboards and alert rules against what the collector really emits: Debian's Prometheus
 * scrapes the demo collector (which seeds a budget, a model the price table lacks and an agent
 * that goes down), after the history it lacks was backfilled from the collector's own
 * /api/v1/metrics/history with promtool. Every PromQL query of every panel and variable, and
 * the base query of every rule condition, must name only catalogue metrics and return data;
 * every ClickHouse panel query must run on the real schema in chdb and return rows.
 */
describe('dashboards and alert rules against a real Prometheus scraping the demo collector', () => {
  let collector: Awaited<ReturnType<typeof startDemoCollector>> | undefined;
  let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined;
  const dirs: string[] = [];
  afterAll(async () => {
    await prometheus?.stop();
    await collector?.stop();
    for (const d of [...dirs, collector?.dir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('every query names only catalogue metrics', () => {
    const known = catalogueSeriesNames();
    const unknown = [...queries.filter((q) => q.kind === 'promql'), ...ruleQueries].flatMap((q) =>
      promqlMetricNames(q.query)
        // `up` is Prometheus' own, of every scrape: the collector-down rule reads it.
        .filter((m) => !known.has(m) && m !== 'up')
        .map((m) => `${'rule' in q ? q.rule : `${q.dashboard} / ${q.panel}`}: ${m}`),
    );
    expect(unknown).toEqual([]);
    expect(queries.filter((q) => q.kind === 'promql').length).toBeGreaterThan(30);
  });

  it('every PromQL query returns data, every ClickHouse query returns rows', async () => {
    collector = await startDemoCollector();
    const { url, simulator } = collector;
    const text = async () => (await fetch(`${url}/metrics`)).text();
    await until('the first poll of both vendors', async () => ((await text()).match(/ai_arm_collector_polls_total\{[^}]*result="success"\} [1-9]/g)?.length === 2 ? true : undefined));

    // An hour passes in the demo world: new usage lands on the live counters, and the demo's
    // doomed agent (deleted two minutes after start) is found DOWN by the next health check.
    const post = (path: string, body: unknown) => json<{ now: number }>(`${simulator}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const now = (await post('/_sim/clock', {})).now;
    await post('/_sim/clock', { now: new Date((now + HOUR) * 1000).toISOString() });
    await until('the demo agent down, the demo budget and its forecast alert firing', async () => {
      const t = await text();
      return /ai_arm_agent_health\{[^}]*health_status="down"\} 1/.test(t) && /ai_arm_budget_period_seconds\{[^}]*budget="demo-monthly"\}/.test(t) && /ai_arm_cost_alert_firing\{[^}]*\} 1/.test(t) && /ai_arm_cost_usd_total\{/.test(t) ? true : undefined;
    });

    // The week of history the rules look back on, rebuilt by the collector, loaded by promtool.
    // Stamped with the scrape's target labels, so the history continues the scraped series.
    const history = await (await fetch(`${url}/api/v1/metrics/history?step=3600&labels=${encodeURIComponent(`job=aiarm,instance=${new URL(url).host}`)}`, { headers: AUTH })).text();
    expect(history).toMatch(/# EOF\n$/);
    const dir = mkdtempSync(join(tmpdir(), 'ai-arm-history-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'history.om'), history);
    execFileSync(debianBinary('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'history.om'), join(dir, 'data')], { stdio: 'pipe' });

    prometheus = await startPrometheus(new URL(url).host, join(dir, 'data'));
    const query = prometheus.query;
    await until('Prometheus to scrape the collector for 20 s', async () => {
      const up = await query('count_over_time(up{job="aiarm"}[1m])');
      return samples(up) === 1 && up.resultType === 'vector' && Number(up.result[0]!.value[1]) >= 20 ? true : undefined;
    }, 120_000);

    // The organisation variable's options, as Grafana lists them: the demo organisation's id.
    const tenants = await query('count by (organization_id) (ai_arm_collector_polls_total)');
    const tenant = tenants.resultType === 'vector' && tenants.result.length === 1 ? String(tenants.result[0]!.metric.organization_id) : '';
    expect(tenant).toMatch(/^[0-9a-f-]{36}$/);
    const empty: string[] = [];
    for (const q of queries.filter((x) => x.kind === 'promql')) if (samples(await query(promql(q.query, tenant))) === 0) empty.push(`${q.dashboard} / ${q.panel}: ${q.query}`);
    for (const q of ruleQueries) if (samples(await query(q.query)) === 0) empty.push(`rule ${q.rule} condition ${q.condition}: ${q.query}`);
    expect(empty).toEqual([]);

    // chdb has no port: the ClickHouse panels are run on the collector's own files once it stopped.
    await prometheus.stop();
    prometheus = undefined;
    await collector.stop();
    const session = new Session(join(collector.dir, 'chdb'));
    try {
      session.query('USE ai_arm', 'CSV');
      const organization = session.query('SELECT DISTINCT toString(organization_id) FROM vendor_usage', 'TSV').trim();
      expect(organization).toBe(tenant);
      const from = now - 8 * 24 * HOUR;
      const to = now + 2 * HOUR;
      const results = queries.filter((q): q is PanelQuery => q.kind === 'clickhouse').map((q) => ({ panel: `${q.dashboard} / ${q.panel}`, rows: session.query(clickhouseSql(q.query, organization, from, to), 'JSONCompact') }));
      expect(results.length).toBeGreaterThanOrEqual(4);
      // Demo mode injects no vendor faults, so the vendor-error log panel runs but stays empty.
      const quietInDemo = new Set(['aiarm-collector / Vendor errors']);
      for (const r of results) expect({ panel: r.panel, rows: (JSON.parse(r.rows) as { rows: number }).rows > 0 }).toEqual({ panel: r.panel, rows: !quietInDemo.has(r.panel) });
    } finally {
      session.cleanup();
    }
  }, 300_000);
});
