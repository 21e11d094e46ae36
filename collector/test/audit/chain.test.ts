import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { recordHash, useAuditKey } from '../../src/audit/chain';
import { chainHeads, exportChainHeads, HEADS_FILE, readChainHeads } from '../../src/audit/heads';
import { appendAudit, chainedFields, type AuditContext, type AuditRow } from '../../src/audit/log';
import { verifyChain } from '../../src/audit/verify';
import { systemPrincipal } from '../../src/auth/principal';
import { migratePostgres } from '../../src/stores/postgres/migrate';
import type { ControlPlaneDb } from '../../src/stores/postgres/types';
import { freshPGlite, freshPostgres } from '../support/stores';
import { systemDb } from '../support/system-db';

const engines: [string, () => Promise<{ db: ControlPlaneDb; close(): Promise<void> }>][] = [
  ['PGlite', async () => {
    const pglite = await freshPGlite();
    return { db: pglite.db, close: () => pglite.drop() };
  }],
  ['PostgreSQL', async () => {
    const pg = await freshPostgres();
    return { db: pg.db, close: () => pg.drop() };
  }],
];

describe.each(engines)('audit trail hash chain on %s', (_engine, open) => {
  let db: ControlPlaneDb;
  let raw: ControlPlaneDb;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db: raw, close } = await open());
    // The chain's own rules, on the tables directly: as the owner, across organisations. The
    // head export acts for each organisation itself, so it gets the store as it is.
    db = systemDb(raw);
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
    expect(await verifyChain(db, org)).toEqual({ ok: true, checked: 5, keyed: false, head: { sequence: 5, hash: rows[4]!.hash }, firstBroken: null });
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
    expect(await verifyChain(db, org)).toEqual({ ok: false, checked: 3, keyed: false, head: null, firstBroken: { sequence: 4, reason: 'altered', message: 'record 4 was altered after it was written' } });
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

  describe('keyed with ARM_AUDIT_HMAC_KEY, with exported heads', () => {
    const KEY = Buffer.alloc(32, 7);
    const OTHER_KEY = Buffer.alloc(32, 9);
    afterEach(() => useAuditKey(null));

    /**
     * What someone with the database's owner rights and the source code can do: edit a record
     * and recompute every hash from there, so the plain chain verifies again. Without the key
     * the HMACs can only be left as they were or removed.
     */
    const rewrite = (org: string, from: number, hmacs: 'keep' | 'drop') =>
      db.transaction(async (tx) => {
        await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
        const rows = await tx.query<AuditRow>('SELECT * FROM audit_log WHERE organization_id = $1 ORDER BY sequence', [org]);
        let prev = rows[from - 2]?.hash ?? '0'.repeat(64);
        for (const r of rows.slice(from - 1)) {
          const after = Number(r.sequence) === from ? { n: 0, note: 'nothing happened here' } : r.after;
          const hash = recordHash(prev, chainedFields({ ...r, after, prev_hash: prev }));
          await tx.query('UPDATE audit_log SET after = $3, prev_hash = $4, hash = $5, hmac = $6 WHERE organization_id = $1 AND sequence = $2', [
            org, r.sequence, JSON.stringify(after), prev, hash, hmacs === 'keep' ? r.hmac : null,
          ]);
          prev = hash;
        }
        await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      });

    it('a chain recomputed without the key verifies as a plain chain, but not with the key', async () => {
      useAuditKey(KEY);
      const org = await newOrg();
      await write(org, 5);
      expect(await verifyChain(db, org, { key: KEY })).toEqual(expect.objectContaining({ ok: true, checked: 5, keyed: true, firstBroken: null }));
      await rewrite(org, 3, 'keep');
      expect((await verifyChain(db, org)).ok).toBe(true);
      expect(await verifyChain(db, org, { key: KEY })).toEqual({
        ok: false, checked: 2, keyed: true, head: null,
        firstBroken: { sequence: 3, reason: 'forged', message: "record 3's HMAC does not match: the chain was rewritten without ARM_AUDIT_HMAC_KEY (or under another key)" },
      });
    });

    it('a recomputed chain stripped of its HMACs fails too: the newest record must be keyed', async () => {
      useAuditKey(KEY);
      const org = await newOrg();
      await write(org, 4);
      await rewrite(org, 1, 'drop');
      expect((await verifyChain(db, org)).ok).toBe(true);
      expect((await verifyChain(db, org, { key: KEY })).firstBroken).toEqual(expect.objectContaining({ sequence: 4, reason: 'unsigned' }));
      // Under another key nothing verifies.
      const other = await newOrg();
      await write(other, 2);
      expect((await verifyChain(db, other, { key: OTHER_KEY })).firstBroken).toEqual(expect.objectContaining({ sequence: 1, reason: 'forged' }));
    });

    it('seals a chain written before the key was set at the next head export, and then vouches for all of it', async () => {
      const org = await newOrg();
      await write(org, 3);
      useAuditKey(KEY);
      expect((await verifyChain(db, org, { key: KEY })).firstBroken).toEqual(expect.objectContaining({ sequence: 3, reason: 'unsigned' }));
      const head = (await chainHeads(raw, KEY)).find((h) => h.organizationId === org)!;
      expect(head).toEqual(expect.objectContaining({ sequence: 4, hmac: expect.stringMatching(/^[0-9a-f]{64}$/), signature: expect.stringMatching(/^[0-9a-f]{64}$/) }));
      const [seal] = await db.query<{ action: string; actor_type: string; metadata: unknown }>('SELECT action, actor_type, metadata FROM audit_log WHERE organization_id = $1 AND sequence = 4', [org]);
      expect(seal).toEqual({ action: 'audit.seal', actor_type: 'SYSTEM', metadata: { sealedThrough: 3 } });
      expect(await verifyChain(db, org, { key: KEY })).toEqual(expect.objectContaining({ ok: true, checked: 4, keyed: true }));
      // The unkeyed records are covered by the seal's hash: editing one is still found.
      await rewrite(org, 2, 'keep');
      expect((await verifyChain(db, org, { key: KEY })).firstBroken).toEqual(expect.objectContaining({ sequence: 4, reason: 'forged' }));
    });

    it('an exported head catches the newest records deleted; untouched, the chain reaches it', async () => {
      useAuditKey(KEY);
      const org = await newOrg();
      await write(org, 6);
      const dir = mkdtempSync(join(tmpdir(), 'arm-heads-'));
      try {
        const lines: string[] = [];
        const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
        await exportChainHeads(raw, { key: KEY, dir, logger });
        await write(org, 1);
        await exportChainHeads(raw, { key: KEY, dir, logger });
        const file = join(dir, HEADS_FILE);
        const head = (await readChainHeads(file, KEY)).get(org)!;
        expect(head).toEqual(expect.objectContaining({ organizationId: org, sequence: 7, exportedAt: expect.stringMatching(/Z$/) }));
        expect(await verifyChain(db, org, { key: KEY, exportedHead: head })).toEqual(expect.objectContaining({ ok: true, checked: 7, head: { sequence: 7, hash: head.hash } }));
        // Unset, the heads go to the log instead.
        await exportChainHeads(raw, { key: KEY, dir: null, logger });
        expect(lines.join('')).toContain(head.hash);

        await tamper('DELETE FROM audit_log WHERE organization_id = $1 AND sequence >= 6', [org]);
        // The chain that is left is intact and keyed: only the head tells.
        expect((await verifyChain(db, org, { key: KEY })).ok).toBe(true);
        expect(await verifyChain(db, org, { key: KEY, exportedHead: head })).toEqual({
          ok: false, checked: 5, keyed: true, head: null,
          firstBroken: { sequence: 6, reason: 'truncated', message: 'the chain ends at record 5, but an exported head names record 7: the newest records were deleted' },
        });

        // A head edited to match the shorter chain no longer carries a valid signature.
        const edited = readFileSync(file, 'utf8').replace(`"sequence":7`, `"sequence":5`);
        writeFileSync(file, edited);
        await expect(readChainHeads(file, KEY)).rejects.toThrow(/signature does not match ARM_AUDIT_HMAC_KEY/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
