import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMigrations } from '../src/migrations';

const dirWith = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
};

describe('migrations', () => {
  it('reads numbered files in order with a checksum each', () => {
    const ms = readMigrations('postgres', dirWith({ '002_b.sql': 'select 2;', '001_a.sql': 'select 1;' }));
    expect(ms.map((m) => [m.version, m.name])).toEqual([[1, 'a'], [2, 'b']]);
    expect(ms[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(ms[0]!.checksum).not.toBe(ms[1]!.checksum);
  });

  it('refuses a gap, a duplicate number and a badly named file', () => {
    expect(() => readMigrations('postgres', dirWith({ '001_a.sql': '', '003_c.sql': '' }))).toThrow(/without gaps/);
    expect(() => readMigrations('postgres', dirWith({ '001_a.sql': '', '001_b.sql': '' }))).toThrow(/without gaps/);
    expect(() => readMigrations('postgres', dirWith({ '1-a.sql': '' }))).toThrow(/NNN_snake_name/);
  });

  // MODIFY SETTING sets values, so applying it twice is the same as once.
  it('every ClickHouse statement is idempotent, since its DDL has no transactions', () => {
    for (const m of readMigrations('clickhouse')) {
      const statements = m.sql.split(/;\s*\n/).map((s) => s.replace(/^--.*$/gm, '').trim()).filter(Boolean);
      for (const s of statements) expect(s).toMatch(/^(CREATE (TABLE|DATABASE|MATERIALIZED VIEW|VIEW|DICTIONARY) IF NOT EXISTS|ALTER TABLE .* (ADD|DROP|MODIFY) \w+ IF (NOT )?EXISTS|ALTER TABLE \S+ MODIFY SETTING )/s);
      for (const s of statements) expect(s).toContain('{db:Identifier}.');
    }
  });

  it('every control-plane table but organizations carries organization_id', () => {
    for (const m of readMigrations('postgres')) {
      for (const [, table, body] of m.sql.matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\);/g)) {
        if (table !== 'organizations') expect(`${table}: ${body}`).toMatch(/organization_id uuid NOT NULL/);
      }
    }
  });
});
