import { AgentResolver } from '../../src/interactions/attribution';
import { listVersions, versionShape, VersionRegistry } from '../../src/interactions/versions';
import { migratePostgres } from '../../src/stores/postgres/migrate';
import type { ControlPlaneDb } from '../../src/stores/postgres/types';
import { asTenant } from '../../src/stores/tenant-scope';
import { freshPGlite } from '../support/stores';
import { systemDb } from '../support/system-db';

describe('agent attribution and versions (real PGlite)', () => {
  let db: ControlPlaneDb;
  let drop: () => Promise<void>;
  let org: string;
  const agentsOf = (o: string) => systemDb(db).query<{ id: string; vendor: string; vendor_agent_id: string; name: string; type: string; status: string; metadata: Record<string, string> }>('SELECT * FROM agents WHERE organization_id = $1 ORDER BY created_at', [o]);

  beforeAll(async () => {
    ({ db, drop } = await freshPGlite());
    await migratePostgres(db);
    [{ id: org }] = (await systemDb(db).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('a', 'a') RETURNING id")) as [{ id: string }];
  });
  afterAll(() => drop());

  it('fingerprints model, system instructions and the set of tools, whatever the tools\' order', () => {
    const a = versionShape('gpt-4o', 'Be brief.', ['b', 'a', 'a']);
    expect(a.toolNames).toEqual(['a', 'b']);
    expect(versionShape('gpt-4o', 'Be brief.', ['a', 'b']).fingerprint).toBe(a.fingerprint);
    expect(versionShape('gpt-4o', 'Be briefer.', ['a', 'b']).fingerprint).not.toBe(a.fingerprint);
    expect(versionShape('gpt-4o-mini', 'Be brief.', ['a', 'b']).fingerprint).not.toBe(a.fingerprint);
    expect(versionShape('gpt-4o', undefined, []).system).toBeNull();
    // No field runs into the next: a model ending where the instructions begin is another shape.
    expect(versionShape('ab', 'c', []).fingerprint).not.toBe(versionShape('a', 'bc', []).fingerprint);
  });

  it('registers an agent seen at once by two collectors as one CUSTOM agent, and calls the gauge refresh once', async () => {
    const told: string[] = [];
    const one = new AgentResolver(db, (o) => told.push(o));
    const two = new AgentResolver(db, (o) => told.push(o));
    const ids = await Promise.all([
      one.resolve(org, { id: 'bot-7', name: 'Bot seven', serviceName: 'checkout' }, 'otlp'),
      two.resolve(org, { id: 'bot-7', name: 'Bot seven', serviceName: 'checkout' }, 'otlp'),
      one.resolve(org, { id: 'bot-7' }, 'otlp'),
    ]);
    expect(new Set(ids).size).toBe(1);
    const rows = (await agentsOf(org)).filter((a) => a.vendor_agent_id === 'bot-7');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ vendor: 'CUSTOM', type: 'CUSTOM', status: 'ACTIVE', name: 'Bot seven', metadata: { source: 'otlp', serviceName: 'checkout' } });
    expect(told).toEqual([org]);
  });

  it('ties by service name and agent name when no agent id is pushed, and to a polled agent of any vendor by its id', async () => {
    const r = new AgentResolver(db, () => undefined);
    const a = await r.resolve(org, { name: 'triage', serviceName: 'helpdesk' }, 'otlp');
    expect(await r.resolve(org, { name: 'triage', serviceName: 'other-service' }, 'otlp')).not.toBe(a);
    expect(await new AgentResolver(db, () => undefined).resolve(org, { name: 'triage', serviceName: 'helpdesk' }, 'api')).toBe(a);
    const [polled] = await systemDb(db).query<{ id: string }>("INSERT INTO agents (organization_id, vendor, vendor_agent_id, name) VALUES ($1, 'OPENAI', 'asst_123', 'Polled') RETURNING id", [org]);
    expect(await r.resolve(org, { id: 'asst_123' }, 'otlp')).toBe(polled!.id);
    expect(await r.resolve(org, {}, 'otlp')).toBeNull();
  });

  it('numbers versions in the order first seen, and writes last-seen times in batches, not per interaction', async () => {
    const agent = await new AgentResolver(db, () => undefined).resolve(org, { id: 'versioned' }, 'api');
    const reg = new VersionRegistry(db);
    const v1 = versionShape('claude-sonnet-4-5', 'Help.', ['search']);
    const v2 = versionShape('claude-sonnet-4-5', 'Help more.', ['search']);
    const t = Date.UTC(2026, 10, 1, 12);
    expect(await reg.versionOf(org, agent!, v1, t)).toBe(1);
    expect(await reg.versionOf(org, agent!, v1, t + 60_000)).toBe(1);
    const [second, again] = await Promise.all([reg.versionOf(org, agent!, v2, t + 120_000), new VersionRegistry(db).versionOf(org, agent!, v2, t + 130_000)]);
    expect([second, again]).toEqual([2, 2]);
    const before = await asTenant(org, () => listVersions(db, org, agent!));
    expect(before[0]!.lastSeenAt).toBe(new Date(t).toISOString());
    await reg.close();
    const after = await asTenant(org, () => listVersions(db, org, agent!));
    expect(after.map((v) => [v.version, v.firstSeenAt, v.lastSeenAt])).toEqual([
      [1, new Date(t).toISOString(), new Date(t + 60_000).toISOString()],
      [2, new Date(t + 120_000).toISOString(), new Date(t + 120_000).toISOString()],
    ]);
  });
});
