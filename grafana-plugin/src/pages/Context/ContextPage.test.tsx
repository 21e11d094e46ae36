import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { AgentView as Agent, Context, ContextSearchResult } from '@ai-arm/schemas';
import { collectorApi, grafana, signInAs } from '../../test-support/grafana';
import { renderApp, searchParams } from '../../test-support/render';
import { bodyRows, cellTexts } from '../../test-support/table';
import { itemsOf, run, seedAgent, seedItems, SUPPORT_ITEMS } from './fixtures';
import { hitFigures } from './format';

const WAIT = { timeout: 15_000 };
// The first search loads the embedding model in the collector.
const SEARCH_WAIT = { timeout: 60_000 };
const NAME = `context-page-${run}`;
const tabs = () => screen.getAllByRole('tab').map((t) => t.textContent);
const changes = () => grafana.forwarded.filter((f) => f.method !== 'GET').map((f) => [f.method, f.path, f.status]);

describe('Context page: search across agents, browse an agent, and who may change what (real collector)', () => {
  let agent: Agent;
  let items: Context[];
  beforeAll(async () => {
    agent = await seedAgent(NAME);
    items = await seedItems(agent.id, SUPPORT_ITEMS);
  }, 60_000);

  afterEach(async () => {
    await waitFor(() => expect(document.querySelectorAll('[aria-busy="true"]')).toHaveLength(0), WAIT);
  });

  test("a Viewer searches one agent by meaning: each hit with the collector's score, its parts and why, the shared words marked", async () => {
    signInAs('Viewer');
    renderApp('context');
    await screen.findByRole('form', { name: 'Search context' }, WAIT);
    expect(tabs()).toEqual(['Search', 'Browse', 'Export, import, transfer', 'Preferences']);
    fireEvent.change(screen.getByLabelText(/^Looking for/), { target: { value: 'where is the warehouse' } });
    fireEvent.change(screen.getByLabelText(/^Agent/), { target: { value: NAME } });
    const found = await screen.findByRole('list', { name: 'Agent: agents found' }, WAIT);
    fireEvent.click(within(found).getByRole('button', { name: new RegExp(`^${NAME}`) }));
    await screen.findByRole('group', { name: 'Agent' }, WAIT);
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await screen.findByRole('table', { name: 'Search results' }, SEARCH_WAIT);

    // What the page asked, asked again straight: the rows are the collector's hits, in its order.
    const asked = grafana.forwarded.filter((f) => f.path.startsWith('collector/api/v1/context/search?'));
    expect(asked).toHaveLength(1);
    const q = new URLSearchParams(asked[0].path.split('?')[1]);
    expect(Object.fromEntries(q)).toEqual({ q: 'where is the warehouse', agentId: agent.id, limit: '20' });
    const result = await collectorApi<ContextSearchResult>('GET', `/api/v1/context/search?${q}`);
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result.hits[0].item.id).toBe(items[0].id);
    const rows = bodyRows('Search results');
    expect(rows.map((r) => within(r).getByLabelText('Why it matched').textContent)).toEqual(
      result.hits.map((h) => h.why)
    );
    const first = hitFigures(result.hits[0]);
    expect(cellTexts(rows[0])[0]).toBe(`${first.score}similarity ${first.semantic} · words ${first.keyword}`);
    expect(Array.from(rows[0].querySelectorAll('mark'), (m) => m.textContent)).toEqual(['warehouse']);
    // Superseded items are not searched: the numbered-list preference never shows.
    expect(rows.some((r) => r.textContent?.includes('numbered list'))).toBe(false);
    await waitFor(() => expect(cellTexts(bodyRows('Search results')[0])[3]).toBe(NAME), WAIT);
    expect(screen.getByLabelText('Search figures')).toHaveTextContent(new RegExp(`${result.embeddingModel}`));

    // The agent's name opens its context on Browse.
    fireEvent.click(within(bodyRows('Search results')[0]).getByRole('link', { name: NAME }));
    await waitFor(() => expect(searchParams()).toEqual({ tab: 'browse', agent: agent.id }), WAIT);
    await screen.findByRole('table', { name: 'Context items' }, WAIT);
    // A Viewer reads: no edit, delete or add; no wizard; no injection.
    expect(screen.queryByRole('button', { name: /^(Edit|Delete) item / })).not.toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Add context' })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('tab', { name: 'Export, import, transfer' }));
    expect(await screen.findByText('For Editors and Admins')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Export' })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('tab', { name: 'Preferences' }));
    await screen.findByRole('table', { name: 'Preferences in force' }, WAIT);
    expect(screen.queryByRole('region', { name: 'Inject into instructions' })).not.toBeInTheDocument();
    expect(changes()).toEqual([]);
  }, 90_000);

  test('a filter that matches nothing says so; a time that is not one is refused before asking', async () => {
    signInAs('Viewer');
    renderApp('context');
    fireEvent.change(await screen.findByLabelText(/^Looking for/, {}, WAIT), { target: { value: 'warehouse' } });
    fireEvent.change(screen.getByLabelText(/^Valid at/), { target: { value: '2026-02-30' } });
    expect(screen.getByRole('button', { name: 'Search' })).toBeDisabled();
    fireEvent.change(screen.getByLabelText(/^Valid at/), { target: { value: '2026-01-15' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Type' }), { target: { value: 'FACT' } });
    fireEvent.change(screen.getByLabelText(/^User/), { target: { value: `nobody-${run}` } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByText('Nothing matched', {}, SEARCH_WAIT)).toBeInTheDocument();
    const asked = grafana.forwarded.find((f) => f.path.startsWith('collector/api/v1/context/search?'))!;
    expect(Object.fromEntries(new URLSearchParams(asked.path.split('?')[1]))).toEqual({
      q: 'warehouse',
      type: 'FACT',
      userId: `nobody-${run}`,
      validAt: '2026-01-15T00:00:00.000Z',
      limit: '20',
    });
  }, 90_000);

  test('browsing by type and validity: superseded items only when asked, marked so; an expired intent by the time it held', async () => {
    signInAs('Viewer');
    renderApp(`context?tab=browse&agent=${agent.id}`);
    await screen.findByRole('table', { name: 'Context items' }, WAIT);
    const stored = await itemsOf(agent.id);
    const live = stored.filter((i) => i.supersededBy === null);
    expect(bodyRows('Context items')).toHaveLength(live.length);
    expect(live).toHaveLength(SUPPORT_ITEMS.length - 1);

    fireEvent.click(within(screen.getByRole('group', { name: 'Filters' })).getByRole('switch'));
    await waitFor(() => expect(bodyRows('Context items')).toHaveLength(stored.length), WAIT);
    const superseded = bodyRows('Context items').filter((r) => r.textContent?.includes('Superseded'));
    expect(superseded.map((r) => cellTexts(r)[1])).toEqual(['Answers as a numbered list']);

    fireEvent.change(screen.getByRole('combobox', { name: 'Type' }), { target: { value: 'FACT' } });
    await waitFor(() => expect(bodyRows('Context items')).toHaveLength(2), WAIT);
    expect(bodyRows('Context items').map((r) => cellTexts(r)[0])).toEqual(['Fact', 'Fact']);

    fireEvent.change(screen.getByRole('combobox', { name: 'Type' }), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText(/^Valid at/), { target: { value: '2026-01-15' } });
    await waitFor(() => expect(bodyRows('Context items')).toHaveLength(1), WAIT);
    const [intent] = bodyRows('Context items').map((r) => cellTexts(r));
    expect(intent.slice(0, 2)).toEqual(['Intent', 'Wanted to change the delivery address of an order']);
    expect(intent[4]).toBe('2026-01-01 00:00:00 to 2026-02-01 00:00:00');
    expect(intent[5]).toBe('Expired');
    const last = grafana.forwarded.filter((f) => f.path.startsWith('collector/api/v1/context?')).pop()!;
    expect(Object.fromEntries(new URLSearchParams(last.path.split('?')[1]))).toEqual({
      agentId: agent.id,
      validAt: '2026-01-15T00:00:00.000Z',
      includeSuperseded: 'true',
      limit: '50',
    });
  });

  test('an Editor adds an item, edits it (only the change is sent) and deletes it; saying it again merges', async () => {
    signInAs('Editor');
    const fresh = await seedAgent(`${NAME}-editor`);
    renderApp(`context?tab=browse&agent=${fresh.id}`);
    const form = await screen.findByRole('form', { name: 'Add context' }, WAIT);
    expect(await screen.findByText('No context items', {}, WAIT)).toBeInTheDocument();
    const add = within(form).getByRole('button', { name: 'Add' });
    expect(add).toBeDisabled();
    fireEvent.change(within(form).getByRole('combobox', { name: 'Type' }), { target: { value: 'PREFERENCE' } });
    fireEvent.change(within(form).getByLabelText(/^Key/), { target: { value: 'units' } });
    fireEvent.change(within(form).getByLabelText(/^Context/), { target: { value: 'Prefers metric units' } });
    fireEvent.change(within(form).getByLabelText(/^Confidence/), { target: { value: '1.4' } });
    expect(within(form).getByRole('status')).toHaveTextContent('Confidence is a number from 0 to 1.');
    expect(add).toBeDisabled();
    fireEvent.change(within(form).getByLabelText(/^Confidence/), { target: { value: '0.7' } });
    fireEvent.change(within(form).getByLabelText(/^Tags/), { target: { value: 'units, style' } });
    fireEvent.click(add);
    expect(await screen.findByText('Item added.', {}, WAIT)).toBeInTheDocument();
    await waitFor(() => expect(bodyRows('Context items')).toHaveLength(1), WAIT);
    const [created] = await itemsOf(fresh.id);
    expect(created).toMatchObject({
      type: 'PREFERENCE',
      key: 'units',
      content: 'Prefers metric units',
      confidence: 0.7,
      tags: ['units', 'style'],
      userId: null,
      source: { type: 'MANUAL' },
    });

    // The same thing said again is merged into it, not a second item (the form starts empty again).
    expect(within(form).getByLabelText(/^Key/)).toHaveValue('');
    fireEvent.change(within(form).getByRole('combobox', { name: 'Type' }), { target: { value: 'PREFERENCE' } });
    fireEvent.change(within(form).getByLabelText(/^Key/), { target: { value: 'units' } });
    fireEvent.change(within(form).getByLabelText(/^Context/), { target: { value: 'Prefers metric units' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add' }));
    expect(await screen.findByText(/merged into the existing item/, {}, WAIT)).toBeInTheDocument();
    expect(await itemsOf(fresh.id)).toHaveLength(1);

    fireEvent.click(await screen.findByRole('button', { name: `Edit item ${created.id}` }, WAIT));
    const edit = screen.getByRole('form', { name: 'Edit context item' });
    const save = within(edit).getByRole('button', { name: 'Save changes' });
    expect(save).toBeDisabled();
    fireEvent.change(within(edit).getByLabelText(/^Valid until/), { target: { value: '2030-01-01' } });
    fireEvent.change(within(edit).getByLabelText(/^User/), { target: { value: 'u-9' } });
    fireEvent.click(save);
    expect(await screen.findByText('Item saved.', {}, WAIT)).toBeInTheDocument();
    const [edited] = await itemsOf(fresh.id);
    expect(edited).toMatchObject({ id: created.id, userId: 'u-9', validUntil: '2030-01-01T00:00:00.000Z' });
    await waitFor(() => expect(cellTexts(bodyRows('Context items')[0])[2]).toBe('u-9'), WAIT);

    fireEvent.click(screen.getByRole('button', { name: `Delete item ${created.id}` }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete it' }));
    expect(await screen.findByText('Item deleted.', {}, WAIT)).toBeInTheDocument();
    expect(await itemsOf(fresh.id)).toEqual([]);
    expect(changes()).toEqual([
      ['POST', 'collector/api/v1/context', 201],
      ['POST', 'collector/api/v1/context', 200],
      ['PATCH', `collector/api/v1/context/${created.id}`, 200],
      ['DELETE', `collector/api/v1/context/${created.id}`, 200],
    ]);
  });
});
