import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE } from './clickhouse';

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

export const provider = (): QueryVariableBuilder =>
  promFilter('provider', 'Provider', 'label_values(ai_arm_agents, gen_ai_provider_name)');

export const model = (): QueryVariableBuilder =>
  promFilter('model', 'Model', 'label_values(ai_arm_tokens_total{gen_ai_provider_name=~"$provider"}, gen_ai_request_model)');

export const agent = (): QueryVariableBuilder =>
  promFilter('agent', 'Agent', 'label_values(ai_arm_cost_usd_total{gen_ai_provider_name=~"$provider"}, gen_ai_agent_id)');

const ORGANIZATIONS = 'SELECT DISTINCT toString(organization_id) FROM vendor_usage';

// Single-valued: the ClickHouse panels compare with toUUID('${organization}').
export const organization = (): QueryVariableBuilder =>
  new QueryVariableBuilder('organization')
    .label('Organization')
    .description('Organization whose ClickHouse rows the ClickHouse panels show')
    .datasource(CLICKHOUSE)
    .query(ORGANIZATIONS)
    .definition(ORGANIZATIONS)
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalAsc);
