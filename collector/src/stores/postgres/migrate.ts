import { readMigrations, type Migration } from '@ai-arm/schemas';
import { asSystem } from '../tenant-scope';
import type { ControlPlaneDb } from './types';

/** Any constant both engines share: serialises migration runs of collectors starting together. */
const MIGRATION_LOCK = 7_231_001;

export interface MigrationReport {
  applied: string[];
  current: number;
}

export const migrationLabel = (m: Pick<Migration, 'version' | 'name'>) => `${String(m.version).padStart(3, '0')}_${m.name}`;

/** Applies pending migrations, each in its own transaction together with its record. */
export function migratePostgres(db: ControlPlaneDb, migrations = readMigrations('postgres')): Promise<MigrationReport> {
  return asSystem('migrations change every organisation\'s tables', () => migrate(db, migrations));
}

async function migrate(db: ControlPlaneDb, migrations: Migration[]): Promise<MigrationReport> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: string[] = [];
  for (const m of migrations) {
    const didApply = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const [row] = await tx.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE version = $1', [m.version]);
      if (row) {
        assertUnchanged(m, row.checksum);
        return false;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      return true;
    });
    if (didApply) applied.push(migrationLabel(m));
  }
  return { applied, current: migrations.length };
}

export function assertUnchanged(m: Migration, recorded: string): void {
  if (recorded !== m.checksum) {
    throw new Error(`migration ${migrationLabel(m)} changed after it was applied (checksum differs): add a new migration instead of editing it`);
  }
}
