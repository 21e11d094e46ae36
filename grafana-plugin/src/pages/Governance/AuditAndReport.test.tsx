import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { get } from 'node:http';
import { lastValueFrom } from 'rxjs';
import type { AuditLog, BudgetWithStatus, ComplianceReport } from '@ai-arm/schemas';
import { collectorApi, collectorEnvelope, grafana, signInAs, type Role } from '../../test-support/grafana';
import { renderApp } from '../../test-support/render';
import { bodyRows, cellTexts } from '../../test-support/table';
import { AUDIT_PAGE_SIZE } from './AuditLog';
import { cardPolicy, run, violationOf } from './fixtures';
import { reportPeriod } from './Report';

const WAIT = { timeout: 10_000 };

/**
 * A file straight from the collector with the admin key, as text. The JSON lines export is read
 * so: the emulator's HTTP helper parses any body whose type mentions json, x-ndjson included.
 */
function rawFile(proxyHref: string): Promise<string> {
  const url = `${process.env.AIARM_TEST_COLLECTOR_URL}${proxyHref.replace(/^\/api\/plugin-proxy\/aiarm-app\/collector/, '')}`;
  return new Promise((resolve, reject) => {
    get(url, { headers: { authorization: `Bearer ${process.env.AIARM_TEST_ADMIN_KEY}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode} ${body}`))));
    }).on('error', reject);
  });
}

/** What the browser gets for a download link, as a user of `role` (through the proxy emulation). */
async function download(role: Role, href: string): Promise<{ status: number; data: unknown }> {
  signInAs(role);
  try {
    const res = await lastValueFrom(grafana.backendSrv.fetch<unknown>({ url: href, method: 'GET' }));
    return { status: res.status, data: res.data };
  } catch (err) {
    const { status, data } = err as { status: number; data: unknown };
    return { status, data };
  }
}

describe('Governance page: the audit log and the compliance report, for Admins only', () => {
  let budget: BudgetWithStatus;
  const budgetName = `audit-paging-${run}`;
  beforeAll(async () => {
    // More than a page of audit records on one resource: a budget set again and again (each an update).
    for (let i = 0; i <= AUDIT_PAGE_SIZE + 10; i++) {
      budget = await collectorApi<BudgetWithStatus>('POST', '/api/v1/costs/budget', {
        name: budgetName,
        period: 'MONTH',
        amount: String(100 + i),
      });
    }
    const policy = await cardPolicy(`Cards in prompts ${run}`);
    await violationOf(policy, `gov-report-${run}`, `gov-report-${run}-1`);
  }, 120_000);

  afterEach(async () => {
    await waitFor(() => expect(document.querySelectorAll('[aria-busy="true"]')).toHaveLength(0), WAIT);
  });

  test('an Admin searches the audit log, pages through it by cursor, and exports the search', async () => {
    const trail = await collectorEnvelope<AuditLog[], { nextCursor: string | null }>(
      'GET',
      `/api/v1/governance/audit?resourceId=${budget.id}&limit=1000`
    );
    expect(trail.data.length).toBe(AUDIT_PAGE_SIZE + 11);
    renderApp('governance?tab=audit');
    const search = await screen.findByRole('form', { name: 'Search the audit log' }, WAIT);
    fireEvent.change(within(search).getByLabelText(/^Resource id/), { target: { value: budget.id } });
    fireEvent.click(within(search).getByRole('button', { name: 'Search' }));
    const sequences = () => bodyRows('Audit records').map((r) => r.cells[0].textContent);
    await waitFor(
      () => expect(sequences()).toEqual(trail.data.slice(0, AUDIT_PAGE_SIZE).map((r) => String(r.sequence))),
      WAIT
    );
    expect(cellTexts(bodyRows('Audit records')[0]).slice(2, 5)).toEqual([
      expect.stringContaining(trail.data[0].actorName),
      'budget.create',
      `budget${budget.id}`,
    ]);
    fireEvent.click(screen.getByRole('button', { name: `Load ${AUDIT_PAGE_SIZE} more` }));
    await waitFor(() => expect(sequences()).toEqual(trail.data.map((r) => String(r.sequence))), WAIT);
    expect(screen.queryByRole('button', { name: /^Load/ })).not.toBeInTheDocument();
    const pages = grafana.forwarded.filter((f) => f.path.startsWith('collector/api/v1/governance/audit?'));
    expect(new URLSearchParams(pages[pages.length - 1].path.split('?')[1]).get('cursor')).toBe(
      String(trail.data[AUDIT_PAGE_SIZE - 1].sequence)
    );

    // The exports are the same search, as files.
    const csv = screen.getByRole('link', { name: 'Export CSV' }).getAttribute('href')!;
    const jsonl = screen.getByRole('link', { name: 'Export JSON lines' }).getAttribute('href')!;
    expect(new URLSearchParams(csv.split('?')[1]).get('resourceId')).toBe(budget.id);
    const csvFile = await download('Admin', csv);
    expect(csvFile.status).toBe(200);
    expect(String(csvFile.data).trim().split('\n')).toHaveLength(AUDIT_PAGE_SIZE + 12);
    expect(Object.fromEntries(new URLSearchParams(jsonl.split('?')[1]))).toEqual({
      resourceId: budget.id,
      format: 'jsonl',
    });
    const records = (await rawFile(jsonl))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditLog);
    expect(records.map((r) => r.sequence)).toEqual(trail.data.map((r) => r.sequence));
    // The same links are refused to an Editor, by Grafana (the route's role).
    expect(await download('Editor', csv)).toEqual({
      status: 403,
      data: { message: 'plugin proxy route access denied' },
    });
  });

  test("a search the collector refuses (from after to) shows why, and offers no export that would save the error as the file", async () => {
    renderApp('governance?tab=audit');
    const search = await screen.findByRole('form', { name: 'Search the audit log' }, WAIT);
    fireEvent.change(within(search).getByLabelText('From (UTC day)'), { target: { value: '2026-03-01' } });
    fireEvent.change(within(search).getByLabelText('To (UTC day, included)'), { target: { value: '2026-01-01' } });
    fireEvent.click(within(search).getByRole('button', { name: 'Search' }));
    expect(await screen.findByText(/must be before to/, undefined, WAIT)).toBeInTheDocument();
    for (const name of ['Export CSV', 'Export JSON lines']) {
      expect(screen.queryByRole('link', { name })).not.toBeInTheDocument();
      const control = screen.getByText(name).closest('a, button')!;
      expect(control.getAttribute('href')).toBeNull();
      expect(control.getAttribute('aria-disabled') === 'true' || control.hasAttribute('disabled')).toBe(true);
    }
  });

  test('an Admin reads the compliance report for a period, as the collector computed it, and downloads its CSV', async () => {
    const period = reportPeriod(7);
    const report = await collectorApi<ComplianceReport>(
      'GET',
      `/api/v1/governance/report?from=${period.from}&to=${period.to}`
    );
    expect(report.violations.total).toBeGreaterThan(0);
    renderApp('governance?tab=report');
    const section = await screen.findByRole('region', { name: 'Compliance report' }, WAIT);
    fireEvent.click(within(section).getByLabelText('7 days'));
    await waitFor(() => {
      expect(section).toHaveAttribute('aria-busy', 'false');
      expect(cellTexts(bodyRows('Violations and their review')[0]).slice(0, 3)).toEqual([
        String(report.violations.total),
        String(report.violations.open),
        String(report.review.reviewed),
      ]);
    }, WAIT);
    expect(bodyRows('Violations by policy').map((r) => cellTexts(r)[0])).toEqual(
      report.violations.byPolicy.map((p) => p.policyName)
    );
    expect(bodyRows('Credential age')).toHaveLength(report.credentials.length);
    expect(within(section).getByRole('group', { name: 'Audit chain' })).toHaveTextContent(
      /Verified: [\d,]+ records intact/
    );
    const asked = grafana.forwarded.filter((f) => f.path.startsWith('collector/api/v1/governance/report'));
    expect(asked[asked.length - 1].path).toBe(
      `collector/api/v1/governance/report?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`
    );

    const csv = screen.getByRole('link', { name: 'Download CSV' }).getAttribute('href')!;
    const file = await download('Admin', csv);
    expect(file.status).toBe(200);
    expect(String(file.data)).toContain(report.violations.byPolicy[0].policyName);
    expect((await download('Editor', csv)).status).toBe(403);
  });

  test('an Editor has no audit or report tab, and their routes are refused by Grafana', async () => {
    signInAs('Editor');
    renderApp('governance?tab=report');
    await screen.findByRole('table', { name: 'Policies' }, WAIT);
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['Policies', 'Violations']);
    expect(screen.queryByRole('region', { name: 'Compliance report' })).not.toBeInTheDocument();
    for (const path of ['governance/audit', 'governance/audit/export?format=csv', 'governance/report']) {
      const answer = await download('Editor', `/api/plugin-proxy/aiarm-app/collector/api/v1/${path}`);
      expect([path, answer.status]).toEqual([path, 403]);
    }
    expect(grafana.forwarded.filter((f) => /governance\/(audit|report)/.test(f.path)).map((f) => f.target)).toEqual([
      null,
      null,
      null,
    ]);
  });
});
