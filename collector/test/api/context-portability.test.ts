import type { CapturePlan, Context, ContextExport, PreferenceInjection } from '@ai-arm/schemas';
import { AnthropicConnector } from '../../src/connectors/anthropic/connector';
import { OpenAIConnector } from '../../src/connectors/openai/connector';
import { checksumOf } from '../../src/context/portability/canonical';
import { portableSet } from '../../src/context/portability/formats/arm-native';
import { fenceStart } from '../../src/context/portability/preferences';
import { syncInventory } from '../../src/poller/inventory';
import { storeConnection } from '../../src/poller/stored-connections';
import { CredentialVault } from '../../src/security/envelope-crypto';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { asTenant } from '../../src/stores/tenant-scope';
import { systemDb } from '../support/system-db';
import { authedApp } from './support';

const MASTER_KEY = 'e'.repeat(64);
const NOWHERE = '00000000-0000-4000-8000-000000000000';

/** Export, import, transfer, preferences and their injection into vendor agents, over the API (real PGlite and chdb, the vendor simulator as OpenAI and Anthropic). */
describe('context portability over the API', () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let sim: Simulator;
  let viewer: string;
  let member: string;
  let keyB: string;
  let agentB: string;
  /** An OpenAI assistant and an Anthropic managed agent, discovered through their connections. */
  let openai: { id: string; vendorAgentId: string };
  let anthropic: { id: string; vendorAgentId: string };
  /** Custom agents: a round trip's empty target, and one to inject into (no vendor connection). */
  let empty: string;
  let custom: string;

  const call = (key: string, method: 'GET' | 'POST', url: string, payload?: object) => t.call(key, { method, url, ...(payload ? { payload } : {}) });
  const exported = async (agentId: string, format = 'ARM_NATIVE', key = member) => {
    const res = await call(key, 'GET', `/api/v1/context/export?agentId=${agentId}&format=${format}`);
    expect(res.status).toBe(200);
    return res.body.data;
  };
  const add = async (body: object) => {
    const res = await call(member, 'POST', '/api/v1/context', body);
    expect([200, 201]).toContain(res.status);
    return res.body.data as Context;
  };
  const customAgent = async (name: string) => (await call(t.admin, 'POST', '/api/v1/agents', { name })).body.data.id as string;
  /** The simulator's own view of an agent's instructions (its retrieve, as the vendor would answer). */
  const simInstructions = async (vendor: 'openai' | 'anthropic', vendorAgentId: string): Promise<string> => {
    const keys = sim.state.opts.keys;
    const res =
      vendor === 'openai'
        ? await fetch(`${sim.openaiBaseUrl}/assistants/${vendorAgentId}`, { headers: { authorization: `Bearer ${keys.openaiAdmin}`, 'openai-beta': 'assistants=v2' } })
        : await fetch(`${sim.anthropicBaseUrl}/v1/agents/${vendorAgentId}`, { headers: { 'x-api-key': keys.anthropicAdmin, 'anthropic-beta': 'managed-agents-2026-04-01' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { instructions?: string; system?: string };
    return (vendor === 'openai' ? body.instructions : body.system) ?? '';
  };
  const auditActions = async () =>
    (await systemDb(t.stores.controlPlane).query<{ action: string }>("SELECT action FROM audit_log WHERE organization_id = $1 AND (action LIKE 'context.%' OR action LIKE 'preference.%') ORDER BY sequence", [t.org])).map((r) => r.action);

  beforeAll(async () => {
    sim = await startSimulator({ now: Math.floor(Date.now() / 1000), agents: 4 });
    t = await authedApp({ ARM_MASTER_KEY: MASTER_KEY });
    const key = async (role: string) => (await call(t.admin, 'POST', '/api/v1/api-keys', { name: role, role })).body.data.key as string;
    [viewer, member] = [await key('viewer'), await key('member')];
    const other = await t.otherOrganization('org-b');
    const orgB = other.id;
    keyB = other.key;
    agentB = (await call(keyB, 'POST', '/api/v1/agents', { name: 'B agent' })).body.data.id as string;

    // Both vendors connected as an admin would (keys sealed with the master key), and their agents discovered.
    const vault = new CredentialVault(t.stores.controlPlane, Buffer.from(MASTER_KEY, 'hex'));
    const keys = sim.state.opts.keys;
    for (const [vendor, adminKey, baseUrl, connector] of [
      ['OPENAI', keys.openaiAdmin, sim.openaiBaseUrl, OpenAIConnector.create({ adminKey: keys.openaiAdmin, baseUrl: sim.openaiBaseUrl })],
      ['ANTHROPIC', keys.anthropicAdmin, sim.anthropicBaseUrl, AnthropicConnector.create({ adminKey: keys.anthropicAdmin, baseUrl: sim.anthropicBaseUrl })],
    ] as const) {
      await asTenant(t.org, async () => {
        const connectionId = await storeConnection(t.stores.controlPlane, vault, { organizationId: t.org, vendor, name: vendor, adminKey, baseUrl });
        await syncInventory(t.stores.controlPlane, t.org, connectionId, await connector.discoverAgents());
      });
    }
    const agents = (await call(t.admin, 'GET', '/api/v1/agents?limit=100')).body.data as { id: string; vendor: string; vendorAgentId: string }[];
    const first = (vendor: string) => {
      const a = agents.filter((x) => x.vendor === vendor).sort((x, y) => x.vendorAgentId.localeCompare(y.vendorAgentId))[0]!;
      return { id: a.id, vendorAgentId: a.vendorAgentId };
    };
    openai = first('OPENAI');
    anthropic = first('ANTHROPIC');
    empty = await customAgent('Round trip target');
    custom = await customAgent('In-house bot');

    // What the OpenAI assistant has learnt, some of it about one user, one preference replaced by a newer one.
    await add({ agentId: openai.id, type: 'INSTRUCTION', key: 'citations', content: 'Cite the policy number in every answer.', tags: ['policy'] });
    await add({ agentId: openai.id, type: 'PREFERENCE', key: 'response_format', content: 'Short bullet points.', confidence: 0.9, metadata: { examples: ['- one\n- two'] } });
    await add({ agentId: openai.id, type: 'PREFERENCE', key: 'language', userId: 'u-42', content: 'Answers in French.', confidence: 0.75 });
    await add({ agentId: openai.id, type: 'FACT', userId: 'u-42', content: "The customer's plan is Enterprise.", tags: ['billing'], validUntil: '2099-01-01T00:00:00Z' });
    await add({ agentId: openai.id, type: 'INTENT', key: 'migration', content: 'Wants to migrate from Zendesk.' });
    // Said twice: one item that stands for two captures, a count the round trip keeps.
    await add({ agentId: openai.id, type: 'INTENT', key: 'migration', content: 'Wants to migrate from Zendesk.' });
    await add({ agentId: openai.id, type: 'PREFERENCE', key: 'tone', content: 'Formal.', validFrom: '2025-01-01T00:00:00Z' });
    await add({ agentId: openai.id, type: 'PREFERENCE', key: 'tone', content: 'Casual and friendly.', validFrom: '2025-02-01T00:00:00Z' });
  });
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  it('round-trips ARM_NATIVE: export, import into an empty agent, export again gives identical items, checksums verified', async () => {
    const first = (await exported(openai.id)) as ContextExport;
    expect(first).toMatchObject({ format: 'ARM_NATIVE', version: 1, organizationId: t.org, sourceAgent: { id: openai.id, vendor: 'OPENAI' } });
    // The superseded tone is history: not exported by default, exported when asked.
    expect(first.items.map((i) => i.content)).not.toContain('Formal.');
    expect(first.items).toHaveLength(6);
    expect(first.items.find((i) => i.key === 'migration')?.mergedCount).toBe(2);
    expect(first.checksum).toBe(checksumOf(first.items));
    const withHistory = (await call(member, 'GET', `/api/v1/context/export?agentId=${openai.id}&includeSuperseded=true`)).body.data as ContextExport;
    expect(withHistory.items.find((i) => i.content === 'Formal.')?.supersededBy).toEqual(expect.any(String));

    // A dry run shows the plan and writes nothing.
    const dry = await call(member, 'POST', '/api/v1/context/import', { agentId: empty, format: 'ARM_NATIVE', data: first, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.data.checksumVerified).toBe(true);
    expect(dry.body.data.plan).toMatchObject({ dryRun: true, merged: [], superseded: [], unchanged: 0, invalid: [] });
    expect(dry.body.data.plan.created).toHaveLength(6);
    expect(((await exported(empty)) as ContextExport).items).toEqual([]);

    const done = await call(member, 'POST', '/api/v1/context/import', { agentId: empty, format: 'ARM_NATIVE', data: first });
    expect(done.status).toBe(200);
    expect(done.body.data.checksumVerified).toBe(true);
    const created = (done.body.data.plan as CapturePlan).created;
    expect(created).toHaveLength(6);
    expect(new Set(created.map((c) => c.agentId))).toEqual(new Set([empty]));
    expect(created.every((c) => c.source.type === 'IMPORT' && c.source.importedFrom === first.checksum)).toBe(true);

    const second = (await exported(empty)) as ContextExport;
    expect(second.items.find((i) => i.key === 'migration')?.mergedCount).toBe(2);
    // Identical: every portable field (type, content, key, user, confidence, validity, tags, metadata) item for item; ids and vault times are new.
    expect(portableSet(second.items)).toEqual(portableSet(first.items));
    expect(second.items.map((i) => i.id).filter((id) => first.items.some((f) => f.id === id))).toEqual([]);
    expect(second.checksum).toBe(checksumOf(second.items));
    // The second export verifies on import too, and would bring the same items to another agent.
    const onward = await call(member, 'POST', '/api/v1/context/import', { agentId: custom, format: 'ARM_NATIVE', data: second, dryRun: true });
    expect(onward.body.data.checksumVerified).toBe(true);
    expect(portableSet(onward.body.data.plan.created)).toEqual(portableSet(first.items));
    // Importing the same export again changes nothing (its items are known by their source); another export of the
    // same items would count as a second observation (merged: count and confidence up), as any capture does.
    const again = await call(member, 'POST', '/api/v1/context/import', { agentId: empty, format: 'ARM_NATIVE', data: first });
    expect(again.body.data.plan).toMatchObject({ created: [], merged: [], superseded: [], unchanged: 6, invalid: [] });
    expect(portableSet(((await exported(empty)) as ContextExport).items)).toEqual(portableSet(first.items));
  });

  it('refuses a tampered ARM_NATIVE export whole, and captures the valid entries of other formats with the bad ones listed by index', async () => {
    const target = await customAgent('Tamper target');
    const doc = JSON.parse(JSON.stringify(await exported(openai.id))) as ContextExport;
    doc.items[0]!.content = 'Never cite anything.';
    const tampered = await call(member, 'POST', '/api/v1/context/import', { agentId: target, format: 'ARM_NATIVE', data: doc });
    expect(tampered.status).toBe(400);
    expect(tampered.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR', details: { field: 'body/data/checksum', expected: doc.checksum, computed: checksumOf(doc.items) } } });
    expect(tampered.body.error.message).toContain('the checksum does not match the items');
    expect(((await exported(target)) as ContextExport).items).toEqual([]);

    const json = await call(member, 'POST', '/api/v1/context/import', {
      agentId: target,
      format: 'JSON',
      data: { format: 'JSON', items: [{ type: 'FACT', content: 'HQ is in Lyon.', confidence: 1 }, { type: 'FACT', content: '', confidence: 1 }, { type: 'WISH', content: 'x', confidence: 1 }, { type: 'FACT', content: 'Founded in 1999.', confidence: 0.6, validFrom: '2025-01-01T00:00:00Z', validUntil: '2024-01-01T00:00:00Z' }] },
    });
    expect(json.status).toBe(200);
    expect(json.body.data.checksumVerified).toBeNull();
    expect(json.body.data.plan.created.map((c: Context) => [c.content, c.source.type, c.source.importedFrom])).toEqual([['HQ is in Lyon.', 'IMPORT', expect.stringMatching(/^JSON sha256:[0-9a-f]{64}$/)]]);
    expect(json.body.data.plan.invalid).toEqual([
      { index: 1, reason: 'items[1]: content must be a non-empty string' },
      { index: 2, reason: 'items[2]: type must be one of CONVERSATION, PREFERENCE, FACT, INSTRUCTION, INTENT' },
      { index: 3, reason: 'items[3]: validUntil must be after validFrom' },
    ]);
  });

  it('exports OPENAI, ANTHROPIC and JSON shapes that import back into another agent', async () => {
    const oa = await exported(openai.id, 'OPENAI');
    expect(oa.instructions).toContain('## Preferences\n- **response_format**: Short bullet points.');
    expect(oa.files.map((f: { filename: string }) => f.filename)).toEqual(['facts.md', 'intents.md']);
    const an = await exported(openai.id, 'ANTHROPIC');
    expect(an.system).toBe(oa.instructions);
    expect(an.memories).toEqual([
      { key: null, type: 'FACT', content: "The customer's plan is Enterprise." },
      { key: 'migration', type: 'INTENT', content: 'Wants to migrate from Zendesk.' },
    ]);
    const js = await exported(openai.id, 'JSON');
    expect(js.items).toHaveLength(6);
    expect(JSON.stringify(js)).not.toContain(openai.id);
    for (const data of [oa, an, js]) {
      const res = await call(member, 'POST', '/api/v1/context/import', { agentId: custom, format: data.format, data, dryRun: true });
      expect(res.status).toBe(200);
      expect(res.body.data.plan.created).toHaveLength(6);
      expect(res.body.data.plan.invalid).toEqual([]);
    }
  });

  it("transfers from an OpenAI assistant to an Anthropic agent, writes the preferences into the target's system prompt at the vendor, and undoes it", async () => {
    const original = await simInstructions('anthropic', anthropic.vendorAgentId);
    expect(original).not.toBe('');
    const body = { fromAgentId: openai.id, toAgentId: anthropic.id, injectPreferences: true };

    // A dry run: the plan, nothing captured, nothing written at the vendor, nothing audited.
    const before = await auditActions();
    const dry = await call(t.admin, 'POST', '/api/v1/context/transfer', { ...body, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.data.plan.created).toHaveLength(6);
    expect(dry.body.data.injection).toBeNull();
    expect(((await exported(anthropic.id)) as ContextExport).items).toEqual([]);
    expect(await simInstructions('anthropic', anthropic.vendorAgentId)).toBe(original);
    expect(await auditActions()).toEqual([...before, 'context.export']);

    // Only some types, as a member (no injection).
    const facts = await call(member, 'POST', '/api/v1/context/transfer', { fromAgentId: openai.id, toAgentId: custom, types: ['FACT'] });
    expect(facts.body.data.plan.created.map((c: Context) => [c.type, c.source])).toEqual([['FACT', { type: 'TRANSFER', interactionId: null, extractor: null, importedFrom: openai.id }]]);

    const res = await call(t.admin, 'POST', '/api/v1/context/transfer', body);
    expect(res.status).toBe(200);
    expect(res.body.data.plan.created).toHaveLength(6);
    const injection = res.body.data.injection as PreferenceInjection;
    expect(injection).toMatchObject({ agentId: anthropic.id, vendor: 'ANTHROPIC', before: original, undoneAt: null, undoneBy: null });
    expect(injection.after.startsWith(`${original}\n\n${fenceStart(null)}\n`)).toBe(true);
    expect(injection.after).toContain('- **response_format**: Short bullet points.\n');
    expect(injection.after).toContain('- **tone**: Casual and friendly.\n');
    // Only the agent-wide preferences by default: the user's stays out.
    expect(injection.after).not.toContain('French');
    expect(injection.preferenceIds).toHaveLength(2);
    // The vendor has it: its retrieve, and the inventory list the connector reads.
    expect(await simInstructions('anthropic', anthropic.vendorAgentId)).toBe(injection.after);
    const listed = await AnthropicConnector.create({ adminKey: sim.state.opts.keys.anthropicAdmin, baseUrl: sim.anthropicBaseUrl }).discoverAgents();
    expect(listed.find((a) => a.vendorAgentId === anthropic.vendorAgentId)?.config).toMatchObject({ systemPrompt: injection.after });

    // The target's preferences, as the transfer brought them.
    const prefs = (await call(viewer, 'GET', `/api/v1/preferences?agentId=${anthropic.id}`)).body.data as { key: string; category: string; userId: string | null; value: string; examples: string[] }[];
    expect(prefs.map((p) => [p.category, p.key, p.userId, p.value])).toEqual([
      ['response', 'response_format', null, 'Short bullet points.'],
      ['tone', 'tone', null, 'Casual and friendly.'],
      ['language', 'language', 'u-42', 'Answers in French.'],
    ]);
    expect(prefs[0]!.examples).toEqual(['- one\n- two']);

    // Injecting the same preferences again (a POST with no body: the defaults) changes nothing and records nothing.
    const same = await call(t.admin, 'POST', `/api/v1/preferences/inject/${anthropic.id}`);
    expect(same.body.data).toMatchObject({ dryRun: false, before: injection.after, after: injection.after, injection: null });

    const undo = await call(t.admin, 'POST', `/api/v1/preferences/inject/${anthropic.id}/undo`, {});
    expect(undo.status).toBe(200);
    expect(undo.body.data).toMatchObject({ id: injection.id, undoneAt: expect.any(String), undoneBy: expect.any(String) });
    expect(await simInstructions('anthropic', anthropic.vendorAgentId)).toBe(original);
    const nothing = await call(t.admin, 'POST', `/api/v1/preferences/inject/${anthropic.id}/undo`);
    expect(nothing.status).toBe(404);
    const twice = await call(t.admin, 'POST', `/api/v1/preferences/inject/${anthropic.id}/undo`, { injectionId: injection.id });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain('was already undone');
    expect((await auditActions()).slice(-4)).toEqual(['context.transfer', 'context.transfer', 'preference.inject', 'preference.inject.undo']);
  });

  it("injects into an OpenAI assistant's instructions: dry run, one block replaced on a second injection, a user's block apart, undo newest first and never over a change", async () => {
    const original = await simInstructions('openai', openai.vendorAgentId);
    const dry = await call(t.admin, 'POST', `/api/v1/preferences/inject/${openai.id}`, { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.data).toMatchObject({ dryRun: true, before: original, injection: null });
    expect(dry.body.data.after).toContain(fenceStart(null));
    expect(await simInstructions('openai', openai.vendorAgentId)).toBe(original);

    const first = (await call(t.admin, 'POST', `/api/v1/preferences/inject/${openai.id}`, {})).body.data.injection as PreferenceInjection;
    expect(first.after).toBe(dry.body.data.after);
    expect(await simInstructions('openai', openai.vendorAgentId)).toBe(first.after);

    // A newer preference replaces the old one; injecting again replaces the block, not appends one.
    await add({ agentId: openai.id, type: 'PREFERENCE', key: 'response_format', content: 'Numbered lists.' });
    const second = (await call(t.admin, 'POST', `/api/v1/preferences/inject/${openai.id}`, {})).body.data.injection as PreferenceInjection;
    expect(second.before).toBe(first.after);
    expect(second.after.split(fenceStart(null))).toHaveLength(2);
    expect(second.after).toContain('- **response_format**: Numbered lists.');
    expect(second.after).not.toContain('Short bullet points.');
    // One user's preferences in a block of their own.
    const user = (await call(t.admin, 'POST', `/api/v1/preferences/inject/${openai.id}`, { userId: 'u-42' })).body.data.injection as PreferenceInjection;
    expect(user.after).toContain(`${fenceStart('u-42')}\nPreferences of user "u-42"`);
    expect(user.after).toContain('- **language**: Answers in French.');
    expect(user.after.startsWith(second.after)).toBe(true);

    // Undo goes newest first.
    const early = await call(t.admin, 'POST', `/api/v1/preferences/inject/${openai.id}/undo`, { injectionId: first.id });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'CONFLICT', details: { injectionId: first.id, latestInjectionId: user.id } });
    expect((await call(t.admin, 'POST', `/api/v1/preferences/inject/${openai.id}/undo`, { injectionId: user.id })).status).toBe(200);
    expect(await simInstructions('openai', openai.vendorAgentId)).toBe(second.after);

    // Someone edits the instructions at the vendor: undo would lose that, so it refuses and writes nothing.
    const edited = `${second.after}\nAlso: never discuss pricing.`;
    const put = await fetch(`${sim.openaiBaseUrl}/assistants/${openai.vendorAgentId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.state.opts.keys.openaiAdmin}`, 'openai-beta': 'assistants=v2', 'content-type': 'application/json' },
      body: JSON.stringify({ instructions: edited }),
    });
    expect(put.status).toBe(200);
    const refused = await call(t.admin, 'POST', `/api/v1/preferences/inject/${openai.id}/undo`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('instructions changed since injection');
    expect(await simInstructions('openai', openai.vendorAgentId)).toBe(edited);
    // Injecting again keeps the owner's line and refreshes only the block.
    const refreshed = (await call(t.admin, 'POST', `/api/v1/preferences/inject/${openai.id}`, {})).body.data;
    expect(refreshed.injection).toBeNull();
    expect(refreshed.after).toBe(edited);
  });

  it('refuses agents without a vendor connection with a clear 409, and a missing agent with 404', async () => {
    const res = await call(t.admin, 'POST', `/api/v1/preferences/inject/${custom}`, {});
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('is a CUSTOM agent: AI-ARM writes instructions only into OpenAI assistants and Anthropic managed agents');
    expect((await call(t.admin, 'POST', `/api/v1/preferences/inject/${custom}/undo`, {})).status).toBe(409);
    const transfer = await call(t.admin, 'POST', '/api/v1/context/transfer', { fromAgentId: openai.id, toAgentId: custom, injectPreferences: true, types: ['INTENT'] });
    expect(transfer.status).toBe(409);
    // Refused before anything was captured.
    expect(((await exported(custom)) as ContextExport).items.map((i) => i.type)).toEqual(['FACT']);
    expect((await call(t.admin, 'POST', `/api/v1/preferences/inject/${NOWHERE}`, {})).status).toBe(404);
  });

  it('lets members export, import and transfer, admins inject and undo, and every role read preferences', async () => {
    expect((await call(viewer, 'GET', `/api/v1/context/export?agentId=${openai.id}`)).status).toBe(403);
    expect((await call(viewer, 'POST', '/api/v1/context/import', { agentId: custom, format: 'JSON', data: { format: 'JSON', items: [] } })).status).toBe(403);
    expect((await call(viewer, 'POST', '/api/v1/context/transfer', { fromAgentId: openai.id, toAgentId: custom })).status).toBe(403);
    expect((await call(viewer, 'GET', '/api/v1/preferences')).status).toBe(200);
    expect((await call(member, 'POST', '/api/v1/context/transfer', { fromAgentId: openai.id, toAgentId: anthropic.id, injectPreferences: true, dryRun: true })).status).toBe(403);
    expect((await call(member, 'POST', `/api/v1/preferences/inject/${openai.id}`, { dryRun: true })).status).toBe(403);
    expect((await call(member, 'POST', `/api/v1/preferences/inject/${openai.id}/undo`, {})).status).toBe(403);
    // The Grafana app's key transfers for Editors; injecting is an Admin's, through the inject route alone.
    const grafana = (await call(t.admin, 'POST', '/api/v1/api-keys', { name: 'grafana app', role: 'grafana' })).body.data.key as string;
    const viaGrafana = await call(grafana, 'POST', '/api/v1/context/transfer', { fromAgentId: openai.id, toAgentId: anthropic.id, injectPreferences: true, dryRun: true });
    expect(viaGrafana.status).toBe(403);
    expect(viaGrafana.body.error.details.field).toBe('body/injectPreferences');
    expect((await call(grafana, 'POST', '/api/v1/context/transfer', { fromAgentId: openai.id, toAgentId: anthropic.id, dryRun: true })).status).toBe(200);
    const all = (await call(viewer, 'GET', '/api/v1/preferences')).body.data as { agentId: string }[];
    expect(new Set(all.map((p) => p.agentId))).toEqual(new Set([openai.id, empty, anthropic.id]));
    const user = (await call(viewer, 'GET', '/api/v1/preferences?userId=u-42')).body.data as { userId: string }[];
    expect(user.length).toBeGreaterThan(0);
    expect(user.every((p) => p.userId === 'u-42')).toBe(true);
  });

  it('answers bad input in the envelope, naming the field', async () => {
    const bad = async (res: { status: number; body: { success: boolean; error: { code: string; message: string } } }, status = 400) => {
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
      return res.body.error.message;
    };
    await bad(await call(member, 'GET', `/api/v1/context/export?agentId=${openai.id}&format=XML`));
    await bad(await call(member, 'GET', '/api/v1/context/export?agentId=nope'));
    await bad(await call(member, 'GET', '/api/v1/context/export'));
    await bad(await call(member, 'GET', `/api/v1/context/export?agentId=${NOWHERE}`), 404);
    await bad(await call(member, 'POST', '/api/v1/context/import', { agentId: custom, format: 'JSON' }));
    await bad(await call(member, 'POST', '/api/v1/context/import', { agentId: custom, format: 'JSON', data: {}, extra: 1 }));
    expect(await bad(await call(member, 'POST', '/api/v1/context/import', { agentId: custom, format: 'JSON', data: { format: 'OPENAI' } }))).toContain('data must be a JSON export');
    await bad(await call(member, 'POST', '/api/v1/context/import', { agentId: NOWHERE, format: 'JSON', data: { format: 'JSON', items: [] } }), 404);
    expect(await bad(await call(member, 'POST', '/api/v1/context/transfer', { fromAgentId: custom, toAgentId: custom }))).toContain('the same agent');
    await bad(await call(member, 'POST', '/api/v1/context/transfer', { fromAgentId: custom, toAgentId: openai.id, types: [] }));
    await bad(await call(member, 'GET', '/api/v1/preferences?agentId=x'));
    await bad(await call(t.admin, 'POST', `/api/v1/preferences/inject/${openai.id}`, { userId: '' }));
    await bad(await call(t.admin, 'POST', `/api/v1/preferences/inject/${openai.id}/undo`, { injectionId: 'x' }));
    await bad(await call(t.admin, 'POST', `/api/v1/preferences/inject/${openai.id}/undo`, { injectionId: NOWHERE }), 404);
  });

  it('keeps organisations apart through every route', async () => {
    const doc = await exported(openai.id);
    expect((await call(keyB, 'GET', `/api/v1/context/export?agentId=${openai.id}`)).status).toBe(404);
    expect((await call(keyB, 'POST', '/api/v1/context/import', { agentId: empty, format: 'ARM_NATIVE', data: doc, dryRun: true })).status).toBe(404);
    expect((await call(keyB, 'POST', '/api/v1/context/transfer', { fromAgentId: openai.id, toAgentId: agentB, dryRun: true })).status).toBe(404);
    expect((await call(keyB, 'POST', '/api/v1/context/transfer', { fromAgentId: agentB, toAgentId: openai.id, dryRun: true })).status).toBe(404);
    expect((await call(keyB, 'GET', `/api/v1/preferences?agentId=${openai.id}`)).status).toBe(404);
    expect((await call(keyB, 'GET', '/api/v1/preferences')).body.data).toEqual([]);
    expect((await call(keyB, 'POST', `/api/v1/preferences/inject/${openai.id}`, { dryRun: true })).status).toBe(404);
    expect((await call(keyB, 'POST', `/api/v1/preferences/inject/${openai.id}/undo`, {})).status).toBe(404);
    // An export is a file: another organisation may import it into its own agent (that is portability), as new items of its own.
    const imported = await call(keyB, 'POST', '/api/v1/context/import', { agentId: agentB, format: 'ARM_NATIVE', data: doc });
    expect(imported.status).toBe(200);
    expect(imported.body.data.plan.created.every((c: Context) => c.agentId === agentB)).toBe(true);
    expect(((await exported(openai.id)) as ContextExport).items.every((i) => i.agentId === openai.id)).toBe(true);
  });
});
