import { appendAudit, type AuditContext } from '../../src/audit/log';
import { verifyChain } from '../../src/audit/verify';
import { systemPrincipal } from '../../src/auth/principal';
import { migratePostgres } from '../../src/stores/postgres/migrate';
import { openPGlite } from '../../src/stores/postgres/pglite';
import type { ControlPlaneDb } from '../../src/stores/postgres/types';
import { freshPostgres } from '../support/stores';

const engines: [string, () => Promise<{ db: ControlPlaneDb; close(): Promise<void> }>][] = [
  ['PGlite', async () => {
    const db = await openPGlite(null);
    return { db, close: () => db.close() };
  }],
  ['PostgreSQL', async () => {
    const pg = await freshPostgres();
    return { db: pg.db, close: () => pg.drop() };
  }],
];

describe.each(engines)('audit trail hash chain on %s', (_engine, open) => {
  let db: ControlPlaneDb;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
    await migratePostgres(db);
  });
  afterAll(async () => close());

  const newOrg = async () => (await db.query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('o', 'o-' || gen_random_uuid()) RETURNING id"))[0]!.id;
  const ctx = (org: string): AuditContext => ({ principal: systemPrincipal(org), ipAddress: '10.0.0.1', userAgent: 'jest', requestId: 'r1' });
  const write = async (org: string, n: number) => {
    for (let i = 0; i < n; i++) {
      await db.transaction((tx) => appendAudit(tx, ctx(org), { action: 'thing.update', resourceType: 'thing', resourceId: `t${i}`, before: { n: i, nested: { b: 1, a: [1, 2] } }, after: { n: i + 1, password: 'hunter2' } }));
    }
  };
  const tamper = (sql: string, params: unknown[]) =>
    db.transaction(async (tx) => {
      // What someone with the database's owner rights can do; the chain still tells.
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await tx.query(sql, params);
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });

  it('links every record to the one before, and verifies', async () => {
    const org = await newOrg();
    await write(org, 5);
    const rows = await db.query<{ sequence: string; prev_hash: string; hash: string; after: { password: string } }>('SELECT sequence, prev_hash, hash, after FROM audit_log WHERE organization_id = $1 ORDER BY sequence', [org]);
    expect(rows.map((r) => Number(r.sequence))).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(rows[0]!.after.password).toBe('[redacted]');
    expect(await verifyChain(db, org)).toEqual({ ok: true, checked: 5, head: { sequence: 5, hash: rows[4]!.hash }, firstBroken: null });
  });

  it('is append-only: an UPDATE or DELETE through the database fails', async () => {
    const org = await newOrg();
    await write(org, 1);
    await expect(db.query("UPDATE audit_log SET action = 'x' WHERE organization_id = $1", [org])).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log WHERE organization_id = $1', [org])).rejects.toThrow(/append-only/);
    // Wiping the whole table would leave a "valid" empty chain: refused too.
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  });

  it('finds an edited record', async () => {
    const org = await newOrg();
    await write(org, 6);
    await tamper("UPDATE audit_log SET after = '{\"n\": 99}' WHERE organization_id = $1 AND sequence = 4", [org]);
    expect(await verifyChain(db, org)).toEqual({ ok: false, checked: 3, head: null, firstBroken: { sequence: 4, reason: 'altered', message: 'record 4 was altered after it was written' } });
  });

  it('keeps the Grafana user a key acted for beside the entry\'s own metadata, under the hash', async () => {
    const org = await newOrg();
    const viaGrafana: AuditContext = { ...ctx(org), grafanaUser: 'alice' };
    await db.transaction((tx) => appendAudit(tx, viaGrafana, { action: 'budget.create', resourceType: 'budget', resourceId: 'b1', metadata: { source: 'api' } }));
    await db.transaction((tx) => appendAudit(tx, ctx(org), { action: 'budget.delete', resourceType: 'budget', resourceId: 'b1' }));
    const rows = await db.query<{ metadata: Record<string, unknown> }>('SELECT metadata FROM audit_log WHERE organization_id = $1 ORDER BY sequence', [org]);
    expect(rows.map((r) => r.metadata)).toEqual([{ source: 'api', grafanaUser: 'alice' }, {}]);
    expect((await verifyChain(db, org)).ok).toBe(true);
    // Pinning the change on someone else is an alteration like any other.
    await tamper(`UPDATE audit_log SET metadata = '{"source": "api", "grafanaUser": "bob"}' WHERE organization_id = $1 AND sequence = 1`, [org]);
    expect((await verifyChain(db, org)).firstBroken).toEqual(expect.objectContaining({ sequence: 1, reason: 'altered' }));
  });

  it('finds a deleted record', async () => {
    const org = await newOrg();
    await write(org, 6);
    await tamper('DELETE FROM audit_log WHERE organization_id = $1 AND sequence = 2', [org]);
    const result = await verifyChain(db, org);
    expect(result.firstBroken).toEqual({ sequence: 2, reason: 'missing', message: 'record 2 is missing: the chain jumps from 1 to 3' });
  });

  it('finds a record re-hashed to hide an edit, at the next link', async () => {
    const org = await newOrg();
    await write(org, 4);
    // Editing and recomputing record 2's own hash still leaves record 3 pointing at the old one.
    await tamper("UPDATE audit_log SET hash = repeat('a', 64) WHERE organization_id = $1 AND sequence = 2", [org]);
    const result = await verifyChain(db, org);
    expect(result.ok).toBe(false);
    expect(result.firstBroken!.sequence).toBe(2);
  });

  it('keeps one chain per organisation under concurrent appends', async () => {
    const org = await newOrg();
    await Promise.all(Array.from({ length: 8 }, () => write(org, 2)));
    expect(await verifyChain(db, org)).toEqual(expect.objectContaining({ ok: true, checked: 16, firstBroken: null, head: expect.objectContaining({ sequence: 16 }) }));
  });
});
