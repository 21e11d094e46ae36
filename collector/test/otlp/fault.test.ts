import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { loadPriceTable } from '@ai-arm/schemas';
import { CostService } from '../../src/costs/service';
import { openPipeline } from '../../src/interactions/open';
import type { InteractionPipeline } from '../../src/interactions/pipeline';
import { BatchWriter } from '../../src/stores/clickhouse/batch-writer';
import type { TelemetryDb } from '../../src/stores/clickhouse/client';
import { asTenant } from '../../src/stores/tenant-scope';
import { authedApp } from '../api/support';
import { quietLogger } from '../support/stores';

/**
 * Issue 18's fault test, end to end: an application exports spans with the official SDK while
 * ClickHouse refuses every write, then ClickHouse comes back. Every span the collector accepted
 * is stored exactly once, and counted once.
 */
describe('pushed spans survive a ClickHouse outage mid-stream (official OTLP exporter, real chdb behind an insert switch)', () => {
  it('accepts spans while writes fail, stores each exactly once after recovery, and counts each once', async () => {
    const state = { down: false, refused: 0 };
    let pipeline!: InteractionPipeline;
    const t = await authedApp({ ARM_WRITE_MAX_RETRIES: '0' }, async (stores, config, metrics) => {
      const refuse = (table: string) => {
        if (!state.down || table !== 'interactions') return;
        state.refused++;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
      };
      const flaky: TelemetryDb = {
        ...stores.telemetry,
        insert: async (table, rows) => {
          refuse(table);
          return stores.telemetry.insert(table, rows);
        },
        insertJson: async (table, encoded) => {
          refuse(table);
          return stores.telemetry.insertJson(table, encoded);
        },
      };
      const writer = new BatchWriter(flaky, { ...config.write, maxRetries: 0, retryBaseMs: 1 }, metrics, quietLogger());
      const costs = new CostService(stores, loadPriceTable());
      pipeline = await openPipeline({ config, stores: { ...stores, writer }, metrics, log: quietLogger(), priceBook: (org) => costs.priceBook(org) });
      return { ingest: pipeline, metrics };
    });
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const key = (await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'app', role: 'ingest' } })).body.data.key as string;
      const provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'svc-outage' }),
        spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces`, headers: { Authorization: `Bearer ${key}` } }), maxExportBatchSize: 25, scheduledDelayMillis: 20 })],
      });
      const tracer = provider.getTracer('app-genai');
      const send = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const span = tracer.startSpan('chat gpt-4o-mini', { attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.agent.name': 'Agent outage-bot', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 5 } });
          span.end();
        }
        await provider.forceFlush();
      };

      await send(40);
      state.down = true;
      await send(120); // accepted to the spool while every insert fails
      await new Promise((r) => setTimeout(r, 100));
      expect(state.refused).toBeGreaterThan(0);
      state.down = false;
      await send(40);
      await provider.shutdown();

      const stored = async () =>
        asTenant(t.org, async () => {
          const [r] = await t.stores.telemetry.query<{ all: number; distinct: number }>('SELECT count() AS all, uniqExact(id) AS distinct FROM {db:Identifier}.interactions FINAL');
          return r!;
        });
      // The spool retries the refused rows after its back-off (1 s, doubling): wait for them, bounded.
      for (let i = 0; i < 100 && (await stored()).all < 200; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await stored()).toEqual({ all: 200, distinct: 200 });
      const metrics = (await t.call(null, { url: '/metrics' })).raw;
      const requests = metrics
        .split('\n')
        .filter((l) => l.startsWith('ai_arm_requests_total{') && l.includes(`organization_id="${t.org}"`) && l.includes('source="push"'))
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      expect(requests).toBe(200);
    } finally {
      await t.app.close();
      await pipeline.close();
      await t.stores.close();
    }
  });
});
