import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';

/** The Prometheus data source picked by the dashboard's `datasource` variable. */
export const PROMETHEUS = { type: 'prometheus', uid: '${datasource}' };

export const datasource = (): DatasourceVariableBuilder =>
  new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus');

export const clickhouse = (): DatasourceVariableBuilder =>
  new DatasourceVariableBuilder('clickhouse').label('ClickHouse').type('grafana-clickhouse-datasource');

// `.*` as the All value keeps `=~"$x"` matchers valid and cheap, where Grafana's default
// would spell out every value in one long regex.
function promFilter(name: string, label: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
}

/** The organisation filter every per-tenant Prometheus selector carries (single-valued: one tenant at a time). */
export const ORG = 'organization_id="$organization"';

export const provider = (): QueryVariableBuilder =>
  promFilter('provider', 'Provider', `label_values(ai_arm_agents{${ORG}}, gen_ai_provider_name)`);

export const model = (): QueryVariableBuilder =>
  promFilter('model', 'Model', `label_values(ai_arm_tokens_total{${ORG}, gen_ai_provider_name=~"$provider"}, gen_ai_request_model)`);

export const agent = (): QueryVariableBuilder =>
  promFilter('agent', 'Agent', `label_values(ai_arm_cost_usd_total{${ORG}, gen_ai_provider_name=~"$provider"}, gen_ai_agent_id)`);

// Agents that push requests: the per-agent latency and error panels have series for these only.
export const pushedAgent = (): QueryVariableBuilder =>
  promFilter('agent', 'Agent', `label_values(ai_arm_requests_total{${ORG}, source="push", gen_ai_provider_name=~"$provider"}, gen_ai_agent_id)`);

// Every organisation the collector polls for (each connection's polls carry its organisation) or
// takes pushed requests from: one that only pushes has no polls.
const ORGANIZATIONS = 'label_values({__name__=~"ai_arm_collector_polls_total|ai_arm_requests_total"}, organization_id)';

// Single-valued, no All: each dashboard shows one tenant. The value is the organisation's id,
// which the Prometheus panels match as organization_id and the ClickHouse panels as toUUID('${organization}').
export const organization = (): QueryVariableBuilder =>
  new QueryVariableBuilder('organization')
    .label('Organization')
    .description('Organization (its id) whose series and ClickHouse rows every panel shows')
    .datasource(PROMETHEUS)
    .query(ORGANIZATIONS)
    .definition(ORGANIZATIONS)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
