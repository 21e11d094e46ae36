import { loadCatalogue } from '@ai-arm/schemas';
import { Instruments, METRIC_DEFINITIONS, vendorToProvider, healthToLabel } from '../src/metrics/instruments.generated';
import { PrometheusSink } from '../src/metrics/prometheus-sink';

const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('recording API over the Prometheus sink', () => {
  it('registers exactly the catalogue, under its Prometheus names', () => {
    expect(METRIC_DEFINITIONS.map((d) => d.prometheus)).toEqual(loadCatalogue().metrics.map((m) => m.prometheus));
  });

  it('records counters, gauges and histograms with their labels', async () => {
    const sink = new PrometheusSink({ processMetrics: false });
    const m = new Instruments(sink);
    m.costUsd.add(0.25, { organization_id: 'o1', gen_ai_provider_name: vendorToProvider('ANTHROPIC'), gen_ai_request_model: 'claude-sonnet-4-5-20250929', gen_ai_agent_id: 'a1' });
    m.costUsd.add(0.5, { organization_id: 'o1', gen_ai_provider_name: 'anthropic', gen_ai_request_model: 'claude-sonnet-4-5-20250929', gen_ai_agent_id: 'a1' });
    m.agentHealth.set(1, { organization_id: 'o1', gen_ai_provider_name: 'openai', gen_ai_agent_id: 'a2', health_status: healthToLabel('DOWN') });
    m.genAiClientOperationDuration.record(0.3, { organization_id: 'o1', gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o' });
    m.genAiClientOperationDuration.record(2, { organization_id: 'o1', gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o', error_type: 'timeout' });
    const text = await sink.render();
    expect(sample(text, 'ai_arm_cost_usd_total{organization_id="o1",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4-5-20250929",gen_ai_agent_id="a1"}')).toBeCloseTo(0.75);
    expect(sample(text, 'ai_arm_agent_health{organization_id="o1",gen_ai_provider_name="openai",gen_ai_agent_id="a2",health_status="down"}')).toBe(1);
    expect(sample(text, 'gen_ai_client_operation_duration_seconds_bucket{organization_id="o1",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",le="0.32"}')).toBe(1);
    expect(sample(text, 'gen_ai_client_operation_duration_seconds_count{organization_id="o1",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",error_type="timeout"}')).toBe(1);
  });

  it('folds label sets past the cap into an overflow series and counts them, keeping the total', async () => {
    const sink = new PrometheusSink({ processMetrics: false, limits: new Map([['ai_arm.tokens', 3]]) });
    const m = new Instruments(sink);
    for (let i = 0; i < 10; i++) m.tokens.add(100, { organization_id: 'o1', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o', gen_ai_token_type: 'input', gen_ai_agent_id: `agent-${i}` });
    m.tokens.add(5, { organization_id: 'o1', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o', gen_ai_token_type: 'input', gen_ai_agent_id: 'agent-0' });
    const text = await sink.render();
    const series = text.split('\n').filter((l) => l.startsWith('ai_arm_tokens_total{'));
    expect(series).toHaveLength(4);
    expect(series.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0)).toBe(1005);
    expect(sample(text, 'ai_arm_tokens_total{organization_id="o1",gen_ai_provider_name="openai",gen_ai_request_model="_overflow",gen_ai_token_type="input",gen_ai_agent_id="_overflow"}')).toBe(700);
    expect(sample(text, 'ai_arm_metrics_dropped_label_sets_total{metric="ai_arm_tokens_total"}')).toBe(7);
  });

  it('maps an enumerated label value outside its list to _OTHER instead of minting a series', async () => {
    const sink = new PrometheusSink({ processMetrics: false });
    const m = new Instruments(sink);
    m.agents.set(3, { organization_id: 'o1', gen_ai_provider_name: 'ibm' as never, agent_status: 'active' });
    expect(await sink.render()).toContain('ai_arm_agents{organization_id="o1",gen_ai_provider_name="_OTHER",agent_status="active"} 3');
  });

  it('clears a gauge so stale series go away, one organisation at a time', async () => {
    const sink = new PrometheusSink({ processMetrics: false });
    const m = new Instruments(sink);
    m.agents.set(2, { organization_id: 'o1', gen_ai_provider_name: 'openai', agent_status: 'paused' });
    m.agents.set(7, { organization_id: 'o2', gen_ai_provider_name: 'openai', agent_status: 'paused' });
    m.agents.clear({ organization_id: 'o1' });
    m.agents.set(5, { organization_id: 'o1', gen_ai_provider_name: 'openai', agent_status: 'active' });
    const text = await sink.render();
    expect(text).not.toContain('ai_arm_agents{organization_id="o1",gen_ai_provider_name="openai",agent_status="paused"}');
    expect(text).toContain('ai_arm_agents{organization_id="o1",gen_ai_provider_name="openai",agent_status="active"} 5');
    expect(text).toContain('ai_arm_agents{organization_id="o2",gen_ai_provider_name="openai",agent_status="paused"} 7');
    // A gauge without the organisation label still clears whole.
    m.collectorWriteBuffered.set(3, { store: 'clickhouse', table: 't' });
    m.collectorWriteBuffered.clear();
    expect(await sink.render()).not.toContain('ai_arm_collector_write_buffered{');
  });

  it('caps each organisation apart and never folds the organisation label', async () => {
    const sink = new PrometheusSink({ processMetrics: false, limits: new Map([['ai_arm.tokens', 2]]) });
    const m = new Instruments(sink);
    const add = (org: string, agent: string) => m.tokens.add(1, { organization_id: org, gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o', gen_ai_token_type: 'input', gen_ai_agent_id: agent });
    for (let i = 0; i < 5; i++) add('busy', `agent-${i}`);
    add('quiet', 'q1');
    add('quiet', 'q2');
    const text = await sink.render();
    // The busy organisation folds its own detail; the quiet one keeps every agent.
    expect(sample(text, 'ai_arm_tokens_total{organization_id="busy",gen_ai_provider_name="openai",gen_ai_request_model="_overflow",gen_ai_token_type="input",gen_ai_agent_id="_overflow"}')).toBe(3);
    expect(sample(text, 'ai_arm_tokens_total{organization_id="quiet",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_token_type="input",gen_ai_agent_id="q2"}')).toBe(1);
    expect(text).not.toMatch(/organization_id="_overflow"/);
  });

  it('refuses a metric that is not in the catalogue', () => {
    expect(() => new PrometheusSink({ processMetrics: false }).add('ai_arm.nope', 1, {})).toThrow(/not in the catalogue/);
  });
});
