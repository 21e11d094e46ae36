import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readMigrations } from '@ai-arm/schemas';
import { main } from '../src/cli/main';
import { startCollector } from '../src/server';
import { startSimulator } from '../src/simulator/server';
import { openStores } from '../src/stores';
import { acquireDataLock, DataDirBusyError, readLiveLock } from '../src/runtime/data-lock';
import { quietLogger, seedPGlite, testConfig, testMetrics } from './support/stores';
import { TEST_ROOT, uniqueName, workerDataDir } from './support/paths';
import { appendAudit } from '../src/audit/log';
import { ensureBootstrapKey } from '../src/auth/bootstrap';
import { systemPrincipal } from '../src/auth/principal';
import { ensureDefaultOrganization } from '../src/poller/organization';
import { openPGlite } from '../src/stores/postgres/pglite';
import { systemDb, systemTelemetry } from './support/system-db';

const ORG = '99999999-9999-4999-8999-999999999999';

describe('collector lifecycle on the embedded stores', () => {
  // PGlite whatever the run's control plane: its data directory is what a restart must keep.
  const config = testConfig({ ARM_POSTGRES_URL: '' });

  it('serves over HTTP, flushes buffered writes on close, and keeps everything across a restart', async () => {
    const first = await startCollector(config, quietLogger());
    const health = await fetch(`${first.url}/api/health`);
    expect(health.status).toBe(200);
    expect(readLiveLock(config.dataDir)).toMatchObject({ pid: process.pid, port: Number(new URL(first.url).port) });

    const slug = uniqueName('org').replace(/_/g, '-');
    await systemDb(first.stores.controlPlane).query('INSERT INTO organizations (id, name, slug) VALUES ($1, $2, $3)', [ORG, 'Restart Co', slug]);
    first.stores.writer.write(
      'agent_health_checks',
      Array.from({ length: 3 }, (_, i) => ({
        organization_id: ORG, agent_id: ORG, id: `00000000-0000-4000-8000-00000000000${i}`, timestamp: '2026-11-25T10:00:00Z',
        status: 'HEALTHY', latency_ms: 1, error_rate: 0, details: '{}',
      })),
    );
    expect(first.stores.writer.buffered()).toBe(3);
    await first.close();
    expect(readLiveLock(config.dataDir)).toBeNull();

    const { metrics } = testMetrics();
    const again = await openStores(config, metrics, quietLogger());
    try {
      expect(again.migrations.postgres.applied).toEqual([]);
      expect(again.migrations.clickhouse.applied).toEqual([]);
      expect(await systemDb(again.controlPlane).query('SELECT slug FROM organizations WHERE id = $1', [ORG])).toEqual([{ slug }]);
      const [row] = await systemTelemetry(again.telemetry).query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.agent_health_checks WHERE organization_id = {org:UUID}', { org: ORG });
      expect(row!.n).toBe(3);
    } finally {
      await again.close();
    }
  });

  it('refuses a data directory held by another live process, and ignores a stale lock', () => {
    const dir = join(workerDataDir(), uniqueName('lock'));
    acquireDataLock(dir, '127.0.0.1', 1).release();
    writeFileSync(join(dir, 'collector.lock'), JSON.stringify({ pid: process.ppid, host: '127.0.0.1', port: 9, startedAt: '' }));
    expect(() => acquireDataLock(dir, '127.0.0.1', 8080)).toThrow(DataDirBusyError);
    writeFileSync(join(dir, 'collector.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: '127.0.0.1', port: 9, startedAt: '' }));
    const lock = acquireDataLock(dir, '0.0.0.0', 8080);
    expect(JSON.parse(readFileSync(join(dir, 'collector.lock'), 'utf8'))).toMatchObject({ pid: process.pid, host: '127.0.0.1' });
    lock.release();
    expect(existsSync(join(dir, 'collector.lock'))).toBe(false);
  });
});

describe('ai-arm CLI, in process', () => {
  const saved = { ...process.env };
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    Object.assign(process.env, { ARM_DATA_DIR: workerDataDir(), ARM_CLICKHOUSE_DATABASE: uniqueName('cli'), ARM_PORT: '0', ARM_LOG_LEVEL: 'error' });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
  });

  it('prints help and refuses an unknown command', async () => {
    expect(await main(['help'])).toBe(0);
    expect(out.join('\n')).toMatch(/start +run the collector/);
    expect(await main(['frobnicate'])).toBe(2);
    expect(err.join('\n')).toMatch(/unknown command "frobnicate"/);
  });

  it('exits 78 with one line naming a bad variable', async () => {
    process.env.ARM_PORT = 'abc';
    expect(await main(['migrate'])).toBe(78);
    expect(err).toEqual(['ai-arm: invalid configuration: ARM_PORT must be an integer from 0 to 65535 (got "abc")']);
  });

  it('migrate applies pending migrations when no collector runs, then has nothing to do', async () => {
    expect(await main(['migrate'])).toBe(0);
    expect(out.join('\n')).toMatch(/clickhouse: applied 001_health_checks, 002_vendor_usage_costs/);
    out.length = 0;
    expect(await main(['migrate'])).toBe(0);
    expect(out.join('\n')).toMatch(new RegExp(`postgres: nothing to apply; ${readMigrations('postgres').length} migration\\(s\\) in place`));
    expect(out.join('\n')).toMatch(/clickhouse: nothing to apply/);
  });

  it('audit verify checks every organisation chain, and exits 1 naming the first broken record', async () => {
    const dataDir = join(TEST_ROOT, uniqueName('audit'));
    process.env.ARM_DATA_DIR = dataDir;
    seedPGlite(join(dataDir, 'pglite'));
    expect(await main(['migrate'])).toBe(0);
    // The test writes the chain directly, as the tables' owner.
    const db = systemDb(await openPGlite(join(dataDir, 'pglite')));
    try {
      const org = await ensureDefaultOrganization(db);
      await ensureBootstrapKey(db, org, 'arm_sk_live_AuditCliAuditCliAuditCliAuditCli01');
      for (const name of ['a', 'b', 'c']) await db.transaction((tx) => appendAudit(tx, { principal: systemPrincipal(org), ipAddress: null, userAgent: null, requestId: name }, { action: 'thing.create', resourceType: 'thing', resourceId: name }));
    } finally {
      await db.close();
    }
    out.length = 0;
    expect(await main(['audit', 'verify'])).toBe(0);
    expect(out).toEqual([expect.stringMatching(/^default: 4 record\(s\), chain intact; head 4 [0-9a-f]{64}$/)]);

    const again = systemDb(await openPGlite(join(dataDir, 'pglite')));
    await again.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await tx.query("UPDATE audit_log SET resource_id = 'z' WHERE sequence = 3");
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
    await again.close();
    out.length = 0;
    expect(await main(['audit', 'verify', '--organization', 'default'])).toBe(1);
    expect(out).toEqual(['default: BROKEN at record 3 (altered): record 3 was altered after it was written; 2 record(s) before it verified']);
    expect(await main(['audit', 'check'])).toBe(2);
    expect(err.join('\n')).toMatch(/usage: ai-arm audit verify/);
  });

  it('backfill runs in this process, with progress, when no collector is running', async () => {
    const sim = await startSimulator({ agents: 6 });
    try {
      Object.assign(process.env, { ARM_MASTER_KEY: 'b'.repeat(64), OPENAI_ADMIN_KEY: sim.state.opts.keys.openaiAdmin, OPENAI_BASE_URL: sim.openaiBaseUrl, ANTHROPIC_ADMIN_KEY: sim.state.opts.keys.anthropicAdmin, ANTHROPIC_BASE_URL: sim.anthropicBaseUrl });
      const written: string[] = [];
      jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
      expect(await main(['backfill', '--since', '2d'])).toBe(0);
      expect(written.join('')).toMatch(/OPENAI +\[#{24}\] 100%/);
      expect(written.join('')).toMatch(/ANTHROPIC +\[#{24}\] 100%/);
      expect(await main(['backfill', '--since', 'soon'])).toBe(2);
      expect(err.join('\n')).toMatch(/--since must look like 90d/);
    } finally {
      await sim.close();
    }
  });

  it('migrate asks a running collector instead of opening its stores', async () => {
    const running = await startCollector(testConfig({ ARM_CLICKHOUSE_DATABASE: process.env.ARM_CLICKHOUSE_DATABASE! }), quietLogger());
    try {
      expect(await main(['migrate'])).toBe(0);
      expect(out.join('\n')).toMatch(new RegExp(`collector pid ${process.pid} is running`));
      expect(out.join('\n')).toMatch(new RegExp(`postgres: ${readMigrations('postgres').length} migration\\(s\\) applied`));
    } finally {
      await running.close();
    }
  });
});
