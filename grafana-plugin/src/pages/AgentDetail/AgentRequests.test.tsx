import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { throwError } from 'rxjs';
import type {
  AgentVersion,
  AgentView as Agent,
  IngestInteraction,
  IngestResult,
  Interaction,
  InteractionPageMeta,
} from '@ai-arm/schemas';
import { count, usdFine, utcTime } from '../../format';
import { collectorApi, collectorEnvelope, grafana, signInAs } from '../../test-support/grafana';
import { renderApp } from '../../test-support/render';
import { bodyRows, cellTexts } from '../../test-support/table';
import { PAGE_SIZE } from './AgentInteractions';

const MINUTE = 60_000;
const run = `${Date.now().toString(36)}`;
/** Pushed by this file: 60 requests under two versions (a tool added half way), a few of them failed. */
const BUSY = `plugin-busy-${run}`;
/** Pushed once, three days ago: it has a version but no request in the last 24 hours. */
const QUIET = `plugin-quiet-${run}`;
const TOTAL = 60;
const SYSTEM = 'You book meeting rooms.';

function request(agent: string, i: number, startedAt: number, tools: string[]): IngestInteraction {
  const failed = i % 9 === 4;
  return {
    id: `${agent}-${i}`,
    agent,
    vendor: 'openai',
    model: 'gpt-4o-mini',
    startedAt: new Date(startedAt).toISOString(),
    latencyMs: 400 + i * 7,
    ...(i % 2 === 0 ? { timeToFirstTokenMs: 120 + i } : {}),
    tokens: { input: 1000 + i, output: 100 + i, ...(i % 3 === 0 ? { cacheRead: 256 } : {}) },
    status: failed ? 'error' : 'ok',
    ...(failed ? { errorType: i % 2 === 0 ? 'rate_limited' : 'timeout' } : {}),
    conversationId: `conv-${run}-${Math.floor(i / 5)}`,
    systemInstructions: SYSTEM,
    toolNames: tools,
  };
}

/** The cells a row of the Requests table shows for a request. */
const cells = (r: Interaction) => [
  utcTime(r.startedAt),
  r.model,
  r.status,
  r.errorType ?? '',
  `${Math.round(r.latencyMs)} ms`,
  r.timeToFirstTokenMs === null ? '—' : `${Math.round(r.timeToFirstTokenMs)} ms`,
  `${count(r.tokens.input + r.tokens.cacheRead + r.tokens.cacheWrite)} / ${count(r.tokens.output)}`,
  r.costUsd === null ? '—' : usdFine(r.costUsd),
  r.conversationId ?? '',
];

/** Every request the collector lists for the agent, page after page. */
async function allRequests(agentId: string, status?: 'ok' | 'error'): Promise<Interaction[]> {
  const out: Interaction[] = [];
  let cursor: string | null = null;
  do {
    const query = `limit=${PAGE_SIZE}${status ? `&status=${status}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
    const page: { data: Interaction[]; meta: InteractionPageMeta } = await collectorEnvelope(
      'GET',
      `/api/v1/agents/${agentId}/interactions?${query}`
    );
    out.push(...page.data);
    cursor = page.meta.nextCursor;
  } while (cursor);
  return out;
}

const agentNamed = async (name: string) => {
  const [agent] = await collectorApi<Agent[]>('GET', `/api/v1/agents?vendor=CUSTOM&q=${name}`);
  expect(agent?.vendorAgentId).toBe(name);
  return agent;
};

describe('Agent detail page: versions and recent requests of an agent that pushes them (real collector, ingest API)', () => {
  let busy: Agent;
  let quiet: Agent;
  beforeAll(async () => {
    const now = Date.now();
    const interactions = [
      ...Array.from({ length: 35 }, (_, i) => request(BUSY, i, now - 60 * MINUTE + i * 10_000, ['search'])),
      ...Array.from({ length: TOTAL - 35 }, (_, k) =>
        request(BUSY, 35 + k, now - 30 * MINUTE + k * 10_000, ['search', 'calendar'])
      ),
      request(QUIET, 0, now - 3 * 24 * 60 * MINUTE, []),
    ];
    const result = await collectorApi<IngestResult>('POST', '/api/v1/ingest/interactions', { interactions });
    expect(result).toEqual({ accepted: TOTAL + 1, rejected: [] });
    busy = await agentNamed(BUSY);
    quiet = await agentNamed(QUIET);
  });

  test('versions newest first, the one seen last marked current, as the collector lists them; a viewer sees them', async () => {
    // Last-seen times reach the store at the collector's next version flush: read them once written, as the page will.
    let versions: AgentVersion[] = [];
    await waitFor(
      async () => {
        versions = await collectorApi<AgentVersion[]>('GET', `/api/v1/agents/${busy.id}/versions`);
        expect(versions.every((v) => v.lastSeenAt > v.firstSeenAt)).toBe(true);
      },
      { timeout: 20_000, interval: 250 }
    );
    expect(versions.map((v) => v.toolNames)).toEqual([['search'], ['calendar', 'search']]);
    signInAs('Viewer');
    renderApp(`agents/${busy.id}`);
    await screen.findByRole('table', { name: 'Agent versions' });
    expect(bodyRows('Agent versions').map(cellTexts)).toEqual(
      [...versions]
        .reverse()
        .map((v) => [
          v.version === 2 ? 'v2 current' : `v${v.version}`,
          'gpt-4o-mini',
          v.toolNames.join(', '),
          v.systemHash!.slice(0, 12),
          utcTime(v.firstSeenAt),
          utcTime(v.lastSeenAt),
        ])
    );
    expect(bodyRows('Agent versions')[0]).toHaveAttribute('aria-current', 'true');
  });

  test('the newest 50 requests, then "load more" adds the rest with the cursor and goes away on the last page', async () => {
    const expected = await allRequests(busy.id);
    expect(expected).toHaveLength(TOTAL);
    renderApp(`agents/${busy.id}`);
    await screen.findByRole('table', { name: 'Requests' });
    expect(bodyRows('Requests').map(cellTexts)).toEqual(expected.slice(0, PAGE_SIZE).map(cells));
    expect(screen.getByLabelText('Requests shown')).toHaveTextContent(
      `${PAGE_SIZE} requests in the last 24 hours (more to load)`
    );
    // Cost is priced at ingest with the price table: gpt-4o-mini is in it.
    expect(expected.every((r) => r.costUsd !== null && Number(r.costUsd) > 0)).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: `Load ${PAGE_SIZE} more` }));
    await waitFor(() => expect(bodyRows('Requests')).toHaveLength(TOTAL));
    expect(bodyRows('Requests').map(cellTexts)).toEqual(expected.map(cells));
    expect(screen.queryByRole('button', { name: /Load .* more/ })).not.toBeInTheDocument();
    expect(screen.getByLabelText('Requests shown')).toHaveTextContent(`${TOTAL} requests in the last 24 hours`);
    const reads = grafana.forwarded.filter((f) => f.path.startsWith(`collector/api/v1/agents/${busy.id}/interactions`));
    expect(reads.map((f) => [f.status, new URLSearchParams(f.path.split('?')[1]).has('cursor')])).toEqual([
      [200, false],
      [200, true],
    ]);
  });

  test('the status filter shows only the failed requests, with their error types, as the collector filters them', async () => {
    const failed = await allRequests(busy.id, 'error');
    expect(failed.map((r) => r.errorType).sort()).toEqual([
      'rate_limited',
      'rate_limited',
      'rate_limited',
      'rate_limited',
      'timeout',
      'timeout',
      'timeout',
    ]);
    renderApp(`agents/${busy.id}`);
    await screen.findByRole('table', { name: 'Requests' });
    fireEvent.click(screen.getByLabelText('Failed'));
    await waitFor(() => expect(bodyRows('Requests').map(cellTexts)).toEqual(failed.map(cells)));
    expect(screen.getByLabelText('Requests shown')).toHaveTextContent(
      `${failed.length} failed requests in the last 24 hours`
    );
    expect(screen.queryByRole('button', { name: /Load .* more/ })).not.toBeInTheDocument();
    fireEvent.click(screen.getByLabelText('All'));
    await waitFor(() => expect(bodyRows('Requests')).toHaveLength(PAGE_SIZE));
  });

  test('an agent with no request in the last 24 hours says so, and still lists its version', async () => {
    renderApp(`agents/${quiet.id}`);
    expect(await screen.findByText(/No requests pushed by this agent in the last 24 hours/)).toBeInTheDocument();
    await screen.findByRole('table', { name: 'Agent versions' });
    expect(bodyRows('Agent versions').map((r) => cellTexts(r).slice(0, 3))).toEqual([
      ['v1 current', 'gpt-4o-mini', 'none'],
    ]);
  });

  test('requests failing to load (a 502 injected at the proxy emulation) show their own error and retry; the versions still show', async () => {
    const real = grafana.backendSrv.fetch;
    let failing = true;
    const fetch = jest
      .spyOn(grafana.backendSrv, 'fetch')
      .mockImplementation((options) =>
        failing && options.url.includes('/interactions')
          ? throwError(() => ({ status: 502, statusText: 'Bad Gateway', data: '' }))
          : real(options)
      );
    try {
      renderApp(`agents/${busy.id}`);
      const error = await screen.findByText('Requests could not be loaded');
      const alert = error.closest('[role="alert"]') as HTMLElement;
      expect(alert).toHaveTextContent(/could not reach the AI-ARM collector/);
      await screen.findByRole('table', { name: 'Agent versions' });
      failing = false;
      fireEvent.click(within(alert).getByRole('button', { name: /Try again/ }));
      await screen.findByRole('table', { name: 'Requests' });
      expect(bodyRows('Requests')).toHaveLength(PAGE_SIZE);
    } finally {
      fetch.mockRestore();
    }
  });
});
