import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useAuditKey } from '../../src/audit/chain';
import { exportChainHeads, HEADS_FILE } from '../../src/audit/heads';
import { appendAudit } from '../../src/audit/log';
import { systemPrincipal } from '../../src/auth/principal';
import { runAudit } from '../../src/cli/audit';
import { openStores } from '../../src/stores';
import { uniqueName } from '../support/paths';
import { freshPostgres, quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb } from '../support/system-db';

const KEY_HEX = 'ab'.repeat(32);

describe.each([['PGlite'], ['PostgreSQL']])('ai-arm audit verify --heads on %s', (engine) => {
  let dir: string;
  let pg: Awaited<ReturnType<typeof freshPostgres>> | null = null;
  const out: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arm-audit-cli-'));
    if (engine === 'PostgreSQL') pg = await freshPostgres();
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    useAuditKey(null);
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes while the chain reaches its exported head, fails once the newest records are deleted', async () => {
    const config = testConfig({ ARM_AUDIT_HMAC_KEY: KEY_HEX, ARM_AUDIT_HEAD_EXPORT_DIR: dir, ...(pg ? { ARM_POSTGRES_URL: pg.url } : {}) });
    const slug = uniqueName('org').replace(/_/g, '-');
    const stores = await openStores(config, testMetrics().metrics, quietLogger());
    try {
      const [{ id: org }] = (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [slug])) as [{ id: string }];
      useAuditKey(config.audit.hmacKey);
      for (const name of ['a', 'b', 'c', 'd']) {
        await systemDb(stores.controlPlane).transaction((tx) => appendAudit(tx, { principal: systemPrincipal(org), ipAddress: null, userAgent: null, requestId: name }, { action: 'thing.create', resourceType: 'thing', resourceId: name }));
      }
      await exportChainHeads(stores.controlPlane, { key: config.audit.hmacKey, dir, logger: quietLogger() });
    } finally {
      await stores.close();
    }
    const heads = join(dir, HEADS_FILE);

    out.length = 0;
    expect(await runAudit(config, ['verify', '--organization', slug, '--heads', heads])).toBe(0);
    expect(out).toEqual([expect.stringMatching(new RegExp(`^${slug}: 4 record\\(s\\), chain intact; head 4 [0-9a-f]{64}; HMACs checked$`))]);

    const again = await openStores(config, testMetrics().metrics, quietLogger());
    try {
      await systemDb(again.controlPlane).transaction(async (tx) => {
        await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
        await tx.query('DELETE FROM audit_log WHERE organization_id = (SELECT id FROM organizations WHERE slug = $1) AND sequence >= 3', [slug]);
        await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      });
    } finally {
      await again.close();
    }
    out.length = 0;
    // Without the head the shorter chain looks whole; with it, the deletion shows.
    expect(await runAudit(config, ['verify', '--organization', slug])).toBe(0);
    expect(await runAudit(config, ['verify', '--organization', slug, '--heads', heads])).toBe(1);
    expect(out[1]).toBe(`${slug}: BROKEN at record 3 (truncated): the chain ends at record 2, but an exported head names record 4: the newest records were deleted; 2 record(s) before it verified`);

    // Heads signed under another key are refused rather than trusted.
    out.length = 0;
    expect(await runAudit(testConfig({ ARM_AUDIT_HMAC_KEY: 'cd'.repeat(32), ...(pg ? { ARM_POSTGRES_URL: pg.url } : {}) }), ['verify', '--organization', slug, '--heads', heads])).toBe(1);
    expect(out).toEqual([expect.stringMatching(/signature does not match ARM_AUDIT_HMAC_KEY/)]);
  });
});
