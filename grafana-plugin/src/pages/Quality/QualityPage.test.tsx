import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { AgentView as Agent, QualityMetricsResult, QualityReport, QualitySettingsView } from '@ai-arm/schemas';
import { collectorApi, grafana, signInAs } from '../../test-support/grafana';
import { renderApp, searchParams } from '../../test-support/render';
import { bodyRows, cellTexts } from '../../test-support/table';
import { lastQuery, run, seedAgent, steadyThenSlow } from './fixtures';
import { ms, ratio } from './figures';

const WAIT = { timeout: 15_000 };
const NAME = `quality-page-${run}`;
const tabs = () => screen.getAllByRole('tab').map((t) => t.textContent);

describe('Quality page: the report, an agent by version, and who may change what (real collector)', () => {
  let agent: Agent;
  beforeAll(async () => {
    agent = await seedAgent(NAME, steadyThenSlow());
  }, 60_000);

  afterEach(async () => {
    await waitFor(() => expect(document.querySelectorAll('[aria-busy="true"]')).toHaveLength(0), WAIT);
  });

  test('a Viewer reads the report across agents, opens one and sees its figures by version, with no control to change anything', async () => {
    signInAs('Viewer');
    renderApp('quality');
    const open = await screen.findByRole('button', { name: `Quality of ${NAME}` }, WAIT);
    expect(tabs()).toEqual(['Agents', 'Alerts', 'Settings']);
    // The row is the collector's report for the window the page asked for.
    const q = lastQuery(grafana.forwarded, '/api/v1/quality/report');
    const report = await collectorApi<QualityReport>('GET', `/api/v1/quality/report?${q}`);
    const expected = report.agents.find((a) => a.agentId === agent.id)!;
    expect(expected.figures.requests).toBe(80);
    expect(cellTexts(open.closest('tr') as HTMLTableRowElement).slice(1, 5)).toEqual([
      'In-house',
      '80',
      ms(expected.figures.latencyMs.p95),
      ratio(expected.figures.errorRate),
    ]);
    expect(bodyRows('Quality by agent').length).toBe(report.agents.length);

    fireEvent.click(open);
    await waitFor(() => expect(searchParams()).toEqual({ agent: agent.id }), WAIT);
    await screen.findByRole('heading', { level: 2, name: NAME }, WAIT);
    await screen.findByRole('table', { name: 'Figures by version' }, WAIT);
    const versions = bodyRows('Figures by version').map((r) => cellTexts(r));
    // Two versions (the model changed), oldest first: 40 requests each; the second fails one in ten.
    expect(versions.map((v) => [v[0], v[2]])).toEqual([
      ['v1', '40'],
      ['v2', '40'],
    ]);
    expect(versions.map((v) => v[6])).toEqual(['0.0%', '10%']);
    const mq = lastQuery(grafana.forwarded, `/api/v1/quality/${agent.id}/metrics`);
    const metrics = await collectorApi<QualityMetricsResult>('GET', `/api/v1/quality/${agent.id}/metrics?${mq}`);
    expect(versions.map((v) => v[4])).toEqual(metrics.versions.map((v) => ms(v.latencyMs.p95)));
    expect(
      within(screen.getByLabelText('Figures over the window')).getByText('Requests').nextSibling
    ).toHaveTextContent('80');
    // The trend: a mark where v2 starts, both versions in the legend, and every bucket in the table.
    expect(screen.getAllByTestId('version-mark')).toHaveLength(1);
    expect(screen.getAllByTestId('version-mark')[0]).toHaveTextContent('v2');
    expect(screen.getByRole('list', { name: 'Versions in the chart' })).toHaveTextContent(/v1 from .*v2 from/);
    expect(bodyRows('Trend')).toHaveLength(metrics.trend.length);
    expect(bodyRows('Trend').reduce((n, r) => n + Number(r.cells[2].textContent), 0)).toBe(80);

    // No action anywhere for a Viewer: drift check, response check, feedback, alert handling, settings.
    fireEvent.click(screen.getByRole('tab', { name: 'Drift' }));
    await screen.findByRole('region', { name: 'Drift events' }, WAIT);
    expect(screen.queryByRole('button', { name: 'Check for drift now' })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('tab', { name: 'Grounding' }));
    await screen.findByRole('region', { name: 'Grounding checks' }, WAIT);
    expect(screen.queryByRole('form', { name: 'Check a response' })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('tab', { name: 'Feedback' }));
    await screen.findByRole('region', { name: 'Feedback' }, WAIT);
    expect(screen.queryByRole('form', { name: 'Add feedback' })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('tab', { name: 'Agent settings' }));
    await screen.findByRole('table', { name: 'Agent settings' }, WAIT);
    expect(screen.queryByRole('form', { name: 'Agent settings' })).not.toBeInTheDocument();
    expect(grafana.forwarded.filter((f) => f.method !== 'GET')).toEqual([]);
  });

  test('"Find an agent" searches by name and opens the one picked', async () => {
    signInAs('Viewer');
    renderApp('quality');
    fireEvent.change(await screen.findByLabelText(/^Find an agent/, {}, WAIT), { target: { value: `page-${run}` } });
    const found = await screen.findByRole('list', { name: 'Agents found' }, WAIT);
    fireEvent.click(within(found).getByRole('button', { name: new RegExp(`^${NAME}`) }));
    await waitFor(() => expect(searchParams()).toEqual({ agent: agent.id }), WAIT);
    await screen.findByRole('heading', { level: 2, name: NAME }, WAIT);
    // One search for the text typed, not one per keystroke.
    expect(grafana.forwarded.filter((f) => f.path.startsWith('collector/api/v1/agents?')).map((f) => f.path)).toEqual([
      `collector/api/v1/agents?q=page-${run}&limit=10`,
    ]);
  });

  test('an Editor reads the settings but has no form; the organisation settings are shown beside the defaults', async () => {
    signInAs('Editor');
    const view = await collectorApi<QualitySettingsView>('GET', '/api/v1/quality/settings');
    renderApp('quality?tab=settings');
    await screen.findByRole('table', { name: 'Organisation settings' }, WAIT);
    expect(screen.queryByRole('form', { name: 'Organisation settings' })).not.toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Evaluator model' })).not.toBeInTheDocument();
    const minSamples = bodyRows('Organisation settings').find((r) =>
      r.cells[0].textContent?.startsWith('Requests needed')
    )!;
    expect(cellTexts(minSamples).slice(1)).toEqual([
      String(view.organization.minSamples),
      String(view.defaults.minSamples),
    ]);
  });

  test('an Admin changes an organisation setting and overrides one for the agent: only the changed ones are sent', async () => {
    const before = await collectorApi<QualitySettingsView>('GET', '/api/v1/quality/settings');
    try {
      renderApp('quality?tab=settings');
      const form = await screen.findByRole('form', { name: 'Organisation settings' }, WAIT);
      const save = within(form).getByRole('button', { name: 'Save settings' });
      expect(save).toBeDisabled();
      fireEvent.change(within(form).getByLabelText('Requests needed per window'), { target: { value: '4' } });
      expect(within(form).getByText('From 5 to 100000')).toBeInTheDocument();
      expect(save).toBeDisabled();
      // Lowered, not raised: other test files check drift on this collector meanwhile, and fewer requests needed never hides one.
      fireEvent.change(within(form).getByLabelText('Requests needed per window'), {
        target: { value: String(before.organization.minSamples - 7) },
      });
      expect(save).toBeEnabled();
      fireEvent.click(save);
      await waitFor(
        () =>
          expect(grafana.forwarded.filter((f) => f.method === 'PATCH').map((f) => [f.path, f.status])).toEqual([
            ['collector/api/v1/quality/settings', 200],
          ]),
        WAIT
      );
      const after = await collectorApi<QualitySettingsView>('GET', '/api/v1/quality/settings');
      expect(after.organization).toEqual({ ...before.organization, minSamples: before.organization.minSamples - 7 });
      // The form shows the saved value, marked as changed from the default.
      await waitFor(
        () =>
          expect(
            within(screen.getByRole('form', { name: 'Organisation settings' })).getByLabelText(
              'Requests needed per window'
            )
          ).toHaveValue(before.organization.minSamples - 7),
        WAIT
      );

      // The agent's own override, from its Settings section.
      renderApp(`quality?agent=${agent.id}&section=settings`);
      const agentForm = await screen.findByRole('form', { name: 'Agent settings' }, WAIT);
      fireEvent.change(within(agentForm).getByLabelText('Mean shift that is drift'), { target: { value: '4.5' } });
      fireEvent.click(within(agentForm).getByRole('button', { name: 'Save settings' }));
      await waitFor(() => expect(grafana.forwarded.filter((f) => f.method === 'PATCH')).toHaveLength(2), WAIT);
      const patch = grafana.forwarded.filter((f) => f.method === 'PATCH')[1];
      expect([patch.path, patch.status]).toEqual([`collector/api/v1/quality/${agent.id}/settings`, 200]);
      const own = (await collectorApi<QualitySettingsView>('GET', '/api/v1/quality/settings')).agents.find(
        (a) => a.agentId === agent.id
      );
      expect(own?.overrides).toEqual({ sigma: 4.5 });
      await waitFor(
        () =>
          expect(
            within(screen.getByRole('form', { name: 'Agent settings' })).getByText('this agent')
          ).toBeInTheDocument(),
        WAIT
      );
    } finally {
      await collectorApi('PATCH', '/api/v1/quality/settings', { minSamples: before.organization.minSamples });
    }
  });
});
