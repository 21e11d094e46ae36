import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMAS_ROOT } from './paths';

export type MigrationEngine = 'postgres' | 'clickhouse';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** sha256 of the file: a migration edited after it was applied is refused at start. */
  checksum: string;
}

const FILE = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

export function migrationsDir(engine: MigrationEngine): string {
  return join(SCHEMAS_ROOT, engine);
}

/** Numbered migrations of one engine, in order; a gap or a duplicate number is an error. */
export function readMigrations(engine: MigrationEngine, dir = migrationsDir(engine)): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const m = FILE.exec(file);
      if (!m) throw new Error(`${engine} migration ${file} must be named NNN_snake_name.sql`);
      const sql = readFileSync(join(dir, file), 'utf8');
      return { version: Number(m[1]), name: m[2] as string, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`${engine} migrations must be numbered 1..n without gaps; found ${m.version} at position ${i + 1}`);
  });
  return migrations;
}
