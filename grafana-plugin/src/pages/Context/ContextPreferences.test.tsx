import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { AgentView as Agent, InjectResult, Preference } from '@ai-arm/schemas';
import { collectorApi, grafana, send, signInAs } from '../../test-support/grafana';
import { renderApp } from '../../test-support/render';
import { bodyRows, cellTexts } from '../../test-support/table';
import { lineDiff } from './diff';
import { run, seedItems } from './fixtures';

const WAIT = { timeout: 20_000 };
const OPENAI_ADMIN_KEY = 'sk-admin-simulator-openai-0001';
const simulator = () => `${process.env.AIARM_TEST_SIMULATOR_URL}/openai/v1`;
const posts = () => grafana.forwarded.filter((f) => f.method === 'POST').map((f) => [f.path, f.status]);

/** The assistant's instructions as the vendor (the demo's simulator) holds them. */
async function vendorInstructions(agent: Agent): Promise<string> {
  const res = await send(
    `${simulator()}/assistants/${agent.vendorAgentId}`,
    'GET',
    {
      authorization: `Bearer ${OPENAI_ADMIN_KEY}`,
      'openai-beta': 'assistants=v2',
    },
    undefined
  );
  return ((res.data as { instructions: string | null }).instructions ?? '') as string;
}

/**
 * An OpenAI assistant of the demo's own connection (its admin key is the collector's, by vendor),
 * with an agent-wide preference and one user's. Its instructions are back as they were at the end.
 */
describe("Context page: preferences, written into an OpenAI assistant's instructions and undone (real collector and vendor simulator)", () => {
  let agent: Agent;
  beforeAll(async () => {
    const agents = await collectorApi<Agent[]>('GET', '/api/v1/agents?vendor=OPENAI&status=ACTIVE&limit=200');
    agent =
      agents.find((a) => a.connectionId !== null && a.type === 'ASSISTANT') ??
      agents.find((a) => a.connectionId !== null)!;
    await seedItems(agent.id, [
      { type: 'PREFERENCE', key: 'response_format', content: `Answers in short bullet points ${run}` },
      { type: 'PREFERENCE', key: 'language', content: `Answers in Dutch ${run}`, userId: `u-nl-${run}` },
    ]);
  }, 60_000);

  afterEach(async () => {
    await waitFor(() => expect(document.querySelectorAll('[aria-busy="true"]')).toHaveLength(0), WAIT);
  });

  test('an Editor reads the preferences in force; writing them into the agent is not offered', async () => {
    signInAs('Editor');
    renderApp(`context?tab=preferences&agent=${agent.id}`);
    await screen.findByRole('table', { name: 'Preferences in force' }, WAIT);
    const prefs = await collectorApi<Preference[]>('GET', `/api/v1/preferences?agentId=${agent.id}`);
    expect(bodyRows('Preferences in force').map((r) => cellTexts(r).slice(0, 4))).toEqual(
      prefs.map((p) => [p.category, p.key, p.value, p.userId ?? 'everyone'])
    );
    expect(
      prefs
        .filter((p) => p.value.endsWith(run))
        .map((p) => p.key)
        .sort()
    ).toEqual(['language', 'response_format']);
    expect(screen.queryByRole('region', { name: 'Inject into instructions' })).not.toBeInTheDocument();
  });

  test('an Admin previews the instructions before and after, writes them, and undoes it: the vendor holds each in turn', async () => {
    const before = await vendorInstructions(agent);
    renderApp(`context?tab=preferences&agent=${agent.id}`);
    const panel = await screen.findByRole('region', { name: 'Inject into instructions' }, WAIT);
    expect(within(panel).getByRole('combobox', { name: 'Preferences of' })).toHaveTextContent(
      new RegExp(`The agent’s own preferences\\s*User u-nl-${run}`)
    );
    fireEvent.click(within(panel).getByRole('button', { name: 'Preview the injection' }));
    const preview = await within(panel).findByRole('list', { name: 'Instructions preview' }, WAIT);
    // The preview is the collector's dry run, line by line: the instructions kept, the block written.
    const planned = await collectorApi<InjectResult>('POST', `/api/v1/preferences/inject/${agent.id}`, {
      dryRun: true,
    });
    expect(planned.before).toBe(before);
    const lines = lineDiff(planned.before, planned.after);
    expect(Array.from(preview.querySelectorAll('li'), (li) => li.getAttribute('data-kind'))).toEqual(
      lines.map((l) => l.kind)
    );
    expect(within(preview).getByLabelText('written: <!-- ai-arm:preferences -->')).toBeInTheDocument();
    expect(preview.textContent).toContain(`Answers in short bullet points ${run}`);
    expect(preview.textContent).not.toContain(`Answers in Dutch ${run}`);
    expect(await vendorInstructions(agent)).toBe(before);

    fireEvent.click(within(panel).getByRole('button', { name: 'Write these instructions' }));
    expect(await within(panel).findByText('Instructions written', {}, WAIT)).toBeInTheDocument();
    expect(await vendorInstructions(agent)).toBe(planned.after);

    fireEvent.click(within(panel).getByRole('button', { name: 'Undo the last injection' }));
    fireEvent.click(await within(panel).findByRole('button', { name: 'Write back the instructions before it' }));
    expect(await within(panel).findByText('Injection undone', {}, WAIT)).toBeInTheDocument();
    expect(await vendorInstructions(agent)).toBe(before);

    // Nothing left to undo: the collector's reason is shown, and nothing is written.
    fireEvent.click(within(panel).getByRole('button', { name: 'Undo the last injection' }));
    fireEvent.click(await within(panel).findByRole('button', { name: 'Write back the instructions before it' }));
    const refused = await within(panel).findByText('Nothing was undone', {}, WAIT);
    expect(refused.closest('[role="alert"]')?.textContent).toMatch(/no preference injection to undo/);
    expect(posts()).toEqual([
      [`collector/api/v1/preferences/inject/${agent.id}`, 200],
      [`collector/api/v1/preferences/inject/${agent.id}`, 200],
      [`collector/api/v1/preferences/inject/${agent.id}/undo`, 200],
      [`collector/api/v1/preferences/inject/${agent.id}/undo`, 404],
    ]);
  }, 90_000);

  test("one user's preferences go into a block of their own", async () => {
    renderApp(`context?tab=preferences&agent=${agent.id}`);
    const panel = await screen.findByRole('region', { name: 'Inject into instructions' }, WAIT);
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Preferences of' }), {
      target: { value: `u-nl-${run}` },
    });
    fireEvent.click(within(panel).getByRole('button', { name: 'Preview the injection' }));
    const preview = await within(panel).findByRole('list', { name: 'Instructions preview' }, WAIT);
    expect(preview.textContent).toContain(`Answers in Dutch ${run}`);
    expect(preview.textContent).toContain(`u-nl-${run}`);
    expect(preview.textContent).not.toContain(`Answers in short bullet points ${run}`);
    fireEvent.click(within(panel).getByRole('button', { name: 'Back' }));
    expect(within(panel).getByRole('combobox', { name: 'Preferences of' })).toBeEnabled();
  }, 60_000);
});
