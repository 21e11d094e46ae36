import { openTelemetryDb, type TelemetryDb } from '../../src/stores/clickhouse/client';
import { migrateClickHouse } from '../../src/stores/clickhouse/migrate';
import { TENANT_TABLES } from '../../src/stores/clickhouse/scope';
import { migratePostgres } from '../../src/stores/postgres/migrate';
import type { ControlPlaneDb } from '../../src/stores/postgres/types';
import { asSystem, asTenant } from '../../src/stores/tenant-scope';
import { uniqueName } from '../support/paths';
import { controlPlaneEngines as engines, quietLogger, testMetrics } from '../support/stores';
import { BatchWriter } from '../../src/stores/clickhouse/batch-writer';
import { TelemetryReadCache } from '../../src/costs/read-cache';

/**
 * Tenant scope by construction (issue 22, finding 12): a statement reaches an organisation's
 * rows only inside asTenant(that organisation), a forgotten scope fails instead of answering
 * for everyone, and a new tenant table without the guard fails here.
 */

describe.each(engines)('tenant scope on %s', (_engine, open) => {
  let db: ControlPlaneDb;
  let drop: () => Promise<void>;
  let a: string;
  let b: string;
  beforeAll(async () => {
    ({ db, drop } = await open());
    await migratePostgres(db);
    [a, b] = await asSystem('test setup', async () => {
      const ids: string[] = [];
      for (const slug of ['org-a', 'org-b']) {
        const [org] = await db.query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [slug]);
        ids.push(org!.id);
        for (const n of [1, 2]) await db.query("INSERT INTO agents (organization_id, vendor, vendor_agent_id, name, type) VALUES ($1, 'OPENAI', $2, $2, 'ASSISTANT')", [org!.id, `${slug}-${n}`]);
      }
      return ids as [string, string];
    });
  });
  afterAll(() => drop());

  it('guards every table that holds an organisation: row-level security on, with a policy', async () => {
    const rows = await asSystem('catalogue', () =>
      db.query<{ table_name: string; guarded: boolean }>(
        `SELECT c.relname AS table_name, c.relrowsecurity AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid) AS guarded
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind = 'r'
            AND (c.relname = 'organizations' OR EXISTS (SELECT 1 FROM pg_attribute t WHERE t.attrelid = c.oid AND t.attname = 'organization_id' AND NOT t.attisdropped))`,
      ),
    );
    expect(rows.length).toBeGreaterThanOrEqual(14);
    expect(rows.filter((r) => !r.guarded).map((r) => r.table_name)).toEqual([]);
  });

  it('fails a statement on a tenant table that runs without a scope, even one naming its organisation', async () => {
    await expect(db.query('SELECT count(*) FROM agents WHERE organization_id = $1', [a])).rejects.toThrow(/tenant scope missing/);
    await expect(db.transaction((tx) => tx.query('SELECT * FROM budgets'))).rejects.toThrow(/tenant scope missing/);
    await expect(db.query('SELECT * FROM organizations')).rejects.toThrow(/tenant scope missing/);
    // What is not a tenant's works as before.
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('shows a tenant only its own rows, whatever the statement forgets to say', async () => {
    const names = await asTenant(a, () => db.query<{ name: string }>('SELECT name FROM agents ORDER BY name'));
    expect(names.map((r) => r.name)).toEqual(['org-a-1', 'org-a-2']);
    expect(await asTenant(b, () => db.query('SELECT * FROM agents WHERE organization_id = $1', [a]))).toEqual([]);
    expect(await asTenant(a, () => db.query<{ id: string }>('SELECT id FROM organizations'))).toEqual([{ id: a }]);
    // An update or delete without a WHERE touches the tenant's rows only.
    await asTenant(a, () => db.query("UPDATE agents SET last_error = 'touched'"));
    const touched = await asSystem('check', () => db.query<{ organization_id: string }>("SELECT DISTINCT organization_id FROM agents WHERE last_error = 'touched'"));
    expect(touched).toEqual([{ organization_id: a }]);
  });

  it("refuses to write a row into another organisation, in a statement or a transaction", async () => {
    await expect(asTenant(a, () => db.query("INSERT INTO agents (organization_id, vendor, vendor_agent_id, name, type) VALUES ($1, 'OPENAI', 'x', 'x', 'ASSISTANT')", [b]))).rejects.toThrow(/row-level security/);
    await expect(asTenant(a, () => db.transaction((tx) => tx.query('UPDATE agents SET organization_id = $1', [b])))).rejects.toThrow(/row-level security/);
    const counts = await asSystem('check', () => db.query<{ organization_id: string; n: number }>('SELECT organization_id, count(*) AS n FROM agents GROUP BY 1 ORDER BY 1'));
    expect(counts.map((r) => Number(r.n))).toEqual([2, 2]);
  });

  it('keeps scopes apart when tenants interleave on the same sessions', async () => {
    const seen = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b)).map((org) => asTenant(org, async () => ({ org, rows: await db.query<{ organization_id: string }>('SELECT DISTINCT organization_id FROM agents') }))));
    for (const s of seen) expect(s.rows).toEqual([{ organization_id: s.org }]);
  });

  it('lets work across organisations say so, and only then see them all', async () => {
    const rows = await asSystem('test', () => db.query<{ n: number }>('SELECT count(DISTINCT organization_id) AS n FROM agents'));
    expect(Number(rows[0]!.n)).toBe(2);
    expect(() => asTenant("x' OR true --", () => 1)).toThrow(/not an organisation id/);
    // A scope only narrows: code acting for one organisation can neither switch nor widen it.
    expect(() => asTenant(a, () => asTenant(b, () => 1))).toThrow(/tried to act for/);
    expect(() => asTenant(a, () => asSystem('widen', () => 1))).toThrow(/tried to act across organisations/);
    expect(asTenant(a, () => asTenant(a.toUpperCase(), () => 1))).toBe(1);
  });
});

describe('tenant scope on ClickHouse (chdb)', () => {
  let t: TelemetryDb;
  const a = '00000000-0000-4000-8000-00000000000a';
  const b = '00000000-0000-4000-8000-00000000000b';
  beforeAll(async () => {
    t = await openTelemetryDb({ url: null, dataDir: null, database: uniqueName('scope') });
    await migrateClickHouse(t);
    const row = (org: string, model: string) => ({ organization_id: org, connection_id: org, vendor: 'OPENAI', bucket_start: '2026-11-01 00:00:00', bucket_width: '1h', model, input_tokens: 10 });
    await t.insert('vendor_usage', [row(a, 'gpt-a'), row(b, 'gpt-b')]);
  });
  afterAll(() => t.close());

  it('knows every table that holds an organisation', async () => {
    const tables = await asSystem('catalogue', () =>
      t.query<{ table: string }>("SELECT DISTINCT table FROM system.columns WHERE database = {db:String} AND name IN ('organization_id', 'OrganizationId') ORDER BY table", { db: t.database }),
    );
    expect(tables.map((r) => r.table)).toEqual(Object.keys(TENANT_TABLES).sort());
  });

  it('fails a read of a tenant table without a scope', async () => {
    await expect(t.query('SELECT model FROM {db:Identifier}.vendor_usage WHERE organization_id = {org:UUID}', { org: a })).rejects.toThrow(/tenant scope missing/);
  });

  it('adds the organisation to every read of a tenant table: plain, in a subquery and in a join', async () => {
    const plain = await asTenant(a, () => t.query<{ model: string }>('SELECT model FROM {db:Identifier}.vendor_usage'));
    expect(plain).toEqual([{ model: 'gpt-a' }]);
    const nested = await asTenant(b, () => t.query<{ n: number }>('SELECT count() AS n FROM (SELECT model FROM {db:Identifier}.vendor_usage) AS u JOIN {db:Identifier}.vendor_usage AS v USING (model)'));
    expect(Number(nested[0]!.n)).toBe(1);
    expect(await asTenant(b, () => t.query('SELECT model FROM {db:Identifier}.vendor_usage WHERE organization_id = {org:UUID}', { org: a }))).toEqual([]);
  });

  it('keeps each statement to its own scope when tenants and the system interleave (chdb sets settings per session)', async () => {
    const runs = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? null : i % 3 === 1 ? a : b));
    const seen = await Promise.all(
      runs.map(async (org) => {
        const read = () => t.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.vendor_usage');
        return { org, n: Number((await (org ? asTenant(org, read) : asSystem('test', read)))[0]!.n) };
      }),
    );
    for (const s of seen) expect(s.n).toBe(s.org ? 1 : 2);
  });

  it("refuses a tenant's write of another organisation's rows, direct or through the batch writer", async () => {
    const row = { organization_id: b, connection_id: b, vendor: 'OPENAI', bucket_start: '2026-11-02 00:00:00', bucket_width: '1h', model: 'stray', input_tokens: 1 };
    await expect(asTenant(a, () => t.insert('vendor_usage', [row]))).rejects.toThrow(/tried to write a vendor_usage row of/);
    const { metrics } = testMetrics();
    const writer = new BatchWriter(t, { batchSize: 100, flushMs: 60_000, maxRetries: 0 }, metrics, quietLogger());
    expect(() => asTenant(a, () => writer.write('vendor_usage', [row]))).toThrow(/tried to write/);
    expect(writer.buffered()).toBe(0);
    await writer.close();
  });

  it("never answers one organisation's read from another's cached one", async () => {
    const cache = new TelemetryReadCache(t, ['vendor_usage']);
    const sql = 'SELECT model FROM {db:Identifier}.vendor_usage WHERE organization_id = {org:UUID}';
    expect(await asTenant(a, () => cache.query(sql, { org: a }))).toEqual([{ model: 'gpt-a' }]);
    expect(await asTenant(b, () => cache.query(sql, { org: a }))).toEqual([]);
  });

  it("refuses a tenant's command on a tenant table unless it names that tenant", async () => {
    await expect(asTenant(a, () => t.command('DELETE FROM {db:Identifier}.vendor_usage WHERE model = {m:String}', { m: 'gpt-b' }))).rejects.toThrow(/must name it/);
    await expect(asTenant(a, () => t.command('DELETE FROM {db:Identifier}.vendor_usage WHERE organization_id = {org:UUID}', { org: b }))).rejects.toThrow(/must name it/);
    await expect(t.command('DELETE FROM {db:Identifier}.vendor_usage WHERE organization_id = {org:UUID}', { org: a })).rejects.toThrow(/tenant scope missing/);
    const left = await asSystem('check', () => t.query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.vendor_usage'));
    expect(Number(left[0]!.n)).toBe(2);
  });
});
