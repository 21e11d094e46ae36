import { join } from 'node:path';
import type { StoreStatus } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { Config } from '../config/env';
import { redactUrl } from '../logger';
import type { Instruments } from '../metrics/instruments.generated';
import { BatchWriter } from './clickhouse/batch-writer';
import { openTelemetryDb, type TelemetryDb } from './clickhouse/client';
import { migrateClickHouse } from './clickhouse/migrate';
import { migratePostgres, type MigrationReport } from './postgres/migrate';
import { openPGlite } from './postgres/pglite';
import { openPostgres } from './postgres/pg';
import type { ControlPlaneDb } from './postgres/types';


export interface Stores {
  controlPlane: ControlPlaneDb;
  telemetry: TelemetryDb;
  writer: BatchWriter;
  migrations: { postgres: MigrationReport; clickhouse: MigrationReport };
  check(): Promise<{ postgres: StoreStatus; clickhouse: StoreStatus }>;
  /** Flushes buffered writes, then closes both stores. */
  close(): Promise<void>;
}

/** Opens both stores (embedded unless a URL says otherwise) and applies pending migrations. */
export async function openStores(config: Config, metrics: Instruments, log: Logger): Promise<Stores> {
  const pgLocation = config.postgresUrl ? redactUrl(config.postgresUrl) : join(config.dataDir, 'pglite');
  const chLocation = config.clickhouseUrl ? redactUrl(config.clickhouseUrl) : join(config.dataDir, 'chdb');
  const controlPlane = config.postgresUrl ? await openPostgres(config.postgresUrl) : await openPGlite(pgLocation);
  let telemetry: TelemetryDb | undefined;
  try {
    telemetry = await openTelemetryDb({ url: config.clickhouseUrl, dataDir: chLocation, database: config.clickhouseDatabase });
    const migrations = { postgres: await migratePostgres(controlPlane), clickhouse: await migrateClickHouse(telemetry) };
    for (const [store, report] of Object.entries(migrations)) {
      if (report.applied.length > 0) log.info({ store, applied: report.applied }, `applied ${report.applied.length} ${store} migration(s)`);
    }
    const writer = new BatchWriter(telemetry, config.write, metrics, log.child({ component: 'clickhouse-writer' }));
    const tdb = telemetry;
    return {
      controlPlane,
      telemetry: tdb,
      writer,
      migrations,
      async check() {
        const [postgres, clickhouse] = await Promise.all([
          probe(controlPlane.engine, pgLocation, migrations.postgres.current, () => controlPlane.query('SELECT 1')),
          probe(tdb.engine, chLocation, migrations.clickhouse.current, () => tdb.query('SELECT 1')),
        ]);
        return { postgres, clickhouse };
      },
      async close() {
        try {
          await writer.close();
        } finally {
          await Promise.allSettled([tdb.close(), controlPlane.close()]);
        }
      },
    };
  } catch (err) {
    await Promise.allSettled([telemetry?.close(), controlPlane.close()]);
    throw err;
  }
}

async function probe(engine: string, location: string, migrations: number, run: () => Promise<unknown>): Promise<StoreStatus> {
  const started = performance.now();
  try {
    await run();
    return { engine, status: 'up', latencyMs: round(performance.now() - started), migrations, location };
  } catch (err) {
    return { engine, status: 'down', latencyMs: round(performance.now() - started), migrations, location, error: (err as Error).message };
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
