import { readMigrations } from '@ai-arm/schemas';
import { assertUnchanged, migrationLabel, type MigrationReport } from '../postgres/migrate';
import { asSystem } from '../tenant-scope';
import type { TelemetryDb } from './client';

/**
 * ClickHouse DDL is not transactional, so every statement in a ClickHouse migration is
 * idempotent (IF NOT EXISTS): a run cut short re-applies safely, and the record is
 * written only after the last statement.
 */
export function migrateClickHouse(db: TelemetryDb, migrations = readMigrations('clickhouse')): Promise<MigrationReport> {
  return asSystem('migrations change every organisation\'s tables', () => migrate(db, migrations));
}

async function migrate(db: TelemetryDb, migrations: ReturnType<typeof readMigrations>): Promise<MigrationReport> {
  await db.command(`CREATE TABLE IF NOT EXISTS {db:Identifier}.schema_migrations (
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
  ) ENGINE = ReplacingMergeTree(applied_at) ORDER BY version`);
  const rows = await db.query<{ version: number; checksum: string }>(
    'SELECT version, argMin(checksum, applied_at) AS checksum FROM {db:Identifier}.schema_migrations GROUP BY version',
  );
  const recorded = new Map(rows.map((r) => [Number(r.version), r.checksum]));
  const applied: string[] = [];
  for (const m of migrations) {
    const checksum = recorded.get(m.version);
    if (checksum !== undefined) {
      assertUnchanged(m, checksum);
      continue;
    }
    for (const statement of splitStatements(m.sql)) await db.command(statement);
    await db.insert('schema_migrations', [{ version: m.version, name: m.name, checksum: m.checksum }]);
    applied.push(migrationLabel(m));
  }
  return { applied, current: migrations.length };
}

/** Statements end with `;` at the end of a line; `--` comment lines are dropped. */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.split('\n').filter((line) => !line.trim().startsWith('--')).join('\n').trim())
    .filter(Boolean);
}
