import { buildDashboard, type BuiltDashboard } from './dashboard';
import { clickhouseLogs, promBarGauge, promPie, promStat, promTable, RATIO, USD } from './panels';
import { clickhouse, datasource, organization, ORG, provider } from './variables';

// Every per-tenant selector is the selected organisation's.
const O = ORG;
const P = `${O}, gen_ai_provider_name=~"$provider"`;

export const fleet = (): BuiltDashboard =>
  buildDashboard({
    uid: 'aiarm-fleet',
    title: 'AI-ARM / Fleet overview',
    description: "The agent fleet at a glance: inventory, health, today's and this month's spend, budgets and cost alerts.",
    from: 'now-24h',
    variables: [datasource(), organization(), provider(), clickhouse()],
    rows: [
      {
        title: 'Agents',
        panels: [
          promStat({ title: 'Agents', description: 'Agents in the inventory of the selected providers, in every lifecycle status.',
            expr: `sum(ai_arm_agents{${P}})`, legend: 'agents', w: 4, h: 7 }),
          promBarGauge({ title: 'Agents by vendor and status', description: 'Agents per provider and lifecycle status (agent_status).',
            expr: `sum by (gen_ai_provider_name, agent_status) (ai_arm_agents{${P}})`,
            legend: '{{gen_ai_provider_name}} {{agent_status}}', w: 8, h: 7 }),
          promPie({ title: 'Health', description: "Agents by the status of their latest health check: healthy, degraded, down or unknown.",
            expr: `sum by (health_status) (ai_arm_agent_health{${P}})`, legend: '{{health_status}}', w: 6, h: 7 }),
          promTable({ title: 'Agents down', description: 'Agents whose latest health check says down, with their provider.',
            expr: `ai_arm_agent_health{${P}, health_status="down"} == 1`, hide: ['health_status', 'Value', 'organization_id'], w: 6, h: 7 }),
        ],
      },
      {
        title: 'Spend',
        panels: [
          promStat({ title: 'Spend today', unit: USD, timeFrom: 'now/d',
            description: "Priced cost since midnight (the dashboard's time zone) of the selected providers; the panel's own time range is today so far, whatever the dashboard's is.",
            expr: `sum(increase(ai_arm_cost_usd_total{${P}}[$__range]))`, legend: 'today', w: 6, h: 5 }),
          promStat({ title: 'Spend this month (computed)', unit: USD,
            description: "This calendar month's spend computed by the collector from usage and its price table, for the selected providers.",
            expr: `sum(ai_arm_cost_month_to_date{${P}, cost_kind="computed"})`, legend: 'computed', w: 6, h: 5 }),
          promStat({ title: 'Unpriced spend this month', unit: USD, steps: [[0.01, 'orange']],
            description: "This month's spend the collector could not price from usage (a model missing from its price table); orange when any.",
            expr: `sum(ai_arm_cost_month_to_date{${P}, cost_kind="unpriced"})`, legend: 'unpriced', w: 6, h: 5 }),
          promStat({ title: 'Budgets used', unit: RATIO, steps: [[0.8, 'orange'], [1, 'red']],
            description: "The highest share used of any budget's current period (100% = used up); orange from 80%, red at 100%.",
            expr: `max(ai_arm_budget_spent_ratio{${O}})`, legend: 'highest', w: 6, h: 5 }),
        ],
      },
      {
        title: 'Alerts and activity',
        panels: [
          promTable({ title: 'Cost alerts firing', description: "Cost alerts whose condition holds on the collector's data now, by name and type.",
            expr: `ai_arm_cost_alert_firing{${O}} == 1`, hide: ['Value', 'organization_id'], w: 8, h: 10 }),
          clickhouseLogs({ title: 'Collector activity', w: 16, h: 10,
            description: "The collector's log records for the selected organization: poll runs, vendor errors, health changes, cost alerts.",
            sql: "SELECT Timestamp AS timestamp, SeverityText AS level, Body AS body, EventName FROM otel_logs WHERE OrganizationId = toUUID('${organization}') AND $__timeFilter(Timestamp) ORDER BY Timestamp DESC LIMIT 500" }),
        ],
      },
    ],
  });
