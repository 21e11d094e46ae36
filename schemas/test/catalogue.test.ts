import { checkCatalogue, loadCatalogue, type Catalogue } from '../src/metrics/catalogue';
import { prometheusName } from '../src/metrics/naming';
import { renderRecorder } from '../scripts/render-metrics';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const clone = (c: Catalogue): Catalogue => JSON.parse(JSON.stringify(c)) as Catalogue;

describe('metric catalogue', () => {
  const catalogue = loadCatalogue();

  it('holds the first metrics under the GenAI semconv names and our own', () => {
    const names = catalogue.metrics.map((m) => m.prometheus);
    for (const n of [
      'gen_ai_client_token_usage',
      'gen_ai_client_operation_duration_seconds',
      'ai_arm_cost_usd_total',
      'ai_arm_requests_total',
      'ai_arm_errors_total',
      'ai_arm_agent_health',
      'ai_arm_agents',
      'ai_arm_collector_polls_total',
      'ai_arm_collector_vendor_api_requests_total',
      'ai_arm_collector_write_rows_total',
    ]) expect(names).toContain(n);
  });

  it('uses OTel attribute values for labels', () => {
    expect(catalogue.labels.gen_ai_provider_name?.values).toEqual(expect.arrayContaining(['openai', 'anthropic']));
    expect(catalogue.labels.gen_ai_token_type?.values).toEqual(expect.arrayContaining(['input', 'output']));
    expect(catalogue.enumMappings.vendorToProvider?.map).toMatchObject({ OPENAI: 'openai', ANTHROPIC: 'anthropic' });
  });

  it.each([
    [{ name: 'gen_ai.client.operation.duration', unit: 's', instrument: 'histogram' as const }, 'gen_ai_client_operation_duration_seconds'],
    [{ name: 'gen_ai.client.token.usage', unit: '{token}', instrument: 'histogram' as const }, 'gen_ai_client_token_usage'],
    [{ name: 'ai_arm.requests', unit: '{request}', instrument: 'counter' as const }, 'ai_arm_requests_total'],
    [{ name: 'x.bytes.read', unit: 'By', instrument: 'counter' as const }, 'x_bytes_read_bytes_total'],
    [{ name: 'x.utilization', unit: '1', instrument: 'gauge' as const }, 'x_utilization_ratio'],
    [{ name: 'x.throughput', unit: 'By/s', instrument: 'gauge' as const }, 'x_throughput_bytes_per_seconds'],
    [{ name: 'x.latency_seconds', unit: 's', instrument: 'gauge' as const }, 'x_latency_seconds'],
  ])('names %j as %s on Prometheus', (metric, expected) => {
    expect(prometheusName(metric)).toBe(expected);
  });

  it('finds each kind of inconsistency', () => {
    const broken = clone(catalogue);
    const byName = (name: string) => broken.metrics.find((m) => m.name === name)!;
    const hist = broken.metrics.find((m) => m.instrument === 'histogram')!;
    hist.labels.push('gen_ai_agent_id');
    byName('ai_arm.tokens').prometheus = 'tokens_total';
    byName('ai_arm.cost.usd').labels.push('no_such_label');
    byName('ai_arm.tokens.unpriced').buckets = 'seconds';
    broken.enumMappings.vendorToProvider!.map = { OPENAI: 'openai', ANTHROPIC: 'claude' };
    broken.buckets.seconds = [1, 0.5];
    byName('ai_arm.cost.month_to_date').optionalLabels = ['store'];
    const problems = checkCatalogue(broken).join('\n');
    expect(problems).toMatch(/gen_ai.client.token.usage: a histogram may carry gen_ai_agent_id only beside organization_id and nothing else/);
    expect(problems).toMatch(/prometheus name tokens_total breaks the OTel naming rules, expected ai_arm_tokens_total/);
    expect(problems).toMatch(/label no_such_label is not defined/);
    expect(problems).toMatch(/only histograms take buckets/);
    expect(problems).toMatch(/Vendor.GOOGLE has no label value/);
    expect(problems).toMatch(/claude is not a value of gen_ai_provider_name/);
    expect(problems).toMatch(/buckets seconds must increase/);
    expect(problems).toMatch(/optional label store is not among its labels/);
  });

  it('allows per-agent latency only as organisation + agent on at most 10 buckets under a cap of 2000 agents', () => {
    const agentHist = catalogue.metrics.find((m) => m.prometheus === 'ai_arm_agent_request_duration_seconds')!;
    expect(agentHist.labels).toEqual(['organization_id', 'gen_ai_agent_id']);
    expect(checkCatalogue(catalogue)).toEqual([]);

    const wider = clone(catalogue);
    wider.metrics.find((m) => m.name === agentHist.name)!.labels.push('gen_ai_request_model');
    expect(checkCatalogue(wider).join('\n')).toMatch(/ai_arm.agent.request.duration: a histogram may carry gen_ai_agent_id only beside organization_id and nothing else/);

    const finer = clone(catalogue);
    finer.metrics.find((m) => m.name === agentHist.name)!.buckets = 'seconds';
    expect(checkCatalogue(finer).join('\n')).toMatch(/takes at most 10 buckets, seconds has 14/);

    const uncapped = clone(catalogue);
    uncapped.metrics.find((m) => m.name === agentHist.name)!.cardinalityLimit = 2001;
    expect(checkCatalogue(uncapped).join('\n')).toMatch(/cardinalityLimit of at most 2000, not 2001/);

    const untenanted = clone(catalogue);
    untenanted.metrics.find((m) => m.name === agentHist.name)!.labels = ['gen_ai_agent_id'];
    expect(checkCatalogue(untenanted).join('\n')).toMatch(/only beside organization_id/);
  });

  it('separates pushed counts from vendor-reported ones on the request and error counters', () => {
    expect(catalogue.labels.source?.values).toEqual(['vendor_report', 'push']);
    for (const n of ['ai_arm_requests_total', 'ai_arm_errors_total']) expect(catalogue.metrics.find((m) => m.prometheus === n)!.labels).toContain('source');
    expect(catalogue.metrics.find((m) => m.prometheus === 'ai_arm_requests_total')!.optionalLabels).toEqual(['status']);
    expect(catalogue.metrics.map((m) => m.name)).toEqual(expect.arrayContaining(['gen_ai.client.operation.time_to_first_chunk', 'ai_arm.collector.spool.bytes', 'ai_arm.cost.tracked.usd']));
  });

  it('has one tenant label, without values, carried by every per-tenant metric and never folded', () => {
    expect(catalogue.labels.organization_id?.tenant).toBe(true);
    const ts = renderRecorder(catalogue);
    expect(ts).toMatch(/name: 'ai_arm.budget.spent_ratio',[^}]*boundedLabels: \['budget'\],\n    tenantLabel: 'organization_id',/);
    for (const m of catalogue.metrics.filter((x) => !/^ai_arm\.(collector\.write|collector\.spool|metrics)\./.test(x.name))) expect([m.name, m.labels[0]]).toEqual([m.name, 'organization_id']);
    const broken = clone(catalogue);
    broken.labels.budget!.tenant = true;
    broken.labels.store!.tenant = true;
    const problems = checkCatalogue(broken).join('\n');
    expect(problems).toMatch(/only one label can be the tenant label: organization_id, store, budget|only one label can be the tenant label/);
    expect(problems).toMatch(/store: the tenant label cannot list values/);
  });

  it('refuses a file of the wrong shape, naming where', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
    const path = join(dir, 'c.yaml');
    writeFileSync(path, 'version: 1\nlabels: {}\nenumMappings: {}\nbuckets: {}\nmetrics:\n  - name: x\n    instrument: summary\n');
    expect(() => loadCatalogue(path)).toThrow(/\/metrics\/0/);
  });

  it('the recording API gives each metric a typed accessor by instrument', () => {
    const ts = renderRecorder(catalogue);
    expect(ts).toContain("readonly costUsd: { add(value: number, labels: CostUsdLabels): void };");
    expect(ts).toContain("readonly agents: { set(value: number, labels: AgentsLabels): void; clear(only: { organization_id: string }): void };");
    expect(ts).toContain("readonly collectorWriteBuffered: { set(value: number, labels: CollectorWriteBufferedLabels): void; clear(): void };");
    expect(ts).toContain("readonly genAiClientOperationDuration: { record(value: number, labels: GenAiClientOperationDurationLabels): void };");
    expect(ts).toMatch(/error_type\?: ErrorType;/);
  });
});
