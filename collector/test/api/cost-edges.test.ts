import { randomUUID } from 'node:crypto';
import { authedApp } from './support';
import { CONTROL_PLANE } from '../support/stores';
import { systemTelemetry } from '../support/system-db';

const usageRow = (org: string, conn: string, o: Record<string, unknown>) => ({
  organization_id: org, connection_id: conn, vendor: 'OPENAI', bucket_start: '2026-01-01 00:00:00', bucket_width: '1h', project_id: 'proj_1', api_key_id: 'key_1', model: 'gpt-4o', operation: 'chat',
  service_tier: 'standard', context_window: '', requests: 1, input_tokens: 0, cache_read_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: 0, polled_at: '2026-01-01 00:00:00.000', ...o,
});

/**
 * Money at its edges, once wrong: a budget of 16 digits came back rounded through a float, an
 * anomaly alert on a vendor's budget judged every vendor's spend, and a cent figure rounded
 * through a float ($1.005 read "$1.00" beside an exact "1.01"). Real chdb, rows as the poller
 * stores them; gpt-4o at $2.50 input and $10 output a million tokens.
 */
describe(`cost figures at their edges (real chdb and ${CONTROL_PLANE}, app.inject)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let now = new Date('2026-01-10T12:20:00Z');
  beforeAll(async () => {
    t = await authedApp({}, async () => ({ now: () => now }));
  });
  afterAll(() => t.close());
  const insertUsage = (rows: Record<string, unknown>[]) => systemTelemetry(t.stores.telemetry).insert('vendor_usage', rows);

  it('gives a budget back to the cent as it was set, whatever its size', async () => {
    for (const amount of ['1234567890123456.78', '9999999999999999.99', '0.01', '12.50']) {
      const res = await t.call(t.admin, { method: 'POST', url: '/api/v1/costs/budget', payload: { name: `b-${amount}`, period: 'MONTH', amount } });
      expect({ amount, status: res.status, got: res.body.data.amount }).toEqual({ amount, status: 201, got: amount });
    }
  });

  it("an anomaly alert on a vendor's budget judges that vendor's spend alone", async () => {
    const conn = randomUUID();
    const rows = [];
    for (let d = 1; d <= 7; d++) rows.push(usageRow(t.org, conn, { bucket_start: `2026-01-${String(10 - d).padStart(2, '0')} 11:00:00`, output_tokens: 100_000 }));
    rows.push(usageRow(t.org, conn, { bucket_start: '2026-01-10 11:00:00', output_tokens: 10_000_000 }));
    await insertUsage(rows);
    const anthropic = (await t.call(t.admin, { method: 'POST', url: '/api/v1/costs/budget', payload: { name: 'anthropic daily', period: 'DAY', amount: '50', vendor: 'ANTHROPIC' } })).body.data;
    const openai = (await t.call(t.admin, { method: 'POST', url: '/api/v1/costs/budget', payload: { name: 'openai daily', period: 'DAY', amount: '50', vendor: 'OPENAI' } })).body.data;
    const alert = async (budgetId: string) => (await t.call(t.admin, { method: 'POST', url: '/api/v1/costs/alerts', payload: { name: `spike ${budgetId}`, alertType: 'ANOMALY', budgetId } })).body.data as { firing: boolean };
    expect((await alert(anthropic.id)).firing).toBe(false);
    expect((await alert(openai.id)).firing).toBe(true);
  });

  it('says a cent figure as the exact amount rounds, in the message as in the figure', async () => {
    now = new Date('2026-01-01T12:30:00Z');
    const conn = randomUUID();
    // $1.005 exactly: 402,000 input tokens at $2.50 a million, over two hours.
    await insertUsage([usageRow(t.org, conn, { bucket_start: '2026-01-01 05:00:00', input_tokens: 201_000 }), usageRow(t.org, conn, { bucket_start: '2026-01-01 06:00:00', input_tokens: 201_000 })]);
    const alert = (await t.call(t.admin, { method: 'POST', url: '/api/v1/costs/alerts', payload: { name: 'over a dollar', alertType: 'THRESHOLD', threshold: '1.00', period: 'DAY' } })).body.data as { firing: boolean; actualCost: string; message: string };
    expect(alert.firing).toBe(true);
    expect(alert.message).toContain('$1.01 this day');
  });
});
