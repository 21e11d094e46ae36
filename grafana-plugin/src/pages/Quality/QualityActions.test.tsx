import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type {
  AgentView as Agent,
  DriftEvent,
  Feedback,
  HallucinationCheck,
  Interaction,
  QualityAlert,
} from '@ai-arm/schemas';
import { collectorApi, grafana, signInAs } from '../../test-support/grafana';
import { renderApp, searchParams } from '../../test-support/render';
import { bodyRows, cellTexts } from '../../test-support/table';
import { run, seedAgent, steadyThenSlow } from './fixtures';

const WAIT = { timeout: 15_000 };
const NAME = `quality-actions-${run}`;
const posts = () => grafana.forwarded.filter((f) => f.method === 'POST').map((f) => [f.path, f.status]);

describe('Quality page: Editors add feedback, check responses and drift, and handle alerts (real collector)', () => {
  let agent: Agent;
  beforeAll(async () => {
    agent = await seedAgent(NAME, steadyThenSlow('gpt-4.1-mini', 'gpt-4.1'));
  }, 60_000);

  afterEach(async () => {
    await waitFor(() => expect(document.querySelectorAll('[aria-busy="true"]')).toHaveLength(0), WAIT);
  });

  test('an Editor adds feedback: it is listed with the Grafana user as its author', async () => {
    signInAs('Editor', 'erin@example.com');
    grafana.sendUserHeader = true;
    renderApp(`quality?agent=${agent.id}&section=feedback`);
    const form = await screen.findByRole('form', { name: 'Add feedback' }, WAIT);
    const save = within(form).getByRole('button', { name: 'Save feedback' });
    // Nothing filled in is nothing to send.
    expect(save).toBeDisabled();
    fireEvent.click(within(form).getByLabelText('4 of 5'));
    fireEvent.click(within(form).getByLabelText('Completed'));
    fireEvent.change(within(form).getByLabelText('Comment'), { target: { value: `solved it ${run}` } });
    fireEvent.click(save);
    await waitFor(() => expect(bodyRows('Feedback').length).toBeGreaterThan(0), WAIT);
    const row = bodyRows('Feedback').find((r) => r.textContent?.includes(`solved it ${run}`))!;
    expect(cellTexts(row).slice(2, 5)).toEqual(['Completed', `solved it ${run}`, 'erin@example.com (person)']);
    expect(within(row).getByLabelText('4 of 5')).toBeInTheDocument();
    expect(posts()).toEqual([[`collector/api/v1/quality/${agent.id}/feedback`, 201]]);
    const stored = await collectorApi<Feedback[]>('GET', `/api/v1/quality/${agent.id}/feedback`);
    expect(stored[0]).toMatchObject({
      rating: 4,
      label: 'completed',
      comment: `solved it ${run}`,
      author: 'erin@example.com',
      source: 'person',
    });
    // The form is empty again.
    expect(within(form).getByLabelText('Comment')).toHaveValue('');
  });

  test('an Editor checks a response: the flagged claims are marked where they stand, and the check is listed', async () => {
    signInAs('Editor');
    renderApp(`quality?agent=${agent.id}&section=grounding`);
    const form = await screen.findByRole('form', { name: 'Check a response' }, WAIT);
    const response = 'The Eiffel Tower is 330 metres tall. It was completed in 1889 in Paris by Gustave Eiffel.';
    fireEvent.change(within(form).getByLabelText(/^Response/), { target: { value: response } });
    fireEvent.change(within(form).getByLabelText(/^Source 1/), {
      target: {
        value: 'The Eiffel Tower in Paris, designed by Gustave Eiffel, was completed in 1887 and is 300 metres tall.',
      },
    });
    fireEvent.click(within(form).getByLabelText('Rules'));
    fireEvent.click(within(form).getByRole('button', { name: 'Check' }));
    const result = await screen.findByRole('status', { name: 'Check result' }, WAIT);
    expect(posts()).toEqual([[`collector/api/v1/quality/${agent.id}/evaluate`, 200]]);
    const [check] = await collectorApi<HallucinationCheck[]>('GET', `/api/v1/quality/${agent.id}/grounding?limit=1`);
    expect(check.method).toBe('rules');
    const flagged = check.claims.filter((c) => c.status !== 'SUPPORTED');
    expect(flagged.length).toBeGreaterThan(0);
    // Each mark is the response's text at a flagged claim's offsets, in order.
    const marks = Array.from(within(result).getByLabelText('Response with flagged claims').querySelectorAll('mark'));
    expect(marks.map((m) => m.textContent).join('|')).toBe(
      [...flagged]
        .sort((a, b) => a.start - b.start)
        .map((c) => response.slice(c.start, c.end))
        .join('|')
    );
    expect(within(result).getByLabelText('Response with flagged claims')).toHaveTextContent(response);
    expect(bodyRows('Claims')).toHaveLength(check.claims.length);

    // The list shows it, newest first; its details load it again by id.
    await waitFor(
      () => expect(screen.getByRole('button', { name: `Details of check ${check.id}` })).toBeInTheDocument(),
      WAIT
    );
    fireEvent.click(screen.getByRole('button', { name: `Details of check ${check.id}` }));
    const detail = await screen.findByRole('region', { name: 'Grounding check' }, WAIT);
    await waitFor(() => expect(within(detail).getByRole('table', { name: 'Claims' })).toBeInTheDocument(), WAIT);
    expect(searchParams()).toEqual({ agent: agent.id, section: 'grounding', check: check.id });
    if (check.response === null) {
      expect(detail).toHaveTextContent('The response is not kept');
    } else {
      expect(detail.querySelectorAll('mark')).toHaveLength(marks.length);
    }
  });

  test('an Editor checks for drift: the latency drift of the new version is listed with its sample requests, and its alert is acknowledged then resolved', async () => {
    signInAs('Editor', 'erin@example.com');
    grafana.sendUserHeader = true;
    renderApp(`quality?agent=${agent.id}&section=drift`);
    fireEvent.click(await screen.findByRole('button', { name: 'Check for drift now' }, WAIT));
    await screen.findByText('Drift check done', {}, WAIT);
    expect(posts()).toEqual([[`collector/api/v1/quality/${agent.id}/drift/check`, 200]]);
    const events = await collectorApi<DriftEvent[]>('GET', `/api/v1/quality/${agent.id}/drift`);
    expect(events.map((e) => e.metric)).toContain('latency');
    const latency = events.find((e) => e.metric === 'latency')!;
    expect(latency).toMatchObject({ direction: 'up', version: 2 });
    const toggle = await screen.findByRole('button', { name: `Show requests of drift event ${latency.id}` }, WAIT);
    expect(cellTexts(toggle.closest('tr') as HTMLTableRowElement)[1]).toBe('Latency');
    fireEvent.click(toggle);
    await waitFor(() => expect(searchParams()).toEqual({ agent: agent.id, section: 'drift', event: latency.id }), WAIT);
    const detail = await screen.findByRole('region', { name: 'Drift event' }, WAIT);
    const { interactions } = await collectorApi<{ interactions: Interaction[] }>(
      'GET',
      `/api/v1/quality/${agent.id}/drift/${latency.id}`
    );
    expect(interactions.length).toBeGreaterThan(0);
    await waitFor(
      () => expect(within(detail).getByRole('table', { name: 'Sample requests' })).toBeInTheDocument(),
      WAIT
    );
    expect(bodyRows('Sample requests').map((r) => r.cells[1].textContent)).toEqual(interactions.map(() => 'v2'));

    // The drift raised an alert: acknowledged, then resolved, from the Alerts tab.
    const [alert] = await collectorApi<QualityAlert[]>(
      'GET',
      `/api/v1/quality/alerts?agentId=${agent.id}&type=DRIFT&status=OPEN`
    );
    expect(alert).toMatchObject({ metric: 'latency', sourceId: latency.id });
    fireEvent.click(screen.getByRole('tab', { name: 'Alerts' }));
    fireEvent.click(await screen.findByRole('button', { name: `Acknowledge alert ${alert.id}` }, WAIT));
    const ack = screen.getByRole('form', { name: 'Acknowledge alert' });
    fireEvent.change(within(ack).getByLabelText(/^Note/), { target: { value: 'looking at the new model' } });
    fireEvent.click(within(ack).getByRole('button', { name: 'Acknowledge' }));
    await waitFor(
      () => expect(screen.queryByRole('button', { name: `Acknowledge alert ${alert.id}` })).not.toBeInTheDocument(),
      WAIT
    );
    fireEvent.click(screen.getByLabelText('Acknowledged'));
    fireEvent.click(await screen.findByRole('button', { name: `Resolve alert ${alert.id}` }, WAIT));
    fireEvent.click(
      within(screen.getByRole('form', { name: 'Resolve alert' })).getByRole('button', { name: 'Resolve' })
    );
    await waitFor(
      () => expect(screen.queryByRole('button', { name: `Resolve alert ${alert.id}` })).not.toBeInTheDocument(),
      WAIT
    );
    const stored = (
      await collectorApi<QualityAlert[]>('GET', `/api/v1/quality/alerts?agentId=${agent.id}&type=DRIFT&status=RESOLVED`)
    ).find((a) => a.id === alert.id);
    expect(stored).toMatchObject({
      status: 'RESOLVED',
      acknowledgedBy: 'erin@example.com',
      resolvedBy: 'erin@example.com',
    });
    expect(posts().slice(1)).toEqual([
      [`collector/api/v1/quality/alerts/${alert.id}/acknowledge`, 200],
      [`collector/api/v1/quality/alerts/${alert.id}/resolve`, 200],
    ]);
  });

  test('a Viewer sees the alerts without Acknowledge or Resolve', async () => {
    signInAs('Viewer');
    renderApp('quality?tab=alerts');
    await screen.findByRole('region', { name: 'Quality alerts' }, WAIT);
    fireEvent.click(screen.getByLabelText('All statuses'));
    await waitFor(
      () => expect(screen.getByRole('region', { name: 'Quality alerts' })).toHaveAttribute('aria-busy', 'false'),
      WAIT
    );
    expect(screen.queryByRole('button', { name: /^(Acknowledge|Resolve) alert / })).not.toBeInTheDocument();
    expect(grafana.forwarded.filter((f) => f.method !== 'GET')).toEqual([]);
  });
});
