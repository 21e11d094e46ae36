/**
 * The agents API at a million agents in PostgreSQL, under a fixed arrival rate from a separate
 * load process on loopback, beside a bare Fastify handler measured the same way in the same run.
 *   npm run bench:api [-- --agents 1000000 --rate 500 --seconds 20]
 * Needs the machine's PostgreSQL (ARM_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app';
import { ensureBootstrapKey } from '../src/auth/bootstrap';
import { loadConfig } from '../src/config/env';
import { createLogger } from '../src/logger';
import { Instruments } from '../src/metrics/instruments.generated';
import { PrometheusSink } from '../src/metrics/prometheus-sink';
import { openStores } from '../src/stores';

const ADMIN_URL = process.env.ARM_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const KEY = 'arm_sk_live_BenchApiBenchApiBenchApiBenchApi0001';
const TEAMS = ['billing', 'search', 'support', 'sales', 'legal', 'finance', 'growth', 'infra', 'data', 'mobile', 'web', 'ops'];
const ROLES = ['assistant', 'triage', 'summarizer', 'router', 'coder', 'reviewer', 'planner', 'writer'];

type Result = { requests: number; errors: number; achievedRate: number; p50: number; p90: number; p99: number; max: number };

function load(urls: string[], rate: number, seconds: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'api-load.ts'), JSON.stringify({ urls, rate, seconds, headers: { authorization: `Bearer ${KEY}` } })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Result) : reject(new Error(`load process exited ${code}`))));
  });
}

async function seed(url: string, agents: number): Promise<string> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const [org] = (await db.query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('Bench', 'bench') RETURNING id")).rows;
    // Bulk load with the per-row count trigger off, then the counts in one pass (what the
    // trigger would have built), so seeding a million rows takes seconds, not minutes.
    await db.query('ALTER TABLE agents DISABLE TRIGGER agent_counts_insert_delete');
    const started = performance.now();
    await db.query(
      `INSERT INTO agents (organization_id, vendor, vendor_agent_id, name, type, status, health, health_score, config)
       SELECT $1, (ARRAY['OPENAI','ANTHROPIC','GOOGLE','AZURE','CUSTOM'])[1 + (i % 5)], 'a-' || i,
              ($2::text[])[1 + (i % ${TEAMS.length})] || '-' || ($3::text[])[1 + ((i / 7) % ${ROLES.length})] || '-' || substr(md5(i::text), 1, 8),
              (ARRAY['ASSISTANT','CHAT','COMPLETION','CUSTOM'])[1 + ((i / 3) % 4)],
              CASE WHEN i % 53 = 0 THEN 'PAUSED' WHEN i % 97 = 0 THEN 'ERROR' ELSE 'ACTIVE' END,
              CASE WHEN i % 41 = 0 THEN 'DOWN' WHEN i % 13 = 0 THEN 'DEGRADED' ELSE 'HEALTHY' END,
              80 + (i % 21), jsonb_build_object('model', 'gpt-4o')
         FROM generate_series(1, $4) AS i`,
      [org!.id, TEAMS, ROLES, agents],
    );
    await db.query('INSERT INTO agent_counts (organization_id, vendor, status, type, health, n) SELECT organization_id, vendor, status, type, health, count(*) FROM agents GROUP BY 1, 2, 3, 4, 5');
    await db.query('ALTER TABLE agents ENABLE TRIGGER agent_counts_insert_delete');
    // What autovacuum does in time: merges the trigram index's pending list, sets the visibility map.
    await db.query('VACUUM ANALYZE agents');
    console.error(`seeded ${agents.toLocaleString('en-US')} agents in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    // Search terms users type: a fragment of some agent's name.
    const names = (await db.query<{ name: string }>('SELECT name FROM agents TABLESAMPLE SYSTEM (0.1) LIMIT 200')).rows.map((r) => r.name);
    return JSON.stringify(names.map((n) => n.slice(-6, -1)));
  } finally {
    await db.end();
  }
}

async function main() {
  const { values } = parseArgs({ options: { agents: { type: 'string', default: '1000000' }, rate: { type: 'string', default: '500' }, seconds: { type: 'string', default: '20' } } });
  const agents = Number(values.agents);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect().catch((err: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL} (${err.message}): start it (pg_ctlcluster 15 main start) or set ARM_BENCH_POSTGRES_URL`);
  });
  const dbName = `arm_bench_api_${process.pid}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'ai-arm-bench-api-'));
  const config = loadConfig({ ARM_POSTGRES_URL: url.toString(), ARM_DATA_DIR: dataDir, ARM_PORT: '0', ARM_LOG_LEVEL: 'warn', ARM_RATE_LIMIT_PER_MINUTE: '1000000' });
  const sink = new PrometheusSink({ processMetrics: false });
  const logger = createLogger('warn');
  const stores = await openStores(config, new Instruments(sink), logger);
  const bare = Fastify();
  try {
    const terms = JSON.parse(await seed(url.toString(), agents)) as string[];
    const [org] = await stores.controlPlane.query<{ id: string }>("SELECT id FROM organizations WHERE slug = 'bench'");
    await ensureBootstrapKey(stores.controlPlane, org!.id, KEY);
    const app = await buildApp({ config, stores, sink, logger });
    await app.listen({ port: 0, host: '127.0.0.1' });
    bare.get('/bare', async () => ({ success: true, data: [] }));
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare`;
    // Common and rare filters alike: a whole vendor, its paused agents, the ones down.
    const filtered = ['OPENAI', 'ANTHROPIC', 'GOOGLE'].flatMap((v) => [`vendor=${v}&status=ACTIVE`, `vendor=${v}&status=PAUSED`, `vendor=${v}&health=DOWN`, `vendor=${v}`].map((f) => `${base}/api/v1/agents?${f}&limit=50`));
    const search = terms.map((q) => `${base}/api/v1/agents?q=${encodeURIComponent(q)}&limit=50`);
    // Warm the pool, the plans and the JIT before measuring.
    await load([...filtered, ...search, bareUrl], 200, 3);

    const rows: [string, Result][] = [];
    rows.push(['bare Fastify handler', await load([bareUrl], rate, seconds)]);
    rows.push(['agents: filtered first page + counts', await load(filtered, rate, seconds)]);
    rows.push(['agents: name search + counts', await load(search, rate, seconds)]);
    await app.close();

    console.log(`\nbench:api: ${agents.toLocaleString('en-US')} agents in PostgreSQL, ${rate} requests/s for ${seconds} s each, load from a separate process on loopback`);
    console.log('scenario                                 requests  errors  rate/s   p50 ms   p90 ms   p99 ms   max ms  p99 vs bare');
    const bareP99 = rows[0]![1].p99;
    for (const [name, r] of rows) {
      console.log(
        `${name.padEnd(40)} ${String(r.requests).padStart(8)} ${String(r.errors).padStart(7)} ${r.achievedRate.toFixed(0).padStart(7)} ${r.p50.toFixed(1).padStart(8)} ${r.p90.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)} ${(r.p99 / bareP99).toFixed(1).padStart(11)}x`,
      );
    }
    console.log('targets: filtered first page with counts p99 < 20 ms; name search p99 < 50 ms');
  } finally {
    await bare.close();
    await stores.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench:api failed: ${(err as Error).message}`);
  process.exitCode = 1;
});
