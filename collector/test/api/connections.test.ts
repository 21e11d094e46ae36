import { buildApp } from '../../src/app';
import { ApiKeyStore } from '../../src/auth/store';
import { ConnectionStore } from '../../src/connections/store';
import { CredentialVault } from '../../src/security/envelope-crypto';
import { CONTROL_PLANE, quietLogger, testConfig } from '../support/stores';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { authedApp } from './support';
import { systemDb } from '../support/system-db';
import { asTenant } from '../../src/stores/tenant-scope';

const MASTER_KEY = 'a'.repeat(64);
const SECOND_OPENAI_KEY = 'sk-admin-simulator-openai-second-0002';
const SECOND_ANTHROPIC_KEY = 'sk-ant-admin01-simulator-anthropic-second';

describe(`connections API against the vendor simulator (real ${CONTROL_PLANE}, official SDKs, app.inject)`, () => {
  let sim: Simulator;
  let other: Simulator;
  let t: Awaited<ReturnType<typeof authedApp>>;
  let viewer: string;
  const keys = () => sim.state.opts.keys;
  const openai = (adminKey = keys().openaiAdmin) => ({ vendor: 'OPENAI', name: 'OpenAI prod', credentials: { adminKey }, baseUrl: `${sim.url}/openai/v1` });

  beforeAll(async () => {
    // A second admin key of each organisation: connecting both is connecting one account twice.
    sim = await startSimulator({ agents: 6, extraAdminKeys: { openai: [SECOND_OPENAI_KEY], anthropic: [SECOND_ANTHROPIC_KEY] } });
    // Another vendor organisation (another seed), whose admin key looks just like the first's.
    other = await startSimulator({ agents: 2, seed: 'another-company' });
    t = await authedApp({ ARM_MASTER_KEY: MASTER_KEY });
    viewer = (await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'v', role: 'viewer' } })).body.data.key;
  });
  afterAll(async () => {
    await t.close();
    await sim.close();
    await other.close();
  });
  const audits = async (action: string) => (await t.call(t.admin, { url: `/api/v1/governance/audit?action=${action}&limit=1000` })).body.data as { resourceId: string; after: Record<string, unknown> }[];

  it('lists the vendors this build supports with the credential fields each needs', async () => {
    const res = await t.call(viewer, { url: '/api/v1/connections/vendors' });
    expect(res.status).toBe(200);
    expect(res.body.data.map((v: { vendor: string }) => v.vendor)).toEqual(['OPENAI', 'ANTHROPIC']);
    for (const v of res.body.data) expect(v.fields.find((f: { name: string }) => f.name === 'adminKey')).toEqual(expect.objectContaining({ secret: true, required: true, pattern: expect.any(String) }));
  });

  it('403 when a viewer creates a connection, and nothing is recorded', async () => {
    const res = await t.call(viewer, { method: 'POST', url: '/api/v1/connections', payload: openai() });
    expect(res.status).toBe(403);
    expect(await audits('connection.create')).toEqual([]);
  });

  it('checks the key format, then the vendor, without ever echoing the key', async () => {
    const badFormat = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: openai('sk-proj-notanadminkey0000000000') });
    expect(badFormat.status).toBe(400);
    expect(badFormat.body.error).toEqual(expect.objectContaining({ code: 'VALIDATION_ERROR', details: { field: 'body/credentials/adminKey' } }));
    expect(badFormat.raw).not.toContain('notanadminkey');

    const refused = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: openai('sk-admin-wrongwrongwrongwrong') });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/refused this admin key \(HTTP 401\)/);
    expect(refused.raw).not.toContain('wrongwrongwrong');

    const unreachable = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: { ...openai(), baseUrl: 'http://127.0.0.1:1/v1' } });
    expect(unreachable.status).toBe(502);
    expect(unreachable.body.error.code).toBe('VENDOR_ERROR');
    expect(unreachable.body.error.message).toMatch(/could not reach http:\/\/127\.0\.0\.1:1\/v1/);

    const unsupported = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: { ...openai(), vendor: 'GOOGLE' } });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error.message).toMatch(/no connector for GOOGLE; it supports OPENAI, ANTHROPIC/);
    expect(await audits('connection.create')).toEqual([]);
  });

  it('stores a working connection sealed with AES-256-GCM, shows only a hint, audits it without the key', async () => {
    for (const payload of [openai(), { vendor: 'ANTHROPIC', name: 'Anthropic', credentials: { adminKey: keys().anthropicAdmin }, baseUrl: `${sim.url}/anthropic` }]) {
      const res = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload });
      expect(res.status).toBe(201);
      expect(res.body.data).toEqual(expect.objectContaining({ vendor: payload.vendor, status: 'CONNECTED', credentialHint: `…${payload.credentials.adminKey.slice(-4)}`, lastSyncAt: null }));
      expect(res.raw).not.toContain(payload.credentials.adminKey);
      const [row] = await systemDb(t.stores.controlPlane).query<{ credentials_encrypted: Uint8Array }>('SELECT credentials_encrypted FROM connections WHERE id = $1', [res.body.data.id]);
      expect(Buffer.from(row!.credentials_encrypted).toString('latin1')).not.toContain(payload.credentials.adminKey);
    }
    const listed = await t.call(viewer, { url: '/api/v1/connections' });
    expect(listed.body.data.map((c: { vendor: string }) => c.vendor)).toEqual(['OPENAI', 'ANTHROPIC']);
    expect(listed.raw).not.toMatch(/sk-admin-|sk-ant-admin/);
    const created = await audits('connection.create');
    expect(created).toHaveLength(2);
    expect(JSON.stringify(created)).not.toMatch(/sk-admin-|sk-ant-admin/);
    expect(t.logs().length).toBeGreaterThan(0);
    for (const secret of [keys().openaiAdmin, keys().anthropicAdmin, 'notanadminkey', 'wrongwrongwrong']) expect(t.logs()).not.toContain(secret);
  });

  it('tests a stored connection now, and reports a key the vendor stopped accepting', async () => {
    const [c] = (await t.call(t.admin, { url: '/api/v1/connections' })).body.data;
    const ok = await t.call(t.admin, { method: 'POST', url: `/api/v1/connections/${c.id}/test` });
    expect(ok.body.data).toEqual(expect.objectContaining({ ok: true, connectionStatus: 'CONNECTED', latencyMs: expect.any(Number) }));
    // The vendor rotates its admin key: the stored one no longer works.
    const before = keys().openaiAdmin;
    sim.state.opts.keys.openaiAdmin = 'sk-admin-rotated-rotated-rotated';
    try {
      const failed = await t.call(t.admin, { method: 'POST', url: `/api/v1/connections/${c.id}/test` });
      expect(failed.status).toBe(200);
      expect(failed.body.data).toEqual(expect.objectContaining({ ok: false, status: 401, connectionStatus: 'ERROR' }));
      expect((await t.call(t.admin, { url: `/api/v1/connections/${c.id}` })).body.data.status).toBe('ERROR');
    } finally {
      sim.state.opts.keys.openaiAdmin = before;
    }
    expect((await t.call(viewer, { method: 'POST', url: `/api/v1/connections/${c.id}/test` })).status).toBe(403);
  });

  it('deletes a connection (soft: its history stays), and another organisation cannot see or delete it (404)', async () => {
    const [c] = (await t.call(t.admin, { url: '/api/v1/connections' })).body.data;
    const [other] = await systemDb(t.stores.controlPlane).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('Other', 'other-conn') RETURNING id");
    const otherKey = (await asTenant(other!.id, () => new ApiKeyStore(t.stores.controlPlane).create(other!.id, 'x', 'admin', null))).key;
    expect((await t.call(otherKey, { url: `/api/v1/connections/${c.id}` })).status).toBe(404);
    expect((await t.call(otherKey, { method: 'DELETE', url: `/api/v1/connections/${c.id}` })).status).toBe(404);
    expect((await t.call(otherKey, { url: '/api/v1/connections' })).body.data).toEqual([]);

    const del = await t.call(t.admin, { method: 'DELETE', url: `/api/v1/connections/${c.id}` });
    // No other connection reads that account: what it polled stays, its agents are left unwatched.
    expect(del.body.data).toEqual({ id: c.id, deleted: true, historyKept: true, history: { action: 'kept', into: null, usageRows: 0, costRows: 0 }, agents: { reassignedTo: null, reassigned: 0, unwatched: 0 } });
    expect((await t.call(t.admin, { url: '/api/v1/connections' })).body.data.map((x: { id: string }) => x.id)).not.toContain(c.id);
    const [row] = await systemDb(t.stores.controlPlane).query<{ deleted_at: Date | null }>('SELECT deleted_at FROM connections WHERE id = $1', [c.id]);
    expect(row!.deleted_at).not.toBeNull();
    expect((await t.call(t.admin, { method: 'DELETE', url: `/api/v1/connections/${c.id}` })).status).toBe(404);
    expect((await audits('connection.delete')).map((a) => a.resourceId)).toEqual([c.id]);
  });

  it('refuses a second connection to an account already connected (409 naming it), knowing the account by what the vendor reports', async () => {
    const anthropic = (await t.call(t.admin, { url: '/api/v1/connections' })).body.data.find((c: { vendor: string }) => c.vendor === 'ANTHROPIC');
    expect(anthropic.account).toEqual({ id: sim.state.organizations.anthropic.id, name: sim.state.organizations.anthropic.name });
    // Another admin key, the same Anthropic organisation.
    const twice = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: { vendor: 'ANTHROPIC', name: 'Anthropic again', credentials: { adminKey: SECOND_ANTHROPIC_KEY }, baseUrl: `${sim.url}/anthropic` } });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toEqual(expect.objectContaining({ code: 'CONFLICT', details: { connectionId: anthropic.id, name: anthropic.name, accountId: sim.state.organizations.anthropic.id } }));
    expect(twice.body.error.message).toContain(`already connected as "${anthropic.name}" (${anthropic.id})`);
    expect(twice.body.error.message).toContain(`PATCH /api/v1/connections/${anthropic.id}`);
    expect(twice.raw).not.toContain(SECOND_ANTHROPIC_KEY);

    // OpenAI names the organisation in a response header: the first key connects, the second is refused.
    const first = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: openai() });
    expect(first.status).toBe(201);
    expect(first.body.data.account).toEqual({ id: sim.state.organizations.openai.id, name: null });
    const second = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: { ...openai(SECOND_OPENAI_KEY), name: 'OpenAI twice' } });
    expect(second.status).toBe(409);
    expect(second.body.error.details.connectionId).toBe(first.body.data.id);
    // A different organisation is a different account, even through the same kind of key.
    const elsewhere = await t.call(t.admin, { method: 'POST', url: '/api/v1/connections', payload: { ...openai(), name: 'Another company', baseUrl: `${other.url}/openai/v1` } });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.data.account.id).toBe(other.state.organizations.openai.id);
    const names = (await t.call(t.admin, { url: '/api/v1/connections' })).body.data.map((c: { name: string }) => c.name);
    expect(names).not.toContain('Anthropic again');
    expect(names).not.toContain('OpenAI twice');
    expect((await t.call(t.admin, { method: 'DELETE', url: `/api/v1/connections/${elsewhere.body.data.id}` })).status).toBe(200);
  });

  it('rotates a key in place (PATCH): checked first, the same account only, the same id, audited without the key', async () => {
    const c = (await t.call(t.admin, { url: '/api/v1/connections' })).body.data.find((x: { vendor: string }) => x.vendor === 'OPENAI');
    const patch = (key: string | null, payload: object) => t.call(key, { method: 'PATCH', url: `/api/v1/connections/${c.id}`, payload });
    const secret = () => asTenant(t.org, () => new ConnectionStore(t.stores.controlPlane).secret(new CredentialVault(t.stores.controlPlane, Buffer.from(MASTER_KEY, 'hex')), t.org, c.id));

    expect((await patch(viewer, { credentials: { adminKey: SECOND_OPENAI_KEY } })).status).toBe(403);
    const refused = await patch(t.admin, { credentials: { adminKey: 'sk-admin-revokedrevokedrevoked' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/refused this admin key \(HTTP 401\)/);
    const foreign = await patch(t.admin, { credentials: { adminKey: keys().openaiAdmin }, baseUrl: `${other.url}/openai/v1` });
    expect(foreign.status).toBe(409);
    expect(foreign.body.error.message).toContain(`reads the OpenAI organisation ${other.state.organizations.openai.id}, not the OpenAI organisation ${sim.state.organizations.openai.id}`);
    // Neither touched the working key.
    expect(await secret()).toBe(keys().openaiAdmin);

    const rotated = await patch(t.admin, { credentials: { adminKey: SECOND_OPENAI_KEY } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.data).toEqual(expect.objectContaining({ id: c.id, name: c.name, credentialHint: `…${SECOND_OPENAI_KEY.slice(-4)}`, status: 'CONNECTED', account: c.account, createdAt: c.createdAt }));
    expect(rotated.raw).not.toContain(SECOND_OPENAI_KEY);
    expect(await secret()).toBe(SECOND_OPENAI_KEY);
    const renamed = await patch(t.admin, { name: 'OpenAI production' });
    expect(renamed.body.data).toEqual(expect.objectContaining({ name: 'OpenAI production', credentialHint: `…${SECOND_OPENAI_KEY.slice(-4)}` }));
    expect((await patch(t.admin, {})).status).toBe(400);

    const updates = await audits('connection.update');
    expect(updates.map((a) => a.resourceId)).toEqual([c.id, c.id]);
    expect(JSON.stringify(updates)).not.toContain(SECOND_OPENAI_KEY);
    expect(updates.map((a) => a.after.credentialHint)).toEqual(expect.arrayContaining([`…${SECOND_OPENAI_KEY.slice(-4)}`]));
    for (const k of [SECOND_OPENAI_KEY, 'revokedrevoked']) expect(t.logs()).not.toContain(k);
  });

  it('without ARM_MASTER_KEY it refuses to store credentials, saying how to fix it', async () => {
    const bare = await buildApp({ config: testConfig(), stores: t.stores, sink: t.sink, logger: quietLogger() });
    try {
      const res = await bare.inject({ method: 'POST', url: '/api/v1/connections', payload: openai(), headers: { authorization: `Bearer ${t.admin}` } });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.message).toMatch(/ARM_MASTER_KEY/);
    } finally {
      await bare.close();
    }
  });
});
