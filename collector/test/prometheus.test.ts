import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTH, runCli, waitForCollector, type CliRun } from './support/cli';
import { prometheus as prometheusBinary } from './support/promtool';
import { seedPGlite } from './support/stores';
import { freePort, until } from './support/wait';

const HOUR = 3600;


const json = async <T>(url: string, init?: RequestInit) => (await (await fetch(url, { ...init, headers: { ...AUTH, ...(init?.headers as Record<string, string>) } })).json()) as T;

/**
 * Debian's Prometheus scrapes the collector in demo mode; PromQL over the scraped series must
 * give what the collector's own API reports: cost by agent, tokens by model, p95 vendor-API
 * latency by provider and the vendor-call error ratio.
 */
describe('PromQL against a real Prometheus scraping the demo collector', () => {
  let collector: CliRun | undefined;
  let prometheus: ChildProcess | undefined;
  const dirs: string[] = [];
  afterAll(async () => {
    prometheus?.kill('SIGKILL');
    collector?.child.kill('SIGTERM');
    await collector?.exited;
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('cost by agent, tokens by model, p95 vendor latency and error ratio equal the API', async () => {
    const bin = prometheusBinary();
    const dataDir = mkdtempSync(join(tmpdir(), 'ai-arm-prom-collector-'));
    dirs.push(dataDir);
    seedPGlite(join(dataDir, 'pglite'));
    // One poll at start, then nothing on a timer: the test drives the rest, so the scraped
    // values hold still while it compares them.
    collector = runCli(['start'], { ARM_DATA_DIR: dataDir, ARM_PORT: '0', ARM_LOG_LEVEL: 'info', ARM_POLL_INTERVAL_MS: '3600000', ARM_HEALTH_INTERVAL_MS: '3600000' });
    const url = await waitForCollector(dataDir, collector);
    const simUrl = /"simulator":"(http:\/\/[^"]+)"/.exec(collector.stdout())![1]!;
    type Conn = { id: string; feeds: { feed: string; startedAt: string }[] };
    const conns = await until('the first poll of both connections', async () => {
      const c = (await json<{ data: Conn[] }>(`${url}/api/v1/poller/connections`)).data;
      return c.length === 2 && c.every((x) => x.feeds.some((f) => f.feed.includes('usage'))) ? c : undefined;
    });
    await until('first poll done', async () => ((await (await fetch(`${url}/metrics`)).text()).match(/ai_arm_collector_polls_total\{[^}]*result="success"\} 1/g)?.length === 2 ? true : undefined));
    const liveFrom = Math.max(...conns.flatMap((c) => c.feeds.filter((f) => f.feed.includes('usage')).map((f) => Date.parse(f.startedAt) / 1000)));

    // Three hours pass in the demo world; polling again stores them and moves the counters.
    const simNow = (await json<{ now: number }>(`${simUrl}/_sim/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).now;
    await json(`${simUrl}/_sim/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ now: new Date((simNow + 3 * HOUR) * 1000).toISOString() }) });
    const liveTo = Math.floor((simNow + 3 * HOUR) / HOUR) * HOUR;
    for (const c of conns) {
      await json(`${url}/api/v1/connections/${c.id}/backfill`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ since: '1d' }) });
      await until(`backfill of ${c.id}`, async () => ((await json<{ data: { status: string } }>(`${url}/api/v1/connections/${c.id}/backfill`)).data.status === 'done' ? true : undefined));
    }

    const promDir = mkdtempSync(join(tmpdir(), 'ai-arm-prom-'));
    dirs.push(promDir);
    const promPort = await freePort();
    writeFileSync(
      join(promDir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: ai-arm\n    static_configs: [{ targets: ['${new URL(url).host}'] }]\n`,
    );
    prometheus = spawn(bin, [`--config.file=${join(promDir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(promDir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
    type Vector = { metric: Record<string, string>; value: [number, string] }[];
    const promql = async (q: string) => {
      const r = await json<{ status: string; data: { result: Vector }; error?: string }>(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
      if (r.status !== 'success') throw new Error(`${q}: ${r.error}`);
      return r.data.result;
    };
    await until('two scrapes', async () => {
      const up = await promql('count_over_time(up{job="ai-arm"}[1m])');
      return up.length === 1 && Number(up[0]!.value[1]) >= 2 && (await promql('up{job="ai-arm"}'))[0]!.value[1] === '1' ? true : undefined;
    }, 60_000);

    const hour = (t: number) => new Date(t * 1000).toISOString().replace('.000', '');
    const window = `from=${hour(liveFrom)}&to=${hour(liveTo)}`;
    type Row = { key: string | null; cost: string; tokens: number; unpricedTokens: number };

    // Cost by agent.
    const byAgent = await promql('sum by (gen_ai_agent_id) (ai_arm_cost_usd_total)');
    const apiAgents = (await json<{ data: Row[] }>(`${url}/api/v1/costs/breakdown?by=agent&${window}`)).data;
    const apiCost = new Map<string, number>();
    // Agents with priced usage (the demo's agent on a model the table lacks has tokens but no cost series).
    for (const r of apiAgents) if (r.tokens > r.unpricedTokens) apiCost.set(r.key ?? 'unattributed', (apiCost.get(r.key ?? 'unattributed') ?? 0) + Number(r.cost));
    expect(byAgent.length).toBeGreaterThan(5);
    expect(new Set(byAgent.map((s) => s.metric.gen_ai_agent_id))).toEqual(new Set(apiCost.keys()));
    // The API rounds to the cent per vendor, model and day; the counter sums unrounded costs.
    for (const s of byAgent) expect(Math.abs(Number(s.value[1]) - apiCost.get(s.metric.gen_ai_agent_id!)!)).toBeLessThan(0.05);

    // Tokens by model: exact.
    const byModel = await promql('sum by (gen_ai_request_model) (ai_arm_tokens_total)');
    const apiModels = (await json<{ data: Row[] }>(`${url}/api/v1/costs/breakdown?by=model&${window}`)).data;
    expect(Object.fromEntries(byModel.map((s) => [s.metric.gen_ai_request_model, Number(s.value[1])]))).toEqual(Object.fromEntries(apiModels.filter((r) => r.tokens > 0).map((r) => [r.key, r.tokens])));

    // p95 vendor-API latency and the vendor-call error ratio, by provider.
    const stats = (await json<{ data: { provider: string; errorRatio: number; p95Seconds: number }[] }>(`${url}/api/v1/collector/vendor-api`)).data;
    const p95 = await promql('histogram_quantile(0.95, sum by (le, gen_ai_provider_name) (ai_arm_collector_vendor_api_duration_seconds_bucket))');
    const errors = await promql(
      'sum by (gen_ai_provider_name) (ai_arm_collector_vendor_api_requests_total{outcome!="ok"} or ai_arm_collector_vendor_api_requests_total * 0) / sum by (gen_ai_provider_name) (ai_arm_collector_vendor_api_requests_total)',
    );
    expect(stats.map((s) => s.provider).sort()).toEqual(['anthropic', 'openai']);
    for (const s of stats) {
      expect(Number(p95.find((x) => x.metric.gen_ai_provider_name === s.provider)!.value[1])).toBeCloseTo(s.p95Seconds, 9);
      expect(Number(errors.find((x) => x.metric.gen_ai_provider_name === s.provider)!.value[1])).toBeCloseTo(s.errorRatio, 9);
    }
  });
});
