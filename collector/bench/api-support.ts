/**
 * What bench:api and bench:api-mixed share: a fresh database on the machine's PostgreSQL with
 * the collector's stores opened on it, a million agents bulk-loaded into it, a bare Fastify
 * handler to measure beside the collector, and the load process (api-load.ts) that drives both.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config/env';
import { createLogger } from '../src/logger';
import { Instruments } from '../src/metrics/instruments.generated';
import { PrometheusSink } from '../src/metrics/prometheus-sink';
import { openStores, type Stores } from '../src/stores';
import type { LoadJob, RouteResult } from './api-load';

export const ADMIN_URL = process.env.ARM_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const KEY = 'arm_sk_live_BenchApiBenchApiBenchApiBenchApi0001';
const TEAMS = ['billing', 'search', 'support', 'sales', 'legal', 'finance', 'growth', 'infra', 'data', 'mobile', 'web', 'ops'];
const ROLES = ['assistant', 'triage', 'summarizer', 'router', 'coder', 'reviewer', 'planner', 'writer'];

export type { RouteResult };

/** Runs a load job in its own process (api-load.ts) against the given routes; one result per route. */
export function load(job: Omit<LoadJob, 'headers'>): Promise<RouteResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'api-load.ts'), JSON.stringify({ ...job, headers: { authorization: `Bearer ${KEY}` } })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as RouteResult[]) : reject(new Error(`load process exited ${code}`))));
  });
}

export interface BenchEnv {
  /** The bench database's URL, for bulk loads outside the collector. */
  url: string;
  config: Config;
  stores: Stores;
  sink: PrometheusSink;
  logger: ReturnType<typeof createLogger>;
  /** A bare Fastify handler on loopback, answering what a list answers with nothing in it. */
  bareUrl(): Promise<string>;
}

/** A fresh database (dropped afterwards, with the embedded telemetry store's directory) and the collector's stores on it. */
export async function withBenchDatabase(name: string, run: (env: BenchEnv) => Promise<void>): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect().catch((err: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL} (${err.message}): start it (pg_ctlcluster 15 main start) or set ARM_BENCH_POSTGRES_URL`);
  });
  const dbName = `arm_bench_${name}_${process.pid}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const dataDir = mkdtempSync(join(tmpdir(), `ai-arm-bench-${name}-`));
  let stores: Stores | undefined;
  let bare: FastifyInstance | undefined;
  try {
    const config = loadConfig({ ARM_POSTGRES_URL: url.toString(), ARM_DATA_DIR: dataDir, ARM_PORT: '0', ARM_LOG_LEVEL: 'warn', ARM_RATE_LIMIT_PER_MINUTE: '1000000' });
    const sink = new PrometheusSink({ processMetrics: false });
    const logger = createLogger('warn');
    stores = await openStores(config, new Instruments(sink), logger);
    const bareUrl = async () => {
      bare = Fastify();
      bare.get('/bare', async () => ({ success: true, data: [] }));
      await bare.listen({ port: 0, host: '127.0.0.1' });
      return `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare`;
    };
    await run({ url: url.toString(), config, stores, sink, logger, bareUrl });
  } finally {
    await bare?.close();
    await stores?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * One organisation ('bench') with `agents` agents, bulk-loaded; returns its id and 200 search
 * terms users type (a fragment of some agent's name).
 */
export async function seedAgents(url: string, agents: number): Promise<{ organizationId: string; terms: string[] }> {
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
    const names = (await db.query<{ name: string }>('SELECT name FROM agents TABLESAMPLE SYSTEM (0.1) LIMIT 200')).rows.map((r) => r.name);
    return { organizationId: org!.id, terms: names.map((n) => n.slice(-6, -1)) };
  } finally {
    await db.end();
  }
}

/** Agent list URLs: the first page of common and rare filters alike (a whole vendor, its paused agents, the ones down). */
export const filteredAgentUrls = (base: string) =>
  ['OPENAI', 'ANTHROPIC', 'GOOGLE'].flatMap((v) => [`vendor=${v}&status=ACTIVE`, `vendor=${v}&status=PAUSED`, `vendor=${v}&health=DOWN`, `vendor=${v}`].map((f) => `${base}/api/v1/agents?${f}&limit=50`));

export const TABLE_HEADER = 'scenario                                 requests  errors  rate/s   p50 ms   p90 ms   p99 ms   max ms  p99 vs bare';
export const tableRow = (r: RouteResult, bareP99: number) =>
  `${r.name.padEnd(40)} ${String(r.requests).padStart(8)} ${String(r.errors).padStart(7)} ${r.achievedRate.toFixed(0).padStart(7)} ${r.p50.toFixed(1).padStart(8)} ${r.p90.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)} ${(r.p99 / bareP99).toFixed(1).padStart(11)}x`;
