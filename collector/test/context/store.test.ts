import type { Context } from '@ai-arm/schemas';
import type { AuditedRequest } from '../../src/audit/context';
import type { ContextDraft, ContextIndexer } from '../../src/context/items/draft';
import { noisyOr } from '../../src/context/items/plan';
import { contentHash, normalisedContent } from '../../src/context/items/rows';
import { ContextStore } from '../../src/context/items/store';
import { openStores, type Stores } from '../../src/stores';
import { asTenant } from '../../src/stores/tenant-scope';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb, systemTelemetry } from '../support/system-db';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const from = (interactionId: string) => ({ type: 'INTERACTION' as const, interactionId, extractor: 'rules', importedFrom: null });

/** The vault's items on real chdb and PGlite: merge, supersede, dry run, invalid drafts, manual writes audited, isolation. */
describe(`the context store (real chdb and ${CONTROL_PLANE})`, () => {
  let stores: Stores;
  let store: ContextStore;
  let orgA: string;
  let orgB: string;
  let agentA: string;
  let agentA2: string;
  let agentB: string;
  let clock = T0;
  const indexed: { org: string; ids: string[] }[] = [];
  const indexer: ContextIndexer = {
    async changed(org, items) {
      indexed.push({ org, ids: items.map((i) => i.id) });
    },
  };
  const request = (org: string, role: 'member' | 'admin' = 'member'): AuditedRequest => ({ organizationId: org, id: `req-${Math.random()}`, ip: '127.0.0.1', headers: {}, principal: { organizationId: org, role, actorType: 'USER', actorId: 'u1', actorName: 'dana@example.com' } });
  const draft = (over: Partial<ContextDraft> = {}): ContextDraft => ({ agentId: agentA, type: 'FACT', content: 'The user lives in Berlin', confidence: 0.6, userId: 'u-1', validFromMs: clock, source: from('i-1'), ...over });
  const pref = (content: string, interactionId: string, atMs: number, over: Partial<ContextDraft> = {}) => draft({ type: 'PREFERENCE', content, key: 'language', confidence: 0.9, validFromMs: atMs, source: from(interactionId), ...over });

  beforeAll(async () => {
    stores = await openStores(testConfig(), testMetrics().metrics, quietLogger());
    store = new ContextStore({ controlPlane: stores.controlPlane, telemetry: stores.telemetry, indexer, now: () => clock });
    const org = async (slug: string) => (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [`${slug}-${Date.now()}`]))[0]!.id;
    const agent = async (o: string, name: string) => (await systemDb(stores.controlPlane).query<{ id: string }>("INSERT INTO agents (organization_id, vendor, vendor_agent_id, name) VALUES ($1, 'CUSTOM', $2, $2) RETURNING id", [o, name]))[0]!.id;
    orgA = await org('ctx-a');
    orgB = await org('ctx-b');
    agentA = await agent(orgA, 'support-bot');
    agentA2 = await agent(orgA, 'sales-bot');
    agentB = await agent(orgB, 'other-bot');
  });
  afterAll(() => stores.close());

  it('hashes the normalised content with agent, type, key and user', () => {
    expect(normalisedContent('  I live in  Berlin.  ')).toBe('i live in berlin');
    const base = { agentId: agentA, type: 'FACT' as const, content: 'I live in Berlin.', key: null, userId: 'u-1' };
    expect(contentHash(base)).toBe(contentHash({ ...base, content: 'i live in berlin' }));
    expect(contentHash(base)).not.toBe(contentHash({ ...base, userId: 'u-2' }));
    expect(contentHash(base)).not.toBe(contentHash({ ...base, type: 'INTENT' }));
    expect(contentHash(base)).not.toBe(contentHash({ ...base, agentId: agentA2 }));
    expect(contentHash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(noisyOr(0.6, 0.6)).toBe(0.84);
    expect(noisyOr(1, 0.2)).toBe(1);
  });

  it('merges drafts that say the same thing: one item, its count and confidence raised, the same source not counted twice', async () => {
    indexed.length = 0;
    const first = await store.capture(orgA, [draft()]);
    expect(first.created).toHaveLength(1);
    const id = first.created[0]!.id;
    expect(first.created[0]).toMatchObject({ agentId: agentA, type: 'FACT', mergedCount: 1, confidence: 0.6, userId: 'u-1', source: from('i-1'), validFrom: new Date(T0).toISOString(), supersededBy: null });
    clock = T0 + 1000;
    const second = await store.capture(orgA, [draft({ content: 'the user lives in berlin.', source: from('i-2'), tags: ['location'] })]);
    expect(second.created).toEqual([]);
    expect(second.merged).toEqual([expect.objectContaining({ id, mergedCount: 2, confidence: 0.84, tags: ['location'], updatedAt: new Date(T0 + 1000).toISOString(), createdAt: new Date(T0).toISOString() })]);
    // The same interaction again (a re-run of the extraction) changes nothing.
    const again = await store.capture(orgA, [draft({ source: from('i-1') }), draft({ source: from('i-2') })]);
    expect(again).toMatchObject({ created: [], merged: [], unchanged: 2 });
    const stored = await store.get(orgA, id);
    expect(stored).toMatchObject({ mergedCount: 2, confidence: 0.84 });
    // Another user, agent or type is another item.
    const apart = await store.capture(orgA, [draft({ userId: 'u-2', source: from('i-3') }), draft({ agentId: agentA2, source: from('i-3') }), draft({ type: 'INTENT', source: from('i-3') })]);
    expect(apart.created).toHaveLength(3);
    expect(indexed.map((x) => x.ids.length)).toEqual([1, 1, 3]);
  });

  it('lets a newer preference supersede an older one with the same key, user and agent; an older one arriving late is superseded from the start', async () => {
    const french = (await store.capture(orgA, [pref('Answer in French', 'p-1', T0 + DAY)])).created[0]!;
    indexed.length = 0;
    const german = await store.capture(orgA, [pref('Answer in German', 'p-2', T0 + 2 * DAY)]);
    expect(german.created[0]!.supersededBy).toBeNull();
    expect(german.superseded).toEqual([expect.objectContaining({ id: french.id, supersededBy: german.created[0]!.id })]);
    // The index hears of both: the new one and the one it replaced.
    expect(indexed[0]!.ids.sort()).toEqual([french.id, german.created[0]!.id].sort());
    // Another user's, or an agent-wide, language preference is not touched.
    const other = await store.capture(orgA, [pref('Answer in Dutch', 'p-3', T0 + 3 * DAY, { userId: 'u-9' })]);
    expect(other.superseded).toEqual([]);
    // Said before the German one (a back-filled interaction): kept for history, superseded by it.
    const late = await store.capture(orgA, [pref('Answer in Spanish', 'p-4', T0 + 1.5 * DAY)]);
    expect(late.created[0]!.supersededBy).toBe(german.created[0]!.id);
    expect(late.superseded).toEqual([]);
    // French said again, later: the old French item holds the key once more and German is replaced.
    const back = await store.capture(orgA, [pref('answer in french', 'p-5', T0 + 4 * DAY)]);
    expect(back.created).toEqual([]);
    expect(back.merged).toEqual([expect.objectContaining({ id: french.id, supersededBy: null, mergedCount: 2 })]);
    expect(back.superseded.map((s) => [s.id, s.supersededBy])).toEqual([[german.created[0]!.id, french.id]]);
    const live = await store.list(orgA, { agentId: agentA, type: 'PREFERENCE', userId: 'u-1' });
    expect(live.items.map((i) => i.content)).toEqual(['Answer in French']);
    const all = await store.list(orgA, { agentId: agentA, type: 'PREFERENCE', userId: 'u-1', includeSuperseded: true });
    expect(all.items.map((i) => i.content).sort()).toEqual(['Answer in French', 'Answer in German', 'Answer in Spanish']);
  });

  it('supersedes instructions by key too, and within one batch', async () => {
    const plan = await store.capture(orgA, [
      draft({ type: 'INSTRUCTION', content: 'Always cc billing@acme.com', key: 'cc', userId: null, source: from('n-1'), validFromMs: T0 }),
      draft({ type: 'INSTRUCTION', content: 'Always cc finance@acme.com', key: 'CC', userId: null, source: from('n-2'), validFromMs: T0 + 1 }),
    ]);
    expect(plan.created.map((c) => [c.content, c.key, c.supersededBy === null])).toEqual([
      ['Always cc billing@acme.com', 'cc', false],
      ['Always cc finance@acme.com', 'cc', true],
    ]);
    expect(plan.created[0]!.supersededBy).toBe(plan.created[1]!.id);
  });

  it('plans without writing on a dry run', async () => {
    indexed.length = 0;
    const before = await store.allOf(orgA, agentA, { includeSuperseded: true });
    const plan = await store.capture(orgA, [draft({ content: 'The user works at Acme', source: from('d-1') }), draft({ source: from('d-2') }), pref('Answer in Italian', 'd-3', T0 + 10 * DAY)], { dryRun: true });
    expect(plan.dryRun).toBe(true);
    expect(plan.created.map((c) => c.content)).toEqual(['The user works at Acme', 'Answer in Italian']);
    expect(plan.merged.map((c) => [c.content, c.mergedCount])).toEqual([['The user lives in Berlin', 3]]);
    expect(plan.superseded.map((c) => c.content)).toEqual(['Answer in French']);
    const after = await store.allOf(orgA, agentA, { includeSuperseded: true });
    expect(after).toEqual(before);
    expect(indexed).toEqual([]);
  });

  it('reports invalid drafts by index and captures the rest', async () => {
    const plan = await store.capture(orgA, [
      draft({ content: '   ', source: from('v-0') }),
      draft({ content: 'The user is a nurse', source: from('v-1') }),
      draft({ confidence: 1.5, source: from('v-2') }),
      draft({ agentId: agentB, source: from('v-3') }),
      draft({ agentId: 'not-a-uuid', source: from('v-4') }),
      draft({ validFromMs: T0, validUntilMs: T0 - 1, source: from('v-5') }),
      draft({ tags: ['x'.repeat(65)], source: from('v-6') }),
      draft({ type: 'OPINION' as never, source: from('v-7') }),
    ]);
    expect(plan.created.map((c) => c.content)).toEqual(['The user is a nurse']);
    expect(plan.invalid).toEqual([
      { index: 0, reason: 'content is empty' },
      { index: 2, reason: 'confidence must be a number from 0 to 1' },
      { index: 3, reason: `no agent ${agentB} in this organisation` },
      { index: 4, reason: 'agentId is not an agent id' },
      { index: 5, reason: 'validUntil must be after validFrom' },
      { index: 6, reason: 'tags: at most 32, each 1 to 64 characters' },
      { index: 7, reason: expect.stringContaining('type must be one of') },
    ]);
    expect((await store.capture(orgA, [draft({ content: '' })])).created).toEqual([]);
  });

  it('adds, edits and deletes by hand, audited (the item written first), as new row versions', async () => {
    clock = T0 + 20 * DAY;
    const created = await store.create(request(orgA), { agentId: agentA, type: 'INSTRUCTION', content: 'Never mention competitors', key: 'mention:competitors', tags: ['policy'] });
    expect(created).toMatchObject({ source: { type: 'MANUAL', interactionId: null, extractor: null, importedFrom: null }, confidence: 1, userId: null, mergedCount: 1, key: 'mention:competitors' });
    const edited = await store.update(request(orgA), created.id, { content: 'Never mention competitors by name', validUntil: new Date(T0 + 40 * DAY).toISOString() });
    expect(edited).toMatchObject({ id: created.id, content: 'Never mention competitors by name', validUntil: new Date(T0 + 40 * DAY).toISOString(), createdAt: created.createdAt });
    expect(await store.get(orgA, created.id)).toEqual(edited);
    await expect(store.update(request(orgA), created.id, { validUntil: new Date(T0).toISOString() })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'body/validUntil' } });
    const removed = await store.remove(request(orgA), created.id);
    expect(removed.id).toBe(created.id);
    expect(await store.get(orgA, created.id)).toBeNull();
    await expect(store.remove(request(orgA), created.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Three versions of one row (ReplacingMergeTree keeps the newest): nothing was altered in place.
    const versions = await systemTelemetry(stores.telemetry).query<{ n: string; deleted: number }>('SELECT count() AS n, max(deleted) AS deleted FROM {db:Identifier}.context_items WHERE id = {id:UUID}', { id: created.id });
    expect(versions.map((v) => [Number(v.n), Number(v.deleted)])).toEqual([[3, 1]]);
    const audit = await systemDb(stores.controlPlane).query<{ action: string; resource_id: string }>("SELECT action, resource_id FROM audit_log WHERE organization_id = $1 AND action LIKE 'context.%' ORDER BY sequence", [orgA]);
    expect(audit).toEqual([
      { action: 'context.create', resource_id: created.id },
      { action: 'context.update', resource_id: created.id },
      { action: 'context.delete', resource_id: created.id },
    ]);
    // Adding what is already there merges into it.
    const merged = await store.create(request(orgA), { agentId: agentA, type: 'FACT', content: 'The user is a nurse.', userId: 'u-1' });
    expect(merged.mergedCount).toBe(2);
    await expect(store.create(request(orgA), { agentId: agentB, type: 'FACT', content: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'body/agentId' } });
  });

  it('lists newest first with filters (type, user, tag, validity) and pages with a cursor', async () => {
    const page1 = await store.list(orgA, { agentId: agentA, limit: 2 });
    expect(page1.items).toHaveLength(2);
    const page2 = await store.list(orgA, { agentId: agentA, limit: 2, cursor: page1.nextCursor! });
    const every = await store.list(orgA, { agentId: agentA, limit: 500 });
    expect([...page1.items, ...page2.items].map((i) => i.id)).toEqual(every.items.slice(0, 4).map((i) => i.id));
    const times = every.items.map((i) => Date.parse(i.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(every.items.every((i) => i.supersededBy === null && i.agentId === agentA)).toBe(true);
    expect((await store.list(orgA, { tag: 'location' })).items.map((i) => i.content)).toEqual(['The user lives in Berlin']);
    expect((await store.list(orgA, { type: 'INTENT' })).items.map((i) => i.type)).toEqual(['INTENT']);
    const expiring = await store.create(request(orgA), { agentId: agentA, type: 'FACT', content: 'The user is travelling', validFrom: new Date(T0).toISOString(), validUntil: new Date(T0 + DAY).toISOString() });
    expect((await store.list(orgA, { validAt: new Date(T0 + DAY / 2).toISOString() })).items.map((i) => i.id)).toContain(expiring.id);
    expect((await store.list(orgA, { validAt: new Date(T0 + 2 * DAY).toISOString() })).items.map((i) => i.id)).not.toContain(expiring.id);
    await expect(store.list(orgA, { cursor: 'bogus' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    const oldest = await store.allOf(orgA, agentA);
    expect(oldest.map((i) => Date.parse(i.createdAt))).toEqual([...oldest.map((i) => Date.parse(i.createdAt))].sort((a, b) => a - b));
  });

  it('keeps organisations apart', async () => {
    const mine = (await store.capture(orgB, [draft({ agentId: agentB, source: from('b-1') })])).created[0]!;
    const theirs: Context = (await store.list(orgA, { limit: 1 })).items[0]!;
    expect(await store.get(orgB, theirs.id)).toBeNull();
    expect(await store.get(orgA, mine.id)).toBeNull();
    expect((await store.list(orgB, {})).items.map((i) => i.id)).toEqual([mine.id]);
    expect(await store.allOf(orgB, agentA)).toEqual([]);
    await expect(store.update(request(orgB), theirs.id, { content: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.remove(request(orgB), theirs.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The same content for org B's agent never merges with org A's item.
    expect((await store.capture(orgB, [draft({ agentId: agentA, source: from('b-2') })])).invalid[0]!.reason).toBe(`no agent ${agentA} in this organisation`);
    // Code acting for org A cannot write org B's rows.
    await expect(asTenant(orgA, () => store.capture(orgB, [draft({ agentId: agentB })]))).rejects.toThrow(/tried to act for/);
  });
});
