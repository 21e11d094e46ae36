import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/env';
import { Instruments } from '../../src/metrics/instruments.generated';
import { PrometheusSink } from '../../src/metrics/prometheus-sink';
import { runtimeConnection } from '../../src/poller/connections';
import { Poller } from '../../src/poller/poller';
import { loadStoredConnections, storeConnection } from '../../src/poller/stored-connections';
import { parseMasterKey } from '../../src/config/master-key';
import { CredentialVault, open, seal } from '../../src/security/envelope-crypto';
import { migratePostgres } from '../../src/stores/postgres/migrate';
import type { ControlPlaneDb } from '../../src/stores/postgres/types';
import { openStores, type Stores } from '../../src/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { freshPGlite, quietLogger, testConfig } from '../support/stores';
import { uniqueName } from '../support/paths';
import { systemDb, systemTelemetry } from '../support/system-db';

describe('envelope encryption of vendor credentials', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and nothing that was tampered with or moved', () => {
    const sealed = seal(key, Buffer.from('sk-admin-secret'), 'org:row');
    expect(open(key, sealed, 'org:row').toString()).toBe('sk-admin-secret');
    expect(sealed.toString()).not.toContain('sk-admin-secret');
    expect(() => open(key, sealed, 'org:other-row')).toThrow();
    expect(() => open(randomBytes(32), sealed, 'org:row')).toThrow();
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
    expect(() => open(key, flipped, 'org:row')).toThrow();
  });

  it('takes a master key as hex or base64, and refuses anything but 32 bytes without echoing it', () => {
    expect(parseMasterKey(key.toString('hex'))).toEqual(key);
    expect(parseMasterKey(key.toString('base64'))).toEqual(key);
    expect(() => parseMasterKey('c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => loadConfig({ ARM_MASTER_KEY: 'too-short-secret' })).toThrow(/ARM_MASTER_KEY must be 32 bytes/);
    try {
      loadConfig({ ARM_MASTER_KEY: 'too-short-secret' });
    } catch (err) {
      expect((err as Error).message).not.toContain('too-short-secret');
    }
  });

  describe('stored connections (PGlite)', () => {
    let db: ControlPlaneDb;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      ({ db, drop } = await freshPGlite());
      await migratePostgres(db);
    });
    afterAll(() => drop());

    it('keeps only a hint in clear, a data key per organisation wrapped by the master key, and needs that key to read it back', async () => {
      const [a] = await systemDb(db).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('A', 'a') RETURNING id");
      const [b] = await systemDb(db).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('B', 'b') RETURNING id");
      const vault = new CredentialVault(db, key);
      const idA = await storeConnection(db, vault, { organizationId: a!.id, vendor: 'OPENAI', name: 'prod', adminKey: 'sk-admin-AAAA1111' });
      await storeConnection(db, vault, { organizationId: b!.id, vendor: 'ANTHROPIC', name: 'prod', adminKey: 'sk-ant-admin01-BBBB2222' });
      const [row] = await systemDb(db).query<{ credential_hint: string; credentials_encrypted: Uint8Array }>('SELECT credential_hint, credentials_encrypted FROM connections WHERE id = $1', [idA]);
      expect(row!.credential_hint).toBe('…1111');
      expect(Buffer.from(row!.credentials_encrypted).toString('latin1')).not.toContain('sk-admin');
      const keys = await systemDb(db).query<{ wrapped_key: Uint8Array }>('SELECT wrapped_key FROM organization_keys');
      expect(keys).toHaveLength(2);

      const loaded = await loadStoredConnections(db, new CredentialVault(db, key));
      expect(loaded.map((c) => c.adminKey).sort()).toEqual(['sk-admin-AAAA1111', 'sk-ant-admin01-BBBB2222']);
      expect(loaded.find((c) => c.vendor === 'ANTHROPIC')!.baseUrl).toBe('https://api.anthropic.com');
      // Another master key opens nothing: each such connection is reported and left unpolled.
      const unreadable: string[] = [];
      expect(await loadStoredConnections(db, new CredentialVault(db, randomBytes(32)), (id) => unreadable.push(id))).toEqual([]);
      expect(unreadable).toHaveLength(2);

      // A sealed credential copied onto another organisation's row does not open.
      await systemDb(db).query('UPDATE connections SET credentials_encrypted = (SELECT credentials_encrypted FROM connections WHERE id = $1) WHERE organization_id = $2', [idA, b!.id]);
      const moved: string[] = [];
      expect((await loadStoredConnections(db, new CredentialVault(db, key), (id) => moved.push(id))).map((c) => c.id)).toEqual([idA]);
      expect(moved).toHaveLength(1);
    });
  });
});

describe('a connection stored in the control plane is polled like any other (simulator, real stores)', () => {
  let sim: Simulator;
  let stores: Stores;
  afterAll(async () => {
    await sim.close();
    await stores.close();
  });

  it('opens its credentials and stores the vendor usage', async () => {
    sim = await startSimulator({ now: Date.UTC(2026, 10, 20, 12) / 1000, agents: 8 });
    const masterKey = randomBytes(32);
    const config = testConfig({ ARM_MASTER_KEY: masterKey.toString('hex'), ARM_POLL_BACKFILL_DAYS: '1' });
    const metrics = new Instruments(new PrometheusSink({ processMetrics: false }));
    stores = await openStores(config, metrics, quietLogger());
    const [org] = await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [uniqueName('stored').replace(/_/g, '-')]);
    const vault = new CredentialVault(stores.controlPlane, config.masterKey!);
    await storeConnection(stores.controlPlane, vault, { organizationId: org!.id, vendor: 'ANTHROPIC', name: 'sim', adminKey: sim.state.opts.keys.anthropicAdmin, baseUrl: sim.anthropicBaseUrl });
    const stored = (await loadStoredConnections(stores.controlPlane, new CredentialVault(stores.controlPlane, config.masterKey!))).filter((c) => c.organizationId === org!.id);
    const connections = stored.map((c) => runtimeConnection({ ...c, source: 'api' }, metrics, 0));
    await new Poller({ config, stores, metrics, log: quietLogger(), now: () => sim.state.now() }, connections).runOnce();
    const [usage] = await systemTelemetry(stores.telemetry).query<{ n: number }>('SELECT count() AS n FROM {db:Identifier}.vendor_usage WHERE organization_id = {org:UUID}', { org: org!.id });
    expect(usage!.n).toBeGreaterThan(0);
    const [agents] = await systemDb(stores.controlPlane).query<{ n: number }>("SELECT count(*) AS n FROM agents WHERE organization_id = $1 AND health = 'HEALTHY'", [org!.id]);
    expect(agents!.n).toBe(sim.state.world.agents.filter((a) => a.vendor === 'anthropic').length);
  });
});
