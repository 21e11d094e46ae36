import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { throwError } from 'rxjs';
import type { BudgetWithStatus, CostBreakdownRow, CostForecast, CostOptimization, CostPeriodTotal, CostRecord, ReconciliationMeta } from '@ai-arm/schemas';
import { VENDOR_NAMES } from '../../constants';
import { daysAgo, usd } from '../../format';
import { collectorApi, collectorEnvelope, grafana, signInAs } from '../../test-support/grafana';
import { renderApp, searchParams } from '../../test-support/render';

const WAIT = { timeout: 5000 };
const range = (days: number) => `from=${daysAgo(days - 1)}&to=${daysAgo(0)}`;
const sum = (values: string[]) => values.reduce((s, v) => s + Number(v), 0);
const budgets = () => collectorApi<BudgetWithStatus[]>('GET', '/api/v1/costs/budget');

const region = (name: string) => screen.getByRole('region', { name });
/** The figure labelled `label` inside `container` (cards name their figures: "Computed", "Billed", ...). */
const figure = (container: HTMLElement, label: string) => within(container).getByLabelText(label);

/** The first `columns` cells of each body row of the table named `name`, once they are `expected` and its section's request is answered. */
async function tableShows(name: string, columns: number, expected: string[][]) {
  await waitFor(() => {
    const table = screen.getByRole('table', { name });
    // Earlier data stays on screen while a new request is in flight, and may happen to be equal.
    expect(table.closest('section')).toHaveAttribute('aria-busy', 'false');
    // Plain selectors inside the table: role queries per cell are slow in jsdom on tables this long.
    const shown = Array.from(table.querySelectorAll('tbody tr')).map((r) =>
      Array.from(r.querySelectorAll('td'))
        .slice(0, columns)
        .map((c) => c.textContent ?? '')
    );
    expect(shown).toEqual(expected);
  }, WAIT);
}

/** The row of the budget named `name`, once the Budgets table shows it. */
const budgetRow = (name: string) =>
  waitFor(
    () =>
      within(screen.getByRole('table', { name: 'Budgets' }))
        .getByText(name)
        .closest('tr') as HTMLElement,
    WAIT
  );

/** The message the collector itself gives for a request it rejects. */
async function rejection(method: string, path: string, body: unknown): Promise<string> {
  const err = await collectorApi(method, path, body).then(
    () => {
      throw new Error(`${method} ${path} was accepted`);
    },
    (e: Error) => e
  );
  return (JSON.parse(err.message.slice(err.message.indexOf('{'))) as { error: { message: string } }).error.message;
}

describe('Costs page against the real collector (through the plugin.json routes)', () => {
  // Every section's answer lands before the page is torn down, so no update escapes act().
  afterEach(async () => {
    await waitFor(() => expect(document.querySelectorAll('section[aria-busy="true"]')).toHaveLength(0), WAIT);
    // A test that failed halfway must not leave its doctored proxy to the next one.
    jest.restoreAllMocks();
  });

  test('shows computed and billed cost for today, the last 7 days and the month to date', async () => {
    const summary = await collectorApi<CostPeriodTotal[]>('GET', '/api/v1/costs/summary');
    renderApp('costs');
    const labels = { today: 'Today', week: 'Last 7 days', month: 'Month to date' };
    await waitFor(() => expect(within(region('Spend')).getAllByRole('group')).toHaveLength(summary.length), WAIT);
    for (const p of summary) {
      const card = within(region('Spend')).getByRole('group', { name: labels[p.period] });
      expect(figure(card, 'Computed')).toHaveTextContent(usd(p.computedCost));
      expect(figure(card, 'Billed')).toHaveTextContent(usd(p.billedCost!));
    }
    expect(Number(summary.find((p) => p.period === 'month')?.computedCost)).toBeGreaterThan(0);
  });

  test('breaks spend down by model, then by vendor and a shorter range, in the collector order', async () => {
    const byModel = await collectorApi<CostBreakdownRow[]>('GET', `/api/v1/costs/breakdown?by=model&${range(30)}`);
    const byVendor = await collectorApi<CostBreakdownRow[]>('GET', `/api/v1/costs/breakdown?by=vendor&${range(30)}`);
    const byVendorWeek = await collectorApi<CostBreakdownRow[]>('GET', `/api/v1/costs/breakdown?by=vendor&${range(7)}`);
    expect(byModel.length).toBeGreaterThan(1);
    renderApp('costs');
    const breakdown = await screen.findByRole('region', { name: 'Breakdown' });

    fireEvent.click(within(breakdown).getByLabelText('Model'));
    await tableShows(
      'Cost breakdown',
      3,
      byModel.map((r) => [r.name, VENDOR_NAMES[r.vendor], usd(r.cost)])
    );
    expect(searchParams()).toEqual({ by: 'model' });

    fireEvent.click(within(breakdown).getByLabelText('Vendor'));
    await tableShows(
      'Cost breakdown',
      2,
      byVendor.map((r) => [VENDOR_NAMES[r.key!], usd(r.cost)])
    );

    fireEvent.click(screen.getByLabelText('7 days'));
    await tableShows(
      'Cost breakdown',
      2,
      byVendorWeek.map((r) => [VENDOR_NAMES[r.key!], usd(r.cost)])
    );
    expect(searchParams()).toEqual({ by: 'vendor', days: '7' });
    const asked = grafana.forwarded
      .filter((f) => f.path.startsWith('collector/api/v1/costs/breakdown'))
      .map((f) => f.path);
    expect(asked).toEqual([
      `collector/api/v1/costs/breakdown?by=agent&${range(30)}`,
      `collector/api/v1/costs/breakdown?by=model&${range(30)}`,
      `collector/api/v1/costs/breakdown?by=vendor&${range(30)}`,
      `collector/api/v1/costs/breakdown?by=vendor&${range(7)}`,
    ]);
  });

  test('forecasts the next 7 and 30 days with their intervals and method', async () => {
    const forecast = await collectorApi<CostForecast>('GET', '/api/v1/costs/forecast');
    expect(forecast.horizons.map((h) => h.days)).toEqual([7, 30]);
    renderApp('costs');
    const panel = await screen.findByRole('region', { name: 'Forecast' });
    for (const h of forecast.horizons) {
      const card = await within(panel).findByRole('group', { name: `Next ${h.days} days` }, WAIT);
      expect(figure(card, 'Expected')).toHaveTextContent(usd(h.total));
      expect(figure(card, 'Likely range (95%)')).toHaveTextContent(`${usd(h.lower)} – ${usd(h.upper)}`);
    }
    expect(panel).toHaveTextContent(`Method: ${forecast.method}`);
  });

  test("shows the demo budget's burn: spent of the amount and what remains", async () => {
    const demo = (await budgets()).find((b) => b.name === 'demo-monthly');
    expect(demo).toBeDefined();
    renderApp('costs');
    const row = await budgetRow('demo-monthly');
    expect(row).toHaveTextContent(`${usd(demo!.status.spent)} of ${usd(demo!.amount)}`);
    expect(row).toHaveTextContent(usd(demo!.status.remaining));
    expect(within(row).getByRole('meter', { name: 'Burn of demo-monthly' })).toHaveAttribute(
      'aria-valuenow',
      String(Math.round(demo!.status.spentRatio * 100))
    );
  });

  test('an editor sets a budget through the form; it is in the collector and on the page', async () => {
    signInAs('Editor');
    const name = `test-budget-${Date.now()}`;
    renderApp('costs');
    const form = await screen.findByRole('form', { name: 'Set a budget' }, WAIT);
    fireEvent.change(within(form).getByLabelText(/^Name/), { target: { value: name } });
    fireEvent.change(within(form).getByLabelText(/^Amount/), { target: { value: '250.50' } });
    fireEvent.change(within(form).getByLabelText(/^Alert at/), { target: { value: '50, 90' } });
    fireEvent.click(within(form).getByLabelText('Week'));
    fireEvent.click(within(form).getByLabelText('Anthropic'));
    fireEvent.click(within(form).getByRole('button', { name: /Save budget/ }));

    const saved = await waitFor(async () => {
      const b = (await budgets()).find((x) => x.name === name);
      expect(b).toBeDefined();
      return b!;
    }, WAIT);
    expect(saved).toMatchObject({ amount: '250.50', period: 'WEEK', vendor: 'ANTHROPIC', alertThresholds: [0.5, 0.9] });
    const row = await budgetRow(name);
    expect(row).toHaveTextContent(`${usd(saved.status.spent)} of ${usd(saved.amount)}`);
    expect(within(form).getByLabelText(/^Name/)).toHaveValue('');
    expect(grafana.forwarded.filter((f) => f.method === 'POST').map((f) => [f.path, f.status])).toEqual([
      ['collector/api/v1/costs/budget', 201],
    ]);
  });

  test("an invalid amount shows the collector's own message and creates nothing", async () => {
    signInAs('Editor');
    const name = `test-invalid-${Date.now()}`;
    const message = await rejection('POST', '/api/v1/costs/budget', {
      name,
      period: 'MONTH',
      amount: '-5',
      alertThresholds: [0.8, 1],
    });
    renderApp('costs');
    const form = await screen.findByRole('form', { name: 'Set a budget' }, WAIT);
    fireEvent.change(within(form).getByLabelText(/^Name/), { target: { value: name } });
    fireEvent.change(within(form).getByLabelText(/^Amount/), { target: { value: '-5' } });
    fireEvent.click(within(form).getByRole('button', { name: /Save budget/ }));

    await waitFor(() => expect(within(form).getByText(/The budget was not saved/)).toBeInTheDocument(), WAIT);
    expect(form).toHaveTextContent(message);
    expect((await budgets()).map((b) => b.name)).not.toContain(name);
    expect(grafana.forwarded.filter((f) => f.method === 'POST').map((f) => [f.path, f.status])).toEqual([
      ['collector/api/v1/costs/budget', 400],
    ]);
    // What was typed stays, to be corrected.
    expect(within(form).getByLabelText(/^Name/)).toHaveValue(name);
  });

  test('an editor deletes a budget after confirming', async () => {
    signInAs('Editor');
    const name = `test-delete-${Date.now()}`;
    const created = await collectorApi<BudgetWithStatus>('POST', '/api/v1/costs/budget', { name, period: 'DAY', amount: '10' });
    renderApp('costs');
    fireEvent.click(await screen.findByRole('button', { name: `Delete budget ${name}` }, WAIT));
    fireEvent.click(screen.getByRole('button', { name: `Delete ${name}` }));

    await waitFor(async () => expect((await budgets()).map((b) => b.name)).not.toContain(name), WAIT);
    await waitFor(
      () => expect(within(screen.getByRole('table', { name: 'Budgets' })).queryByText(name)).not.toBeInTheDocument(),
      WAIT
    );
    expect(grafana.forwarded.filter((f) => f.method === 'DELETE').map((f) => [f.path, f.status])).toEqual([
      [`collector/api/v1/costs/budget/${created.id}`, 204],
    ]);
  });

  test('viewers see the budgets but no form and no delete buttons', async () => {
    signInAs('Viewer');
    renderApp('costs');
    await budgetRow('demo-monthly');
    expect(screen.queryByRole('form', { name: 'Set a budget' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Delete/ })).not.toBeInTheDocument();
  });

  test("optimisations show the total of the collector's projected savings", async () => {
    const suggestions = await collectorApi<CostOptimization[]>('GET', '/api/v1/costs/optimizations');
    expect(suggestions.length).toBeGreaterThan(0);
    renderApp('costs');
    await tableShows(
      'Optimisations',
      4,
      suggestions.map((o) => [
        expect.stringContaining(o.recommendation),
        expect.any(String),
        usd(o.currentCost),
        usd(o.projectedSavings),
      ])
    );
    expect(figure(region('Optimisations'), 'Projected savings')).toHaveTextContent(
      usd(sum(suggestions.map((o) => o.projectedSavings)))
    );
  });

  test("unpriced, unattributed, tracked and untracked spend are the sums of the collector's reconciliation over the range", async () => {
    const reconciliation = (days: number) =>
      collectorEnvelope<CostRecord[], ReconciliationMeta>('GET', `/api/v1/costs/reconciliation?${range(days)}`);
    const [month, quarter] = [await reconciliation(30), await reconciliation(90)];
    // The demo bills a model missing from the price table: unpriced spend is there to be seen.
    expect(sum(month.data.map((r) => r.unpricedCost))).toBeGreaterThan(0);
    // Demo vendors bill every day of the month: each billed day has its untracked part.
    expect(month.meta.tracked.filter((d) => d.billedCost !== null).length).toBeGreaterThan(0);
    const shows = async ({ data: rows, meta }: { data: CostRecord[]; meta: ReconciliationMeta }) => {
      const days = meta.tracked;
      await waitFor(() => {
        const section = region('Unpriced and unattributed spend');
        expect(section).toHaveAttribute('aria-busy', 'false');
        expect(figure(section, 'Unpriced')).toHaveTextContent(usd(sum(rows.map((r) => r.unpricedCost))));
        expect(figure(section, 'Unattributed')).toHaveTextContent(usd(sum(rows.map((r) => r.unattributedCost))));
        expect(figure(section, 'Tracked')).toHaveTextContent(usd(sum(days.map((d) => d.trackedCost))));
        expect(figure(section, 'Untracked')).toHaveTextContent(usd(sum(days.map((d) => d.untrackedCost ?? '0'))));
        // The simulator's bill and the price table agree: nothing is left unexplained.
        expect(figure(section, 'Unexplained')).toHaveTextContent(usd(0));
        expect(within(section).getByRole('list', { name: 'Why spend is unpriced' })).toHaveTextContent(
          'is not in the price table'
        );
      }, WAIT);
      const of = (
        v: string,
        k: 'computedCost' | 'billedCost' | 'unpricedCost' | 'unattributedCost' | 'unexplainedCost'
      ) => usd(sum(rows.filter((r) => r.vendor === v).map((r) => r[k] ?? '0')));
      const ofDays = (v: string, k: 'trackedCost' | 'untrackedCost') =>
        usd(sum(days.filter((d) => d.vendor === v).map((d) => d[k] ?? '0')));
      await tableShows(
        'Reconciliation per vendor',
        8,
        [...new Set([...rows.map((r) => r.vendor), ...days.map((d) => d.vendor)])].map((v) => [
          VENDOR_NAMES[v],
          of(v, 'computedCost'),
          of(v, 'billedCost'),
          of(v, 'unpricedCost'),
          of(v, 'unattributedCost'),
          of(v, 'unexplainedCost'),
          ofDays(v, 'trackedCost'),
          ofDays(v, 'untrackedCost'),
        ])
      );
    };
    renderApp('costs');
    await shows(month);
    fireEvent.click(screen.getByLabelText('90 days'));
    await shows(quarter);
    expect(grafana.forwarded.map((f) => f.path)).toContain(`collector/api/v1/costs/reconciliation?${range(90)}`);
  });

  test('links to the provisioned Costs dashboard over the same range', async () => {
    renderApp('costs?days=7');
    expect(await screen.findByRole('link', { name: /Costs dashboard/ })).toHaveAttribute(
      'href',
      '/d/aiarm-costs?from=now-7d&to=now'
    );
  });

  test('one failing section (a 502 injected at the proxy emulation) shows its own error and retry while the rest of the page loads', async () => {
    const real = grafana.backendSrv.fetch;
    const fetch = jest
      .spyOn(grafana.backendSrv, 'fetch')
      .mockImplementation((options) =>
        options.url.includes('/costs/forecast')
          ? throwError(() => ({ status: 502, statusText: 'Bad Gateway', data: '' }))
          : real(options)
      );
    const today = (await collectorApi<CostPeriodTotal[]>('GET', '/api/v1/costs/summary')).find(
      (p) => p.period === 'today'
    )!;
    renderApp('costs');
    const panel = await screen.findByRole('region', { name: 'Forecast' });
    expect(
      await within(panel).findByText(/Grafana could not reach the AI-ARM collector/, {}, WAIT)
    ).toBeInTheDocument();
    await waitFor(
      () =>
        expect(figure(within(region('Spend')).getByRole('group', { name: 'Today' }), 'Computed')).toHaveTextContent(
          usd(today.computedCost)
        ),
      WAIT
    );

    fetch.mockRestore();
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: /Try again/ })));
    expect(await within(panel).findByRole('group', { name: 'Next 7 days' }, WAIT)).toBeInTheDocument();
  });

  test('says so when there are no budgets, and editors get the form to set one', async () => {
    signInAs('Editor');
    // Really empty: the organisation's budgets are removed, then put back as they were.
    const existing = await budgets();
    for (const b of existing) {
      await collectorApi('DELETE', `/api/v1/costs/budget/${b.id}`);
    }
    try {
      renderApp('costs');
      const section = await screen.findByRole('region', { name: 'Budgets' });
      expect(await within(section).findByText('No budgets yet', {}, WAIT)).toBeInTheDocument();
      expect(within(section).getByRole('form', { name: 'Set a budget' })).toBeInTheDocument();
      expect(within(section).queryByRole('table')).not.toBeInTheDocument();
    } finally {
      for (const b of existing) {
        await collectorApi('POST', '/api/v1/costs/budget', {
          name: b.name,
          agentId: b.agentId,
          vendor: b.vendor,
          period: b.period,
          amount: b.amount,
          alertThresholds: b.alertThresholds,
        });
      }
    }
  });

  test('says in each section that the app is not configured, without crashing', async () => {
    grafana.reset(null);
    renderApp('costs');
    await waitFor(() => expect(screen.getAllByText(/AI-ARM is not set up yet/)).toHaveLength(6), WAIT);
    for (const name of [
      'Spend',
      'Breakdown',
      'Forecast',
      'Budgets',
      'Optimisations',
      'Unpriced and unattributed spend',
    ]) {
      expect(within(region(name)).getByText(/AI-ARM is not set up yet/)).toBeInTheDocument();
    }
    expect(screen.queryByRole('form', { name: 'Set a budget' })).not.toBeInTheDocument();
  });
});
