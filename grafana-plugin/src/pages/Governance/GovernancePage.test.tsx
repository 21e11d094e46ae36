import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Policy, PolicyViolation } from '@ai-arm/schemas';
import { collectorApi, grafana, signInAs } from '../../test-support/grafana';
import { renderApp, searchParams } from '../../test-support/render';
import { bodyRows, cellTexts } from '../../test-support/table';
import { cardPolicy, run, violationOf } from './fixtures';

const WAIT = { timeout: 10_000 };
const POLICY = `Cards in prompts ${run}`;
const tabs = () => screen.getAllByRole('tab').map((t) => t.textContent);

describe('Governance page: who sees and does what (real collector, through the plugin.json routes)', () => {
  let policy: Policy;
  let seen: PolicyViolation;
  let reviewed: PolicyViolation;
  beforeAll(async () => {
    policy = await cardPolicy(POLICY);
    seen = await violationOf(policy, `gov-viewer-${run}`, `gov-viewer-${run}-1`);
    reviewed = await violationOf(policy, `gov-editor-${run}`, `gov-editor-${run}-1`);
  }, 60_000);

  afterEach(async () => {
    await waitFor(() => expect(document.querySelectorAll('[aria-busy="true"]')).toHaveLength(0), WAIT);
  });

  test('a Viewer reads the policies and the violations, with no control to change or review them', async () => {
    signInAs('Viewer');
    const policies = await collectorApi<Policy[]>('GET', '/api/v1/governance/policies');
    renderApp('governance');
    await waitFor(
      () => expect(bodyRows('Policies').map((r) => r.cells[0].textContent)).toHaveLength(policies.length),
      WAIT
    );
    const row = bodyRows('Policies').find((r) => r.cells[0].textContent?.startsWith(POLICY))!;
    expect(cellTexts(row).slice(1, 5)).toEqual(['Block', 'Critical', 'Enabled', String(policy.version)]);
    expect(tabs()).toEqual(['Policies', 'Violations']);
    expect(screen.queryByRole('button', { name: 'New policy' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^(Disable|Enable|Delete) policy/ })).not.toBeInTheDocument();

    // Opening a policy shows it in words, with its history; no edit form and no sample test.
    fireEvent.click(within(row).getByRole('button', { name: `Open policy ${POLICY}` }));
    const detail = await screen.findByRole('group', { name: `Policy ${POLICY}` }, WAIT);
    expect(within(detail).getByRole('list', { name: 'Conditions' })).toHaveTextContent(
      'request.content detects pii.card'
    );
    expect(searchParams()).toEqual({ policy: policy.id });
    await waitFor(() => expect(bodyRows('Versions').map((r) => r.cells[0].textContent)).toEqual(['1']), WAIT);
    expect(screen.queryByRole('form')).not.toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Test against sample text' })).not.toBeInTheDocument();

    // The violations: the row, then its detail with the (masked) match, and no review form.
    fireEvent.click(screen.getByRole('tab', { name: 'Violations' }));
    const details = await screen.findByRole('button', { name: `Details of violation ${seen.id}` }, WAIT);
    const vrow = details.closest('tr') as HTMLTableRowElement;
    expect(cellTexts(vrow).slice(1, 6)).toEqual([`${POLICY} v1`, 'Critical', 'Blocked', 'Agent', 'Open']);
    fireEvent.click(details);
    const violation = await screen.findByRole('region', { name: 'Violation' }, WAIT);
    await waitFor(() => expect(within(violation).getByRole('table', { name: 'Matches' })).toBeInTheDocument(), WAIT);
    expect(
      cellTexts(within(violation).getByRole('table', { name: 'Matches' }).querySelector('tbody tr')!).slice(0, 3)
    ).toEqual(['request.content', 'DETECTS', 'pii.card']);
    expect(violation).not.toHaveTextContent('4111');
    expect(within(violation).queryByRole('form', { name: 'Review' })).not.toBeInTheDocument();
    expect(searchParams()).toEqual({ tab: 'violations', violation: seen.id });
    // Nothing but reads went through Grafana.
    expect(grafana.forwarded.filter((f) => f.method !== 'GET')).toEqual([]);
  });

  test('an Editor reviews a violation: it shows reviewed, with the Grafana user as reviewer', async () => {
    signInAs('Editor', 'erin@example.com');
    grafana.sendUserHeader = true;
    renderApp(`governance?tab=violations&violation=${reviewed.id}`);
    expect(tabs()).toEqual(['Policies', 'Violations']);
    const form = await screen.findByRole('form', { name: 'Review' }, WAIT);
    fireEvent.click(within(form).getByLabelText('False positive'));
    fireEvent.change(within(form).getByLabelText(/^Note/), { target: { value: 'test card from the QA suite' } });
    fireEvent.click(within(form).getByRole('button', { name: /Save review/ }));

    const violation = screen.getByRole('region', { name: 'Violation' });
    await waitFor(
      () =>
        expect(within(violation).getByLabelText('Current review')).toHaveTextContent(
          'False positive by erin@example.com at'
        ),
      WAIT
    );
    expect(violation).toHaveTextContent('Reviewed: False positive');
    // The table above shows it reviewed too (the list is asked again after the review).
    await waitFor(() => {
      const row = screen.getByRole('button', { name: `Details of violation ${reviewed.id}` }).closest('tr')!;
      expect(row).toHaveTextContent('Reviewed: False positive');
    }, WAIT);
    const stored = await collectorApi<PolicyViolation>('GET', `/api/v1/governance/violations/${reviewed.id}`);
    expect(stored).toMatchObject({
      status: 'reviewed',
      review: { reviewer: 'erin@example.com', decision: 'FALSE_POSITIVE', note: 'test card from the QA suite' },
    });
    expect(grafana.forwarded.filter((f) => f.method === 'POST').map((f) => [f.path, f.status, f.user])).toEqual([
      [`collector/api/v1/governance/violations/${reviewed.id}/review`, 200, 'erin@example.com'],
    ]);
  });

  test('an Editor tests a sample text against a saved policy, but cannot change it', async () => {
    signInAs('Editor');
    renderApp(`governance?policy=${policy.id}`);
    const sample = await screen.findByRole('group', { name: 'Test against sample text' }, WAIT);
    expect(screen.queryByRole('form', { name: `Edit ${POLICY}` })).not.toBeInTheDocument();
    fireEvent.change(within(sample).getByLabelText(/^Test against sample text/), {
      target: { value: 'Nothing sensitive here.' },
    });
    fireEvent.click(within(sample).getByRole('button', { name: 'Test' }));
    const result = await within(sample).findByRole('status', { name: 'Sample result' }, WAIT);
    expect(result).toHaveTextContent(/Decision:\s*Allowed/);
    expect(result).toHaveTextContent('No condition matched.');
  });

  test('violations filter by policy and status: a reviewed one leaves the open list', async () => {
    await collectorApi('POST', `/api/v1/governance/violations/${reviewed.id}/review`, { decision: 'CONFIRMED' });
    const ofPolicy = await collectorApi<PolicyViolation[]>(
      'GET',
      `/api/v1/governance/violations?policyId=${policy.id}&status=open&limit=500`
    );
    expect(ofPolicy.map((v) => v.id)).toContain(seen.id);
    expect(ofPolicy.map((v) => v.id)).not.toContain(reviewed.id);
    signInAs('Viewer');
    renderApp('governance?tab=violations');
    await screen.findByRole('button', { name: `Details of violation ${seen.id}` }, WAIT);
    await waitFor(() => expect(screen.getByLabelText('Policy')).toHaveTextContent(POLICY), WAIT);
    fireEvent.change(screen.getByLabelText('Policy'), { target: { value: policy.id } });
    fireEvent.click(screen.getByLabelText('Open'));
    const shown = () =>
      screen.queryAllByRole('button', { name: /^Details of violation / }).map((b) => b.getAttribute('aria-label'));
    await waitFor(() => {
      expect(screen.getByRole('region', { name: 'Violations' })).toHaveAttribute('aria-busy', 'false');
      expect(shown()).toEqual(ofPolicy.map((v) => `Details of violation ${v.id}`));
    }, WAIT);
    const asked = grafana.forwarded.filter((f) => f.path.startsWith('collector/api/v1/governance/violations?'));
    const last = new URLSearchParams(asked[asked.length - 1].path.split('?')[1]);
    expect([last.get('policyId'), last.get('status')]).toEqual([policy.id, 'open']);
  });

  test('Refresh asks again: a violation recorded after the page opened appears', async () => {
    signInAs('Viewer');
    renderApp('governance?tab=violations');
    await screen.findByRole('button', { name: `Details of violation ${seen.id}` }, WAIT);
    await waitFor(
      () => expect(screen.getByRole('region', { name: 'Violations' })).toHaveAttribute('aria-busy', 'false'),
      WAIT
    );
    const later = await violationOf(policy, `gov-viewer-${run}`, `gov-viewer-${run}-2`);
    expect(screen.queryByRole('button', { name: `Details of violation ${later.id}` })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await screen.findByRole('button', { name: `Details of violation ${later.id}` }, WAIT);
  });
});
