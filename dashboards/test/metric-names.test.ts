import { catalogueSeriesNames, promqlMetricNames } from '../src';

describe('promqlMetricNames', () => {
  it.each([
    ['sum by (gen_ai_provider_name) (rate(ai_arm_cost_usd_total{gen_ai_agent_id=~"$agent"}[$__rate_interval])) * 3600', ['ai_arm_cost_usd_total']],
    ['histogram_quantile(0.95, sum by (le, endpoint) (rate(gen_ai_client_operation_duration_seconds_bucket[5m])))', ['gen_ai_client_operation_duration_seconds_bucket']],
    ['delta(ai_arm_budget_spent_ratio[6h]) * on (budget) ai_arm_budget_period_seconds / 21600', ['ai_arm_budget_spent_ratio', 'ai_arm_budget_period_seconds']],
    ['increase(ai_arm_cost_usd_total[7d] offset 1h) / 168 > bool 1e3 unless up == 0', ['ai_arm_cost_usd_total', 'up']],
    ['sum(x{a="rate(y)"}) or on() vector(0)', ['x']],
    ['topk(10, sum without (gen_ai_token_type) (ai_arm_tokens_total))', ['ai_arm_tokens_total']],
  ])('%s', (expr, names) => expect(promqlMetricNames(expr).sort()).toEqual([...names].sort()));

  it('catalogueSeriesNames lists counters with _total and histograms as their three series', () => {
    const names = catalogueSeriesNames();
    expect(names.has('ai_arm_cost_usd_total')).toBe(true);
    expect(names.has('ai_arm_collector_vendor_api_duration_seconds_bucket')).toBe(true);
    expect(names.has('ai_arm_collector_vendor_api_duration_seconds')).toBe(false);
  });
});
