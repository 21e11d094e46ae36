import { readMigrations, type Migration } from '@ai-arm/schemas';
import { migratePostgres } from '../../src/stores/postgres/migrate';
import type { ControlPlaneDb } from '../../src/stores/postgres/types';
import { controlPlaneEngines as engines } from '../support/stores';
import { systemDb } from '../support/system-db';

/** The same migrations and the same queries, on both engines of the control-plane role. */
describe.each(engines)('control-plane store on %s', (_engine, open) => {
  let db: ControlPlaneDb;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await open());
    // The engines' own behaviour, not tenant scope (test/stores/tenant-scope.test.ts has that).
    db = systemDb(db);
  });
  afterAll(() => drop());

  it('applies every migration once and records it', async () => {
    const first = await migratePostgres(db);
    expect(first.applied).toEqual(readMigrations('postgres').map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`));
    const again = await migratePostgres(db);
    expect(again.applied).toEqual([]);
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(readMigrations('postgres').map((m) => m.version));
  });

  it('refuses a migration edited after it was applied', async () => {
    const edited: Migration[] = readMigrations('postgres').map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
    await expect(migratePostgres(db, edited)).rejects.toThrow(/001_control_plane changed after it was applied/);
  });

  it('answers the same types on both engines (int8 as number, numeric as string, jsonb as object)', async () => {
    const [row] = await db.query<Record<string, unknown>>(
      "SELECT count(*) AS n, 12.5::numeric(12,6) AS amount, '{\"a\":1}'::jsonb AS doc, now() AS at, gen_random_uuid() AS id",
    );
    expect(typeof row!.n).toBe('number');
    expect(row!.amount).toBe('12.500000');
    expect(row!.doc).toEqual({ a: 1 });
    expect(row!.at).toBeInstanceOf(Date);
    expect(row!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps each organisation to its own rows and enforces the schema rules', async () => {
    const [a] = await db.query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('A', 'org-a') RETURNING id");
    const [b] = await db.query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('B', 'org-b') RETURNING id");
    const insertAgent = (org: string, vendorId: string, vendor = 'OPENAI') =>
      db.query('INSERT INTO agents (organization_id, vendor, vendor_agent_id, name, type) VALUES ($1, $2, $3, $4, $5)', [org, vendor, vendorId, `agent ${vendorId}`, 'ASSISTANT']);
    await insertAgent(a!.id, 'asst_1');
    await insertAgent(a!.id, 'asst_2');
    await insertAgent(b!.id, 'asst_1'); // same vendor id in another org is a different agent
    const count = (org: string) => db.query<{ n: number }>('SELECT count(*) AS n FROM agents WHERE organization_id = $1', [org]);
    expect((await count(a!.id))[0]!.n).toBe(2);
    expect((await count(b!.id))[0]!.n).toBe(1);
    await expect(insertAgent(a!.id, 'asst_1')).rejects.toThrow(/duplicate key|unique/i);
    await expect(insertAgent(a!.id, 'asst_9', 'IBM')).rejects.toThrow(/check constraint/i);
  });

  it('rolls a failed transaction back whole', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO organizations (name, slug) VALUES ('C', 'org-c')");
        await tx.query("INSERT INTO organizations (name, slug) VALUES ('C again', 'org-c')");
      }),
    ).rejects.toThrow();
    expect(await db.query("SELECT 1 FROM organizations WHERE slug = 'org-c'")).toEqual([]);
    const id = await db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('D', 'org-d') RETURNING id");
      return row!.id;
    });
    expect(await db.query('SELECT slug FROM organizations WHERE id = $1', [id])).toEqual([{ slug: 'org-d' }]);
  });
});
