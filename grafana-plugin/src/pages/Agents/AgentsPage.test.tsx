import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import type { AgentView as Agent } from '@ai-arm/schemas';
import { collectorApi, collectorEnvelope, configured, grafana, signInAs } from '../../test-support/grafana';
import { renderApp, searchParams } from '../../test-support/render';
import { bodyRows, cellTexts } from '../../test-support/table';
import { PAGE_SIZE } from './AgentsPage';

const EXTRA = 60;

const list = (query: string) =>
  collectorEnvelope<Agent[], { total: number; countsByVendor: Record<string, number> }>(
    'GET',
    `/api/v1/agents?${query}`
  );

const names = (agents: Agent[]) => agents.map((a) => a.name);

/** The names in the table, top to bottom, once they are `expected` (or once there are any). */
async function rows(expected?: string[]): Promise<string[]> {
  return waitFor(
    () => {
      const shown = bodyRows('Agents').map((r) => cellTexts(r)[0]);
      if (expected) {
        expect(shown).toEqual(expected);
      }
      return shown;
    },
    { timeout: 15000 }
  );
}

// In-house agents beside the demo's 50 vendor agents, so the list has three pages.
beforeAll(async () => {
  const existing = await list('type=CUSTOM&q=Batch%20job&limit=200');
  for (let i = existing.meta.total; i < EXTRA; i++) {
    await collectorApi('POST', '/api/v1/agents', { name: `Batch job ${String(i).padStart(2, '0')}`, type: 'CUSTOM' });
  }
});

describe('Agents page against the real collector (through the plugin.json routes)', () => {
  test('lists agents with counts per vendor and pages through all of them with the cursor', async () => {
    const truth = await list('limit=200');
    expect(truth.meta.total).toBeGreaterThan(2 * PAGE_SIZE);
    renderApp('agents');

    await rows(names(truth.data.slice(0, PAGE_SIZE)));
    const counts = screen.getByLabelText('Agents per vendor');
    expect(counts).toHaveTextContent(`OpenAI: ${truth.meta.countsByVendor.OPENAI}`);
    expect(counts).toHaveTextContent(`Anthropic: ${truth.meta.countsByVendor.ANTHROPIC}`);
    expect(counts).toHaveTextContent(`In-house: ${truth.meta.countsByVendor.CUSTOM}`);
    expect(screen.getByText(`1–${PAGE_SIZE} of ${truth.meta.total}`)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Previous/ })).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: /Next/ }));
    const second = await rows(names(truth.data.slice(PAGE_SIZE, 2 * PAGE_SIZE)));
    expect(screen.getByText(`${PAGE_SIZE + 1}–${2 * PAGE_SIZE} of ${truth.meta.total}`)).toBeInTheDocument();
    expect(searchParams().cursor).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: /Next/ }));
    await rows(names(truth.data.slice(2 * PAGE_SIZE)));
    expect(screen.getByRole('button', { name: /Next/ })).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: /Previous/ }));
    await rows(second);
    // Every page came through the GET route with the key from secureJsonData.
    expect(
      grafana.forwarded.every(
        (f) =>
          f.method === 'GET' && f.target?.startsWith(String(configured().jsonData.collectorUrl)) && f.status === 200
      )
    ).toBe(true);
  });

  test('filters by vendor, status and type, keeps them in the URL, and returns to page one', async () => {
    const all = await list(`limit=${PAGE_SIZE}`);
    const anthropic = await list('vendor=ANTHROPIC&limit=200');
    renderApp('agents');
    await rows(names(all.data));
    fireEvent.click(screen.getByRole('button', { name: /Next/ }));
    await waitFor(() => expect(searchParams().cursor).toBeTruthy());

    fireEvent.click(screen.getByLabelText('Anthropic'));
    await waitFor(() => expect(searchParams()).toEqual({ vendor: 'ANTHROPIC' }));
    await rows(names(anthropic.data));

    fireEvent.click(screen.getByLabelText('Custom'));
    await waitFor(() => expect(searchParams()).toEqual({ vendor: 'ANTHROPIC', type: 'CUSTOM' }));
    expect(await screen.findByText('No agents match these filters')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(searchParams()).toEqual({}));
    await rows(names(all.data));
  });

  test('opens with the filters of a shared link and searches by name', async () => {
    const truth = await list('vendor=OPENAI&q=billing&limit=200');
    expect(truth.meta.total).toBeGreaterThan(0);
    renderApp('agents?vendor=OPENAI&q=billing');
    await rows(names(truth.data));
    expect(screen.getByLabelText('Search agents by name')).toHaveValue('billing');

    fireEvent.change(screen.getByLabelText('Search agents by name'), { target: { value: 'no agent is called this' } });
    expect(await screen.findByText('No agents match these filters')).toBeInTheDocument();
    expect(searchParams()).toEqual({ vendor: 'OPENAI', q: 'no agent is called this' });
  });

  test('editors pause and resume an agent; the collector records it', async () => {
    signInAs('Editor');
    const target = (await list('vendor=OPENAI&status=ACTIVE&limit=1')).data[0];
    renderApp(`agents?vendor=OPENAI&q=${encodeURIComponent(target.name)}`);
    await rows();
    fireEvent.click(screen.getAllByRole('button', { name: `Pause ${target.name}` })[0]);
    await waitFor(async () =>
      expect((await collectorApi<Agent>('GET', `/api/v1/agents/${target.id}`)).status).toBe('PAUSED')
    );
    fireEvent.click(await screen.findByRole('button', { name: `Resume ${target.name}` }));
    await waitFor(async () =>
      expect((await collectorApi<Agent>('GET', `/api/v1/agents/${target.id}`)).status).toBe('ACTIVE')
    );
    expect(grafana.forwarded.filter((f) => f.method === 'POST').map((f) => [f.path, f.status])).toEqual([
      [`collector/api/v1/agents/${target.id}/pause`, 200],
      [`collector/api/v1/agents/${target.id}/resume`, 200],
    ]);
  });

  test('viewers see no pause buttons', async () => {
    signInAs('Viewer');
    renderApp('agents');
    await rows();
    expect(screen.queryByRole('button', { name: /^Pause / })).not.toBeInTheDocument();
  });

  test('says in plain words when the app is not configured, the key is wrong or the collector is down', async () => {
    grafana.reset(null);
    const { unmount } = renderApp('agents');
    expect(await screen.findByText(/AI-ARM is not set up yet/)).toBeInTheDocument();
    unmount();

    grafana.reset({ ...configured(), secureJsonData: { apiKey: 'arm_sk_live_NotAKeyTheCollectorGaveOutNotAKey01' } });
    const second = renderApp('agents');
    expect(await screen.findByText(/did not accept the API key saved on the configuration page/)).toBeInTheDocument();
    second.unmount();

    grafana.reset({ ...configured(), jsonData: { collectorUrl: 'http://127.0.0.1:9' } });
    renderApp('agents');
    expect(await screen.findByText(/Grafana could not reach the AI-ARM collector/)).toBeInTheDocument();
    // Retrying after the admin fixes the URL recovers without a reload.
    grafana.settings = configured();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /Try again/ })));
    expect((await rows()).length).toBe(PAGE_SIZE);
  });
});
