import { loadPriceTable } from '@ai-arm/schemas';
import { normalizeAnthropicUsage, type AnthropicUsagePage } from '../../src/connectors/anthropic/usage';
import type { UsageRow } from '../../src/connectors/types';
import { indexRules, LiveUsageMeter } from '../../src/costs/live-usage';
import { PriceBook } from '../../src/costs/price-book';
import { pollFeed } from '../../src/poller/reports';
import { openStores, type Stores } from '../../src/stores';
import { BatchWriter } from '../../src/stores/clickhouse/batch-writer';
import type { TelemetryDb } from '../../src/stores/clickhouse/client';
import { asTenant } from '../../src/stores/tenant-scope';
import { CONTROL_PLANE, quietLogger, testConfig, testMetrics } from '../support/stores';
import { systemDb, systemTelemetry } from '../support/system-db';
import { sampleTotal } from '../support/wait';

const T0 = Date.UTC(2026, 0, 1, 5) / 1000;
const BUCKET = '2026-01-01 05:00:00';

/**
 * The live token counters against a vendor that revises a bucket, a store that fails after its
 * rows landed, and Anthropic tiers: each counted once, at what the vendor last said at most.
 * Real chdb; the store's failure is injected by a wrapper that inserts and then throws, as a lost
 * reply does.
 */
describe(`live usage counters and their marks (real chdb and ${CONTROL_PLANE})`, () => {
  let stores: Stores;
  let org: string;
  let conn: string;
  /** Inserts to let land and then fail, as when the reply is lost. */
  let failAfterInsert = 0;
  beforeAll(async () => {
    stores = await openStores(testConfig(), testMetrics().metrics, quietLogger());
    const sys = systemDb(stores.controlPlane);
    org = (await sys.query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('Marks', $1) RETURNING id", [`marks-${Date.now()}`]))[0]!.id;
    conn = '22222222-2222-4222-8222-222222222222';
  });
  afterAll(() => stores?.close());

  /** One collector process: its own meter and writer; polls one page of rows for the bucket. */
  const collector = () => {
    const { sink, metrics } = testMetrics();
    const real = stores.telemetry;
    const telemetry: TelemetryDb = {
      ...real,
      insert: async (table, rows) => {
        await real.insert(table, rows);
        if (failAfterInsert > 0 && failAfterInsert--) throw Object.assign(new Error('socket hang up (reply lost)'), { code: 'ECONNRESET' });
      },
    };
    const writer = new BatchWriter(telemetry, { batchSize: 1000, flushMs: 60_000, maxRetries: 1, retryBaseMs: 1 }, metrics, quietLogger());
    const meter = new LiveUsageMeter(real, metrics, async () => ({ book: new PriceBook(loadPriceTable()), attribution: indexRules([]) }), quietLogger());
    const watermarks = { get: async () => ({ watermark: new Date(T0 * 1000), startedAt: new Date(T0 * 1000) }), advance: async () => undefined, failed: async () => undefined };
    const poll = (rows: UsageRow[]) =>
      asTenant(org, () =>
        pollFeed({ name: 'usage', bucketSeconds: 3600, async *pages() { yield { rows: rows.map((r) => ({ ...r })), reached: T0 + 3600 }; } } as never, 'vendor_usage', { organizationId: org, connectionId: conn }, { writer, watermarks: watermarks as never, meter }, { end: T0 + 3600, trailingSeconds: 48 * 3600, backfillFrom: T0 }),
      ).then(
        () => 'stored',
        () => 'failed',
      );
    const tokens = async (model: string) => sampleTotal((await sink.render()).split('\n').filter((l) => l.includes(`gen_ai_request_model="${model}"`)).join('\n'), 'ai_arm_tokens_total');
    return { poll, tokens };
  };
  const row = (model: string, input: number, over: Partial<UsageRow> = {}): UsageRow => ({
    vendor: 'OPENAI', bucket_start: BUCKET, bucket_width: '1h', project_id: 'p', api_key_id: 'k', model, operation: 'chat', service_tier: 'standard', context_window: '',
    requests: 1, input_tokens: input, cache_read_tokens: 0, cache_write_5m_tokens: 0, cache_write_1h_tokens: 0, output_tokens: 0, ...over,
  });
  const stored = async (model: string) =>
    Number((await systemTelemetry(stores.telemetry).query<{ n: number }>('SELECT sum(input_tokens + output_tokens) AS n FROM {db:Identifier}.vendor_usage FINAL WHERE organization_id = {org:UUID} AND model = {m:String}', { org, m: model }))[0]!.n);

  it('a bucket revised 100, 90, 100, 90, 100 is counted 100: never past what the vendor said at most', async () => {
    const c = collector();
    const seen: number[] = [];
    for (const n of [100, 90, 100, 90, 100]) {
      expect(await c.poll([row('gpt-4o-mini', n)])).toBe('stored');
      seen.push(await c.tokens('gpt-4o-mini'));
    }
    expect(seen).toEqual([100, 100, 100, 100, 100]);
    expect(await stored('gpt-4o-mini')).toBe(100);
  });

  it('a page whose store failed after its rows landed is counted by the next poll, once', async () => {
    const c = collector();
    failAfterInsert = 2; // the insert and its one retry both land, and both lose their reply
    expect(await c.poll([row('gpt-4.1', 500)])).toBe('failed');
    expect(await stored('gpt-4.1')).toBe(500);
    expect(await c.tokens('gpt-4.1')).toBe(0);
    expect(await c.poll([row('gpt-4.1', 500)])).toBe('stored');
    expect(await c.tokens('gpt-4.1')).toBe(500);
    expect(await c.poll([row('gpt-4.1', 500)])).toBe('stored');
    expect(await c.tokens('gpt-4.1')).toBe(500);
  });

  it("Anthropic's standard and priority results of one bucket, key and model are two rows: both stored, each counted once", async () => {
    const result = (tier: string, input: number) => ({ uncached_input_tokens: input, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }, output_tokens: 0, workspace_id: 'w', api_key_id: 'k', model: 'claude-sonnet-4-5', service_tier: tier, context_window: '0-200k' });
    const page: AnthropicUsagePage = { has_more: false, next_page: null, data: [{ starting_at: '2026-01-01T05:00:00Z', ending_at: '2026-01-01T06:00:00Z', results: [result('standard', 1000), result('priority', 300)] }] };
    const rows = normalizeAnthropicUsage(page, '1h');
    expect(rows.map((r) => r.service_tier)).toEqual(['standard', 'priority']);
    const c = collector();
    for (let i = 0; i < 3; i++) expect(await c.poll(rows)).toBe('stored');
    expect(await stored('claude-sonnet-4-5')).toBe(1300);
    expect(await c.tokens('claude-sonnet-4-5')).toBe(1300);
  });
});
