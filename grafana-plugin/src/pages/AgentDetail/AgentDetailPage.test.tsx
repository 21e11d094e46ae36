import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { AgentHealthHistory as HealthHistory, AgentView as Agent, CostBreakdownRow as BreakdownRow, UsageRecord as UsageDay } from '@ai-arm/schemas';
import { daysAgo, usd } from '../../format';
import { collectorApi, grafana, send, signInAs } from '../../test-support/grafana';
import { renderApp } from '../../test-support/render';
import { bodyRows, cellTexts } from '../../test-support/table';
import { TREND_DAYS } from './AgentCosts';

const agentsOf = async (query: string) => collectorApi<Agent[]>('GET', `/api/v1/agents?${query}`);
const facts = () => within(screen.getByLabelText('Agent facts'));

describe('Agent detail page against the real collector', () => {
  test('shows status, configuration, 24h health history and usage and cost from the collector', async () => {
    const [agent] = await agentsOf('vendor=OPENAI&status=ACTIVE&limit=1');
    const history = await collectorApi<HealthHistory>('GET', `/api/v1/agents/${agent.id}/health?range=24h`);
    const from = daysAgo(TREND_DAYS - 1);
    const usage = await collectorApi<UsageDay[]>('GET', `/api/v1/costs/usage?agentId=${agent.id}&from=${from}`);
    const models = await collectorApi<BreakdownRow[]>(
      'GET',
      `/api/v1/costs/breakdown?by=model&agentId=${agent.id}&from=${from}`
    );
    expect(history.checks.length).toBeGreaterThan(0);
    expect(usage.length).toBeGreaterThan(0);

    renderApp(`agents/${agent.id}`);
    await screen.findByLabelText('Agent facts');
    expect(facts().getByText(agent.vendorAgentId)).toBeInTheDocument();
    expect(facts().getByText('OpenAI')).toBeInTheDocument();
    expect(
      within(screen.getByLabelText('Agent configuration')).getByText(String(agent.config.model))
    ).toBeInTheDocument();

    await screen.findByRole('table', { name: 'Health checks' });
    expect(bodyRows('Health checks').length).toBeGreaterThanOrEqual(Math.min(history.checks.length, 50));

    const total = usage.reduce((sum, d) => sum + Number(d.totalCost), 0);
    expect(await screen.findByLabelText('Usage totals')).toHaveTextContent(usd(total));
    const costBars = within(screen.getByRole('img', { name: 'Cost per day (USD)' })).getAllByText(
      /^\d{4}-\d{2}-\d{2}: /
    );
    expect(costBars.map((b) => b.textContent)).toEqual(
      usage.map((d) => `${d.timestamp.slice(0, 10)}: ${usd(d.totalCost)}`).sort()
    );
    await screen.findByRole('table', { name: 'Cost by model' });
    expect(bodyRows('Cost by model').map((r) => cellTexts(r).slice(0, 2))).toEqual(
      models.map((m) => [m.name, usd(m.cost)])
    );
  });

  test('"Run health check now" finds an agent deleted at the vendor and shows it down with the error', async () => {
    const [agent] = await agentsOf('vendor=ANTHROPIC&status=ACTIVE&health=HEALTHY&sort=-name&limit=1');
    const before = (await collectorApi<HealthHistory>('GET', `/api/v1/agents/${agent.id}/health?range=24h`)).checks
      .length;
    const deleted = await send(
      new URL(`${process.env.AIARM_TEST_SIMULATOR_URL}/_sim/agents/${agent.vendorAgentId}/delete`),
      'POST',
      {},
      undefined
    );
    expect(deleted.status).toBe(200);

    renderApp(`agents/${agent.id}`);
    await waitFor(() => expect(facts().getByText(/^Healthy/)).toBeInTheDocument(), { timeout: 5000 });
    fireEvent.click(screen.getByRole('button', { name: /Run health check now/ }));

    const down = await screen.findByText('Last error', {}, { timeout: 10000 });
    const stored = await collectorApi<Agent>('GET', `/api/v1/agents/${agent.id}`);
    expect(stored.health).toBe('DOWN');
    expect(down.closest('[role="alert"]')).toHaveTextContent(stored.lastError!);
    await waitFor(() => expect(facts().getByText(/^Down/)).toBeInTheDocument());
    // The history reloads once after the check; the test collector's scheduled checks (every 3 s)
    // keep adding rows, so the page shows at least one more than before and no more than stored now.
    const shownChecks = () =>
      Number(/^(\d+) checks/.exec(screen.getByLabelText('Health summary').textContent ?? '')?.[1] ?? NaN);
    await waitFor(() => expect(shownChecks()).toBeGreaterThan(before));
    const after = await collectorApi<HealthHistory>('GET', `/api/v1/agents/${agent.id}/health?range=24h`);
    expect(shownChecks()).toBeLessThanOrEqual(after.checks.length);
    const newest = bodyRows('Health checks')[0];
    expect(newest).toHaveTextContent(/Down/);
    expect(grafana.forwarded.filter((f) => f.method === 'POST').map((f) => [f.path, f.status])).toEqual([
      [`collector/api/v1/agents/${agent.id}/health-check`, 200],
    ]);
  });

  test('a paused agent cannot be checked until resumed; viewers get neither button', async () => {
    const [agent] = await agentsOf('vendor=OPENAI&status=ACTIVE&sort=-name&limit=1');
    const { unmount } = renderApp(`agents/${agent.id}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(facts().getByText('paused')).toBeInTheDocument());
    expect(screen.getByRole('button', { name: /Run health check now/ })).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(facts().getByText('active')).toBeInTheDocument());
    expect((await collectorApi<Agent>('GET', `/api/v1/agents/${agent.id}`)).status).toBe('ACTIVE');
    unmount();

    signInAs('Viewer');
    renderApp(`agents/${agent.id}`);
    await screen.findByLabelText('Agent facts');
    expect(screen.queryByRole('button', { name: /Run health check now|Pause|Resume/ })).not.toBeInTheDocument();
  });

  test('an unknown agent id says there is no such agent', async () => {
    renderApp('agents/00000000-0000-4000-8000-000000000000');
    expect(await screen.findByText('No such agent')).toBeInTheDocument();
    expect(screen.getByText(/no agent 00000000-0000-4000-8000-000000000000/)).toBeInTheDocument();
  });
});
