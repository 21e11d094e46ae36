import { Instruments } from '../src/metrics/instruments.generated';
import { TeeSink } from '../src/metrics/otel-sink';
import { otlpMetricsPush } from '../src/metrics/otlp-push';
import { PrometheusSink } from '../src/metrics/prometheus-sink';
import { otlpCaptureServer } from './support/capture';

type MetricsBody = {
  resourceMetrics: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeMetrics: { metrics: { name: string; unit?: string; sum?: { dataPoints: { asDouble?: number; asInt?: string; attributes: { key: string; value: { stringValue?: string } }[] }[] } }[] }[];
  }[];
};

describe('OTLP metrics push (into a capture server: no OTLP receiver runs here)', () => {
  it('pushes the catalogue metrics with their OTel names and attributes, beside /metrics', async () => {
    const capture = await otlpCaptureServer();
    const prom = new PrometheusSink({ processMetrics: false });
    const push = otlpMetricsPush({ endpoint: capture.url, intervalMs: 1000, serviceName: 'ai-arm-test' });
    const m = new Instruments(new TeeSink([prom, push]));
    m.tokens.add(1200, { organization_id: 'o1', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o', gen_ai_token_type: 'input', gen_ai_agent_id: 'a1' });
    m.costUsd.add(0.75, { organization_id: 'o1', gen_ai_provider_name: 'anthropic', gen_ai_request_model: 'claude-sonnet-4-5', gen_ai_agent_id: 'a1' });
    m.collectorVendorApiDuration.record(0.2, { organization_id: 'o1', gen_ai_provider_name: 'openai', endpoint: 'usage' });
    await push.shutdown(); // flushes a last export
    await capture.close();

    const bodies = capture.received.filter((r) => r.path === '/v1/metrics').map((r) => r.body as MetricsBody);
    expect(bodies.length).toBeGreaterThan(0);
    const metrics = bodies.flatMap((b) => b.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)));
    const tokens = metrics.find((x) => x.name === 'ai_arm.tokens')!;
    const point = tokens.sum!.dataPoints[0]!;
    expect(Number(point.asDouble ?? point.asInt)).toBe(1200);
    expect(Object.fromEntries(point.attributes.map((a) => [a.key, a.value.stringValue]))).toEqual({ organization_id: 'o1', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.token.type': 'input', 'gen_ai.agent.id': 'a1' });
    expect(metrics.map((x) => x.name)).toEqual(expect.arrayContaining(['ai_arm.cost.usd', 'ai_arm.collector.vendor_api.duration']));
    expect(bodies[0]!.resourceMetrics[0]!.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).toBe('ai-arm-test');
    // The same observations on /metrics.
    expect(await prom.render()).toContain('ai_arm_tokens_total{organization_id="o1",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_token_type="input",gen_ai_agent_id="a1"} 1200');
  });
});
