import { buildDashboard, type BuiltDashboard } from './dashboard';
import { clickhouseTable, promBarGauge, promPie, promStat, promTable, promTimeseries, RATIO, USD } from './panels';
import { agent, clickhouse, datasource, model, organization, ORG, provider } from './variables';

// Every per-tenant selector is the selected organisation's.
const O = ORG;
const P = `${O}, gen_ai_provider_name=~"$provider"`;
const PM = `${P}, gen_ai_request_model=~"$model"`;
const PMA = `${PM}, gen_ai_agent_id=~"$agent"`;

// Share of the calendar month elapsed (UTC, like the collector's month), for a linear projection.
const MONTH_ELAPSED = '(((day_of_month() - 1) * 86400 + hour() * 3600 + minute() * 60) / (days_in_month() * 86400))';

export const costs = (): BuiltDashboard =>
  buildDashboard({
    uid: 'aiarm-costs',
    title: 'AI-ARM / Costs',
    description: 'Spend and tokens by provider, model and agent; month to date, projections and budgets.',
    from: 'now-24h',
    variables: [datasource(), organization(), provider(), model(), agent(), clickhouse()],
    rows: [
      {
        title: 'Spend',
        panels: [
          promTimeseries({ title: 'Spend per hour by vendor', unit: USD, w: 12, h: 8,
            description: 'Priced cost per provider over the hour before each point, for the selected models and agents. (The counters step once per poll, every few minutes: a rate over a shorter window read as a sawtooth.)',
            targets: [{ expr: `sum by (gen_ai_provider_name) (increase(ai_arm_cost_usd_total{${PMA}}[1h]))`, legend: '{{gen_ai_provider_name}}' }] }),
          promBarGauge({ title: 'Top agents by spend', unit: USD, w: 12, h: 8,
            description: 'The ten agents with the highest priced cost over the dashboard time range.',
            expr: `topk(10, sum by (gen_ai_agent_id) (increase(ai_arm_cost_usd_total{${PMA}}[$__range])))`, legend: '{{gen_ai_agent_id}}' }),
          promBarGauge({ title: 'Spend by model', unit: USD, w: 12, h: 8,
            description: 'Priced cost per model over the dashboard time range.',
            expr: `sum by (gen_ai_request_model) (increase(ai_arm_cost_usd_total{${PMA}}[$__range]))`, legend: '{{gen_ai_request_model}}' }),
          promPie({ title: 'Spend by vendor', unit: USD, w: 12, h: 8,
            description: 'Priced cost per provider over the dashboard time range.',
            expr: `sum by (gen_ai_provider_name) (increase(ai_arm_cost_usd_total{${PMA}}[$__range]))`, legend: '{{gen_ai_provider_name}}' }),
        ],
      },
      {
        title: 'Tokens',
        panels: [
          promTimeseries({ title: 'Tokens per hour by type', w: 16, h: 8,
            description: 'Tokens consumed per token type (input, output, cache reads and writes) over the hour before each point. (The counters step once per poll: a rate over a shorter window read as a sawtooth.)',
            targets: [{ expr: `sum by (gen_ai_token_type) (increase(ai_arm_tokens_total{${PMA}}[1h]))`, legend: '{{gen_ai_token_type}}' }] }),
          promStat({ title: 'Unpriced tokens', w: 8, h: 8, steps: [[1, 'orange']],
            description: "Tokens of the vendors' usage reports over the dashboard time range that the collector's price table could not price, per model; their cost is missing from every spend panel.",
            expr: `sum by (gen_ai_request_model) (increase(ai_arm_tokens_unpriced_total{${PM}, source="vendor_report"}[$__range]))`, legend: '{{gen_ai_request_model}}' }),
        ],
      },
      {
        title: 'Month to date and budgets',
        panels: [
          promTable({ title: 'Month to date: computed, billed, unpriced, unattributed', unit: USD, w: 12, h: 8,
            description: "This calendar month's spend per provider: computed from usage and prices, billed by the vendor, the part that could not be priced, and the part not attributed to an agent.",
            expr: `sum by (gen_ai_provider_name, cost_kind) (ai_arm_cost_month_to_date{${P}})`,
            transformations: [{ id: 'groupingToMatrix', options: { columnField: 'cost_kind', rowField: 'gen_ai_provider_name', valueField: 'Value' } }] }),
          promTimeseries({ title: 'Month-to-date spend projected to month end', unit: USD, w: 12, h: 8,
            description: "Computed month-to-date spend divided by the share of the month elapsed: a linear projection, from the month's sixth hour on (before that, a few hours' spend, or last month's total until the next poll, projects nonsense, up to +Inf at midnight). The collector's own forecast, with its interval, is at GET /api/v1/costs/forecast and on the app's Costs page.",
            targets: [{ expr: `sum(ai_arm_cost_month_to_date{${P}, cost_kind="computed"}) / ${MONTH_ELAPSED} and on () (day_of_month() > 1 or hour() >= 6)`, legend: 'projected' }] }),
          promBarGauge({ title: 'Budgets: share used', unit: RATIO, max: 1, steps: [[0.8, 'orange'], [1, 'red']], w: 12, h: 8,
            description: "Each budget's spend in its current period divided by its amount (100% = used up); orange from 80%, red at 100%.",
            expr: `ai_arm_budget_spent_ratio{${O}}`, legend: '{{budget}}' }),
          promTimeseries({ title: 'Budget burn rate (1 = on pace)', steps: [[1, 'red']], w: 12, h: 8,
            description: "How fast each budget is being used: its share used over the last 6 hours, scaled to the budget's whole period. 1 means on pace to use exactly the budget by the period's end, 2 twice as fast; a period's reset counts as a counter's (not as spend given back).",
            targets: [{ expr: `max by (budget) (increase(ai_arm_budget_spent_ratio{${O}}[6h])) * on (budget) max by (budget) (ai_arm_budget_period_seconds{${O}}) / 21600`, legend: '{{budget}}' }] }),
        ],
      },
      {
        title: 'Vendor usage detail',
        panels: [
          clickhouseTable({ title: 'Tokens by project, API key and model (every key, at vendor grain)', w: 24, h: 10,
            description: "Tokens and requests per vendor project, API key and model over the time range, from the vendors' own usage reports, for the selected organization.",
            sql: "SELECT project_id, api_key_id, model, sum(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens + output_tokens) AS tokens, sum(requests) AS requests FROM vendor_usage FINAL WHERE organization_id = toUUID('${organization}') AND $__timeFilter(bucket_start) GROUP BY project_id, api_key_id, model ORDER BY tokens DESC LIMIT 100" }),
        ],
      },
    ],
  });
