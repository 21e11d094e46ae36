/**
 * The API under mixed load at a big organisation's size: 20 concurrent clients (closed loop,
 * from a separate load process on loopback) on the agent list, the cost summary and /metrics
 * for 30 s, at a million agents in PostgreSQL and 90 days of vendor usage and bills in the
 * embedded telemetry store; a bare Fastify handler under the same clients in the same run; the
 * collector's RSS sampled every second while the mix runs.
 *   npm run bench:api-mixed [-- --agents 1000000 --days 90 --clients 20 --seconds 30]
 * Needs the machine's PostgreSQL (ARM_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp } from '../src/app';
import { ensureBootstrapKey } from '../src/auth/bootstrap';
import type { TelemetryDb } from '../src/stores/clickhouse/client';
import { filteredAgentUrls, KEY, load, seedAgents, TABLE_HEADER, tableRow, withBenchDatabase } from './api-support';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * What a big organisation's admin APIs answer at hourly buckets grouped by project, API key and
 * model: 350 keys in 50 projects and workspaces, each key calling 3 models every hour (1,050
 * usage rows an hour, 25,200 a day), and a daily bill per project, model and token type.
 */
const VENDORS = [
  { vendor: 'OPENAI', connection: '00000000-0000-4000-8000-00000000000a', projects: 30, keys: 200, contextWindow: '', models: ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'text-embedding-3-small'], tokenTypes: ['input', 'cache_read', 'output'] },
  { vendor: 'ANTHROPIC', connection: '00000000-0000-4000-8000-00000000000b', projects: 20, keys: 150, contextWindow: '0-200k', models: ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'claude-3-5-haiku'], tokenTypes: ['input', 'cache_read', 'cache_write_5m', 'output'] },
] as const;
const MODELS_PER_KEY = 3;
/** Agent i of seedAgents is OPENAI when i % 5 = 0, ANTHROPIC when i % 5 = 1: each key belongs to one of them. */
const keyAgent = (vendor: string, k: number) => `a-${vendor === 'OPENAI' ? 5 * (k + 1) : 5 * k + 1}`;
const hash = (n: number) => (Math.imul(n ^ (n >>> 15), 2654435761) >>> 0) / 2 ** 32;

/** 90 days of hourly usage up to the current hour, and the bills of every day before today, for one organisation. */
export async function seedUsage(telemetry: TelemetryDb, organizationId: string, now: number, days: number): Promise<{ usage: number; costs: number }> {
  const polled_at = new Date(now).toISOString();
  const lastHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  let usage = 0;
  let costs = 0;
  for (let d = days - 1; d >= 0; d--) {
    const rows: Record<string, unknown>[] = [];
    for (let h = 23; h >= 0; h--) {
      const hour = lastHour - (d * 24 + h) * HOUR_MS;
      const busy = 0.3 + 0.7 * Math.sin((Math.PI * (new Date(hour).getUTCHours() + 1)) / 25);
      for (const v of VENDORS) {
        for (let k = 0; k < v.keys; k++) {
          for (let m = 0; m < MODELS_PER_KEY; m++) {
            const model = v.models[(k + m * 3) % v.models.length]!;
            const input = Math.round(busy * (20_000 + 2_000_000 * hash(hour / HOUR_MS + k * 7919 + m)));
            const embedding = model.startsWith('text-embedding');
            rows.push({
              organization_id: organizationId,
              connection_id: v.connection,
              vendor: v.vendor,
              bucket_start: new Date(hour).toISOString(),
              bucket_width: '1h',
              project_id: `${v.vendor.toLowerCase()}_proj_${k % v.projects}`,
              api_key_id: `${v.vendor.toLowerCase()}_key_${k}`,
              model,
              operation: embedding ? 'embeddings' : 'chat',
              service_tier: k % 10 === 0 && !embedding ? 'batch' : 'standard',
              context_window: v.contextWindow,
              requests: 1 + Math.round(input / 1500),
              input_tokens: input,
              cache_read_tokens: embedding ? 0 : Math.round(input * 0.3),
              cache_write_5m_tokens: v.vendor === 'ANTHROPIC' ? Math.round(input * 0.05) : 0,
              cache_write_1h_tokens: 0,
              output_tokens: embedding ? 0 : Math.round(input * 0.2),
              polled_at,
            });
          }
        }
      }
    }
    await telemetry.insert('vendor_usage', rows);
    usage += rows.length;
    // Bills arrive a day late: none for today.
    if (d === 0) continue;
    const day = new Date(lastHour - d * DAY_MS).toISOString().slice(0, 10);
    const bills: Record<string, unknown>[] = [];
    for (const v of VENDORS) {
      for (let p = 0; p < v.projects; p++) {
        for (const model of v.models) {
          for (const type of v.tokenTypes) {
            const usd = (1 + 400 * hash(p * 131 + d * 17 + model.length + type.length)).toFixed(6);
            bills.push({ organization_id: organizationId, connection_id: v.connection, vendor: v.vendor, day, project_id: `${v.vendor.toLowerCase()}_proj_${p}`, api_key_id: '', line_item: `${model}, ${type}`, model, token_type: type, service_tier: 'standard', context_window: v.contextWindow, amount_usd: usd, polled_at });
          }
        }
      }
    }
    await telemetry.insert('vendor_costs', bills);
    costs += bills.length;
  }
  return { usage, costs };
}

/** Each key's usage belongs to an agent: one attribution rule per key, as an organisation writes them. */
async function seedAttribution(url: string, organizationId: string): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    for (const v of VENDORS) {
      await db.query(
        `INSERT INTO attribution_rules (organization_id, vendor, match_kind, match_value, agent_id)
         SELECT $1, $2, 'api_key', lower($2) || '_key_' || k, a.id
           FROM generate_series(0, $3 - 1) AS k JOIN agents a ON a.organization_id = $1 AND a.vendor_agent_id = 'a-' || CASE WHEN $2 = 'OPENAI' THEN 5 * (k + 1) ELSE 5 * k + 1 END`,
        [organizationId, v.vendor, v.keys],
      );
    }
  } finally {
    await db.end();
  }
}

const mb = (bytes: number) => bytes / 2 ** 20;
/** Least-squares slope of the samples (one a second), in MB per minute. */
function slopePerMinute(samples: number[]): number {
  const n = samples.length;
  const mx = (n - 1) / 2;
  const my = samples.reduce((s, y) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  samples.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : (mb(num / den) * 60);
}

async function main() {
  const { values } = parseArgs({ options: { agents: { type: 'string', default: '1000000' }, days: { type: 'string', default: '90' }, clients: { type: 'string', default: '20' }, seconds: { type: 'string', default: '30' } } });
  const agents = Number(values.agents);
  const days = Number(values.days);
  const clients = Number(values.clients);
  const seconds = Number(values.seconds);
  await withBenchDatabase('api_mixed', async ({ url, config, stores, sink, logger, bareUrl }) => {
    const { organizationId } = await seedAgents(url, agents);
    await seedAttribution(url, organizationId);
    await ensureBootstrapKey(stores.controlPlane, organizationId, KEY);
    let started = performance.now();
    const seeded = await seedUsage(stores.telemetry, organizationId, Date.now(), days);
    console.error(`seeded ${seeded.usage.toLocaleString('en-US')} hourly usage rows and ${seeded.costs.toLocaleString('en-US')} daily bill rows over ${days} days in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const app = await buildApp({ config, stores, sink, logger });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const routes = [
      { name: 'GET /api/v1/agents (filtered, 1st page)', urls: filteredAgentUrls(base) },
      { name: 'GET /api/v1/costs/summary', urls: ['', '?vendor=OPENAI', '', '?vendor=ANTHROPIC'].map((q) => `${base}/api/v1/costs/summary${q}`) },
      { name: 'GET /metrics', urls: [`${base}/metrics`] },
    ];
    // Warm the pools, the plans, the JIT and the engine's caches before measuring.
    await load({ routes, clients, seconds: 5 });
    const [bare] = await load({ routes: [{ name: 'bare Fastify handler', urls: [await bareUrl()] }], clients, seconds });

    const rss: number[] = [process.memoryUsage.rss()];
    const sampler = setInterval(() => rss.push(process.memoryUsage.rss()), 1000);
    started = performance.now();
    const mixed = await load({ routes, clients, seconds });
    clearInterval(sampler);
    rss.push(process.memoryUsage.rss());
    await app.close();

    console.log(`\nbench:api-mixed: ${agents.toLocaleString('en-US')} agents in PostgreSQL, ${seeded.usage.toLocaleString('en-US')} hourly usage rows and ${seeded.costs.toLocaleString('en-US')} bill rows (${days} days) in embedded ClickHouse;`);
    console.log(`${clients} clients, closed loop, ${seconds} s (bare alone, then the mix in turn), load from a separate process on loopback; latency from each request's send`);
    console.log(TABLE_HEADER);
    for (const r of [bare!, ...mixed]) console.log(tableRow(r, bare!.p99));
    const half = rss.slice(Math.floor(rss.length / 2));
    console.log(
      `collector RSS during the mix (${rss.length} samples, 1 s apart): start ${mb(rss[0]!).toFixed(0)} MB, end ${mb(rss.at(-1)!).toFixed(0)} MB, max ${mb(Math.max(...rss)).toFixed(0)} MB; slope ${slopePerMinute(rss).toFixed(1)} MB/min (second half ${slopePerMinute(half).toFixed(1)} MB/min)`,
    );
    const errors = mixed.reduce((s, r) => s + r.errors, 0);
    const summary = mixed.find((r) => r.name.includes('summary'))!;
    const grew = mb(rss.at(-1)! - rss[0]!);
    console.log(`targets: 0 errors (${errors}); RSS flat (end - start ${grew.toFixed(0)} MB); /costs/summary p99 < 100 ms (${summary.p99.toFixed(1)} ms)`);
  });
}

if (require.main === module) main().catch((err: unknown) => {
  console.error(`bench:api-mixed failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
