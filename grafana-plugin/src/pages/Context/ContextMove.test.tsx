import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { AgentView as Agent, Context } from '@ai-arm/schemas';
import { collectorApi, grafana, signInAs } from '../../test-support/grafana';
import { renderApp } from '../../test-support/render';
import { bodyRows } from '../../test-support/table';
import { itemsOf, run, seedAgent, seedItems, SUPPORT_ITEMS } from './fixtures';

const WAIT = { timeout: 15_000 };
const NAME = `context-move-${run}`;
const posts = () => grafana.forwarded.filter((f) => f.method === 'POST').map((f) => [f.path, f.status]);

/** jsdom has no object URLs: the blobs the page would hand the browser are kept to be read. */
const blobs = new Map<string, Blob>();
beforeAll(() => {
  URL.createObjectURL = (b: Blob) => {
    const url = `blob:test/${blobs.size}`;
    blobs.set(url, b);
    return url;
  };
  URL.revokeObjectURL = () => undefined;
});
const blobText = (b: Blob) =>
  new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = reject;
    r.readAsText(b);
  });

/** Picks an agent in the chooser labelled `label`, by typing its name. */
async function choose(label: string, name: string) {
  fireEvent.change(screen.getByLabelText(new RegExp(`^${label}`)), { target: { value: name } });
  const found = await screen.findByRole('list', { name: `${label}: agents found` }, WAIT);
  fireEvent.click(within(found).getByRole('button', { name: new RegExp(`^${name}\\s`) }));
  await screen.findByRole('group', { name: label }, WAIT);
}

const modes = () => screen.getByRole('region', { name: 'Export, import, transfer' });

describe('Context page: export, import and transfer, each previewed before it is made (real collector)', () => {
  let source: Agent;
  let live: Context[];
  beforeAll(async () => {
    source = await seedAgent(NAME);
    await seedItems(source.id, SUPPORT_ITEMS);
    live = (await itemsOf(source.id)).filter((i) => i.supersededBy === null);
  }, 60_000);

  afterEach(async () => {
    await waitFor(() => expect(document.querySelectorAll('[aria-busy="true"]')).toHaveLength(0), WAIT);
  });

  test("an Editor exports an agent (the file is the collector's export, checksummed), previews the import into another agent, confirms it, and a changed file is refused", async () => {
    signInAs('Editor');
    const target = await seedAgent(`${NAME}-target`);
    renderApp(`context?tab=move&agent=${source.id}`);
    const exportForm = await screen.findByRole('form', { name: 'Export' }, WAIT);
    await within(exportForm).findByText(NAME, {}, WAIT);
    fireEvent.click(within(exportForm).getByRole('button', { name: 'Export' }));
    const link = await within(exportForm).findByRole('link', { name: /^Download / }, WAIT);
    const filename = link.getAttribute('download')!;
    expect(filename).toMatch(new RegExp(`^${NAME}-context-arm-native-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    const file = await blobText(blobs.get(link.getAttribute('href')!)!);
    const exported = JSON.parse(file) as { format: string; items: Context[]; checksum: string };
    const straight = await collectorApi<typeof exported>('GET', `/api/v1/context/export?agentId=${source.id}`);
    expect({ ...exported, exportedAt: 0 }).toEqual({ ...straight, exportedAt: 0 });
    expect(exported.items.map((i) => i.id).sort()).toEqual(live.map((i) => i.id).sort());
    expect(within(exportForm).getByRole('status')).toHaveTextContent(
      `${live.length} items, checksum ${exported.checksum.slice(0, 19)}…`
    );

    // Import: the same file into the target, previewed first.
    fireEvent.click(within(modes()).getByLabelText('Import'));
    await screen.findByRole('form', { name: 'Import' }, WAIT);
    fireEvent.click(await screen.findByRole('button', { name: 'Change agent to import into' }, WAIT));
    await choose('Agent to import into', `${NAME}-target`);
    fireEvent.change(screen.getByLabelText('Or paste it'), { target: { value: file } });
    expect(screen.getByText('Format: AI-ARM')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Preview the import' }));
    const preview = await screen.findByRole('region', { name: 'Import preview (dry run: nothing stored yet)' }, WAIT);
    expect(screen.getByText('Checksum verified')).toBeInTheDocument();
    expect(within(preview).getByText(`${live.length} new items would be added.`)).toBeInTheDocument();
    expect(bodyRows('Would be added')).toHaveLength(live.length);
    expect(await itemsOf(target.id)).toEqual([]);
    // While the preview is shown, the request is fixed: its fields are locked.
    expect(screen.getByLabelText('Or paste it')).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Confirm the import' }));
    const done = await screen.findByRole('region', { name: 'Imported' }, WAIT);
    expect(within(done).getByText(`${live.length} new items added.`)).toBeInTheDocument();
    const imported = await itemsOf(target.id);
    expect(imported.map((i) => i.content).sort()).toEqual(live.map((i) => i.content).sort());
    expect(new Set(imported.map((i) => i.source.type))).toEqual(new Set(['IMPORT']));

    // The same file again: everything is held already, so there is nothing to confirm.
    fireEvent.click(screen.getByRole('button', { name: 'Import another' }));
    fireEvent.change(screen.getByLabelText('Or paste it'), { target: { value: file } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview the import' }));
    const again = await screen.findByRole('region', { name: 'Import preview (dry run: nothing stored yet)' }, WAIT);
    expect(within(again).getByText(`${live.length} items already held.`)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Confirm the import' })).toBeDisabled();

    // A file changed after export: its checksum no longer matches, and the whole file is refused.
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    const tampered = { ...exported, items: exported.items.map((i, n) => (n === 0 ? { ...i, content: 'changed' } : i)) };
    fireEvent.change(screen.getByLabelText('Or paste it'), { target: { value: JSON.stringify(tampered) } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview the import' }));
    const refused = await screen.findByText('The import was refused', {}, WAIT);
    expect(refused.closest('[role="alert"]')?.textContent).toMatch(/checksum/i);
    expect(await itemsOf(target.id)).toHaveLength(live.length);
    expect(posts()).toEqual([
      ['collector/api/v1/context/import', 200],
      ['collector/api/v1/context/import', 200],
      ['collector/api/v1/context/import', 200],
      ['collector/api/v1/context/import', 400],
    ]);
  }, 90_000);

  test('an Editor transfers only the facts to another agent: previewed, then confirmed; the target holds them as transferred', async () => {
    signInAs('Editor');
    const target = await seedAgent(`${NAME}-facts`);
    renderApp('context?tab=move');
    fireEvent.click(
      within(await screen.findByRole('region', { name: 'Export, import, transfer' }, WAIT)).getByLabelText('Transfer')
    );
    await screen.findByRole('form', { name: 'Transfer' }, WAIT);
    await choose('From agent', NAME);
    await choose('To agent', `${NAME}-facts`);
    fireEvent.click(screen.getByLabelText('Fact'));
    fireEvent.click(screen.getByRole('button', { name: 'Preview the transfer' }));
    const preview = await screen.findByRole('region', { name: 'Transfer preview (dry run: nothing stored yet)' }, WAIT);
    const facts = live.filter((i) => i.type === 'FACT');
    expect(within(preview).getByText(`${facts.length} new items would be added.`)).toBeInTheDocument();
    expect(await itemsOf(target.id)).toEqual([]);
    // No Admin, no offer to write the preferences into the target's instructions.
    fireEvent.click(screen.getByRole('button', { name: 'Confirm the transfer' }));
    await screen.findByRole('region', { name: 'Transferred' }, WAIT);
    expect(screen.queryByRole('button', { name: /into the target's instructions/ })).not.toBeInTheDocument();
    const moved = await itemsOf(target.id);
    expect(moved.map((i) => [i.type, i.content, i.source.type, i.source.importedFrom]).sort()).toEqual(
      facts.map((i) => ['FACT', i.content, 'TRANSFER', source.id]).sort()
    );
    expect(posts()).toEqual([
      ['collector/api/v1/context/transfer', 200],
      ['collector/api/v1/context/transfer', 200],
    ]);
  }, 90_000);

  test('the same agent twice is no transfer: it is not sent', async () => {
    signInAs('Admin');
    renderApp('context?tab=move');
    fireEvent.click(
      within(await screen.findByRole('region', { name: 'Export, import, transfer' }, WAIT)).getByLabelText('Transfer')
    );
    await screen.findByRole('form', { name: 'Transfer' }, WAIT);
    await choose('From agent', NAME);
    await choose('To agent', NAME);
    expect(screen.getByText('Choose two different agents.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Preview the transfer' })).toBeDisabled();
    expect(posts()).toEqual([]);
  });
});
