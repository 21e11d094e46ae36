import { polledApp, type PolledApp } from '../support/polled-app';
import { systemTelemetry } from '../support/system-db';

const NOW = Date.UTC(2026, 10, 20, 12) / 1000 + 1234;
const RANGE = 'from=2026-11-17&to=2026-11-20';
const SONNET = 'claude-sonnet-4-5-20250929';
const cents = (s: string) => Math.round(Number(s) * 100);

/**
 * Contract prices through the API over real stores filled from the simulator: an override
 * names the rates its contract changes and inherits the rest from the list price in force.
 */
describe('price overrides (real chdb and PGlite, simulator data)', () => {
  let p: PolledApp;
  const get = async (url: string) => {
    const res = await p.app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json() };
  };
  const post = async (payload: unknown) => {
    const res = await p.app.inject({ method: 'POST', url: '/api/v1/costs/prices', payload: payload as object });
    return { status: res.statusCode, body: res.json() };
  };
  const remove = (id: string) => p.app.inject({ method: 'DELETE', url: `/api/v1/costs/prices/${id}` });
  const sonnetCost = async () => (await get(`/api/v1/costs/breakdown?by=model&${RANGE}`)).body.data.find((r: { key: string }) => r.key === SONNET) as { cost: string; unpricedTokens: number };

  beforeAll(async () => {
    p = await polledApp({ now: NOW, agents: 30, backfillDays: 3, demo: true });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('an override without long-context rates still prices over-200k usage at the long-context rate: restating the list changes no cost', async () => {
    const [usage] = await systemTelemetry(p.stores.telemetry).query<{ n: number }>(
      "SELECT count() AS n FROM {db:Identifier}.vendor_usage FINAL WHERE organization_id = {org:UUID} AND model = {model:String} AND context_window = '200k-1M' AND input_tokens > 0",
      { org: p.org, model: SONNET },
    );
    expect(Number(usage!.n)).toBeGreaterThan(0);
    // The list prices this usage as the simulator bills it (reconciliation.test.ts holds that to the cent).
    const before = await sonnetCost();
    expect(cents(before.cost)).toBeGreaterThan(0);

    // The contract restates the list's standard rates and says nothing of long context.
    const entry = { effective_from: '2026-01-01', input: 3, cached_input: 0.3, cache_write_5m: 3.75, cache_write_1h: 6, output: 15 };
    const created = await post({ vendor: 'ANTHROPIC', model: 'claude-sonnet-4-5', entry, note: 'contract 2026' });
    expect(created.status).toBe(201);
    const after = await sonnetCost();
    expect({ cost: cents(after.cost), unpriced: after.unpricedTokens }).toEqual({ cost: cents(before.cost), unpriced: 0 });
    expect(created.body.data.inherited).toEqual(['long_context.input', 'long_context.cached_input', 'long_context.cache_write_5m', 'long_context.cache_write_1h', 'long_context.output']);

    const listed = (await get('/api/v1/costs/prices')).body.data;
    expect(listed.prices.find((p: { model: string }) => p.model === 'claude-sonnet-4-5')).toMatchObject({
      source: 'override',
      effectiveFrom: '2026-01-01',
      usdPerMillion: { input: '3', output: '15' },
      longContext: { contextWindow: '200k-1M', usdPerMillion: { input: '6', cachedInput: '0.6', output: '22.5' } },
      inherited: created.body.data.inherited,
    });
    expect(listed.overrides.find((o: { id: string }) => o.id === created.body.data.id)).toMatchObject({ inherited: created.body.data.inherited });
    expect((await remove(created.body.data.id)).statusCode).toBe(204);
  });

  it('an override naming only its input inherits the rest; the listing says which, and the list rows cite their source', async () => {
    const before = await sonnetCost();
    const created = await post({ vendor: 'ANTHROPIC', model: 'claude-sonnet-4-5', entry: { effective_from: '2026-01-01', input: 2.4 } });
    expect(created.status).toBe(201);
    expect(created.body.data.inherited).toEqual(expect.arrayContaining(['cached_input', 'cache_write_5m', 'cache_write_1h', 'output', 'long_context.input']));
    expect(created.body.data.inherited).not.toContain('input');
    // Only the standard window's uncached input got cheaper: the cost falls, and nothing went unpriced.
    const after = await sonnetCost();
    expect(after.unpricedTokens).toBe(0);
    expect(cents(after.cost)).toBeLessThan(cents(before.cost));
    const listed = (await get('/api/v1/costs/prices')).body.data.prices as { model: string; source: string; sourceUrl: string | null; tiers: Record<string, unknown>; inherited: string[] }[];
    const o3 = listed.find((p) => p.model === 'o3')!;
    expect(o3).toMatchObject({ source: 'list', sourceUrl: expect.stringMatching(/^https:\/\//), usdPerMillion: { input: '2', cachedInput: '0.5', output: '8' }, inherited: [] });
    expect(o3.tiers).toEqual({ flex: expect.objectContaining({ input: '1', output: '4' }), priority: expect.objectContaining({ input: '3.5', output: '14' }) });
    expect(listed.every((p) => p.source === 'override' || /^https:\/\//.test(p.sourceUrl ?? ''))).toBe(true);
    expect((await remove(created.body.data.id)).statusCode).toBe(204);
  });

  it('refuses with 400 an override that leaves rates nothing can be inherited for, naming them, and stores nothing', async () => {
    const before = (await get('/api/v1/costs/prices')).body.data.overrides.length;
    const unknown = await post({ vendor: 'OPENAI', model: 'o1-pro', entry: { effective_from: '2025-01-01', cached_input: 150 } });
    expect(unknown).toMatchObject({ status: 400, body: { success: false, error: { code: 'VALIDATION_ERROR', details: { field: 'body/entry', missing: ['input', 'output'] } } } });
    expect(unknown.body.error.message).toContain('names no input, output');
    // Before the list prices o3 there is nothing to inherit either.
    const early = await post({ vendor: 'OPENAI', model: 'o3', entry: { effective_from: '2025-01-01', input: 1 } });
    expect(early).toMatchObject({ status: 400, body: { error: { details: { missing: ['output'] } } } });
    expect((await get('/api/v1/costs/prices')).body.data.overrides.length).toBe(before);
  });
});
