import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config/env';
import { createLogger } from '../../src/logger';
import { Instruments } from '../../src/metrics/instruments.generated';
import { PrometheusSink } from '../../src/metrics/prometheus-sink';
import { openPostgres } from '../../src/stores/postgres/pg';
import { openPGlite } from '../../src/stores/postgres/pglite';
import type { ControlPlaneDb } from '../../src/stores/postgres/types';
import { pgliteTemplate, TEST_ROOT, uniqueName, workerDataDir } from './paths';

export const quietLogger = () => createLogger('silent');

/**
 * The control plane of the collectors tests build (`testConfig`): the embedded default, PGlite, unless
 * ARM_TEST_CONTROL_PLANE=postgres gives each a database of its own on the machine's PostgreSQL.
 * CI runs its first pass on PostgreSQL and the Node 24 pass on PGlite, so every API suite meets both.
 */
export const TEST_CONTROL_PLANE: 'pglite' | 'postgres' = process.env.ARM_TEST_CONTROL_PLANE === 'postgres' ? 'postgres' : 'pglite';
/** Its name, for test titles: which engine a suite ran on is in its report. */
export const CONTROL_PLANE = TEST_CONTROL_PLANE === 'postgres' ? 'PostgreSQL' : 'PGlite';

/**
 * A collector config on this worker's data directory with a ClickHouse database of its own, and
 * the run's control plane (above) unless `env` names one (`ARM_POSTGRES_URL: ''` is PGlite).
 */
export function testConfig(env: Record<string, string> = {}): Config {
  const controlPlane = TEST_CONTROL_PLANE === 'postgres' && !('ARM_POSTGRES_URL' in env) ? { ARM_POSTGRES_URL: createTestDatabase() } : {};
  const config = loadConfig({ ARM_DATA_DIR: workerDataDir(), ARM_CLICKHOUSE_DATABASE: uniqueName('t'), ARM_PORT: '0', ...controlPlane, ...env });
  if (!config.postgresUrl) seedPGlite(join(config.dataDir, 'pglite'));
  return config;
}

/**
 * Gives `dir` a copy of the run's initialised PGlite cluster (see `pgliteTemplate`) unless it
 * holds one already, so opening it skips initdb; migrations still run as on a first start.
 * Without the template (a run without the global setup) PGlite initialises it as usual.
 */
export function seedPGlite(dir: string): string {
  if (!existsSync(join(dir, 'PG_VERSION')) && existsSync(join(pgliteTemplate(), 'PG_VERSION'))) cpSync(pgliteTemplate(), dir, { recursive: true });
  return dir;
}

/** A PGlite of its own, empty and unmigrated, in a directory `drop` removes. */
export async function freshPGlite(): Promise<{ db: ControlPlaneDb; drop(): Promise<void> }> {
  const dir = seedPGlite(join(TEST_ROOT, uniqueName('pglite')));
  const db = await openPGlite(dir);
  return {
    db,
    async drop() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function testMetrics(): { sink: PrometheusSink; metrics: Instruments } {
  const sink = new PrometheusSink({ processMetrics: false });
  return { sink, metrics: new Instruments(sink) };
}

export const ADMIN_URL = process.env.ARM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const unreachable = (why: string) =>
  new Error(
    `PostgreSQL is not reachable at ${ADMIN_URL} (${why}). ` +
      'Start it with `pg_ctlcluster 15 main start` (.ci/run does), or point ARM_TEST_POSTGRES_URL at a server where this user may create databases.',
  );

/** Databases `testConfig` makes are named for the run (its scratch directory's), so the global teardown drops this run's alone. */
export const testDatabasePrefix = (root = TEST_ROOT) => `arm_cp_${basename(root).replace(/[^A-Za-z0-9]/g, '').slice(-8).toLowerCase()}_`;

/** The URL of a new, empty database on the machine's PostgreSQL, made at once (a config is built synchronously); the global teardown drops it. */
function createTestDatabase(): string {
  const name = `${testDatabasePrefix()}${uniqueName('c')}`;
  try {
    execFileSync('createdb', [`--maintenance-db=${ADMIN_URL}`, name], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw unreachable(String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim());
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new, empty database on the machine's PostgreSQL; `drop` removes it. */
export async function freshPostgres(): Promise<{ db: ControlPlaneDb; url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw unreachable((err as Error).message);
  }
  const name = uniqueName('arm_test');
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), 4);
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Both engines of the control-plane role, each opened empty, for `describe.each`. */
export const controlPlaneEngines: [string, () => Promise<{ db: ControlPlaneDb; drop(): Promise<void> }>][] = [
  ['PGlite', freshPGlite],
  ['PostgreSQL', freshPostgres],
];
