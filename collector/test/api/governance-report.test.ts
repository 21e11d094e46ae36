import { randomBytes, randomUUID } from 'node:crypto';
import { appendAudit } from '../../src/audit/log';
import { ensureBootstrapKey } from '../../src/auth/bootstrap';
import { systemPrincipal } from '../../src/auth/principal';
import { violationSummary } from '../../src/governance/report/violations';
import { asTenant } from '../../src/stores/tenant-scope';
import { authedApp } from './support';
import { systemDb } from '../support/system-db';
import { CONTROL_PLANE } from '../support/stores';

const HMAC_KEY = randomBytes(32).toString('hex');
const DAY_MS = 86_400_000;
const RECENT_MS = Date.now() - 2 * DAY_MS;

// Policies as their violations name them: P1 changed severity (and name) between versions, P2's
// name would run as a formula in a spreadsheet; none of them exists in `policies` (deleted).
const P1 = randomUUID();
const P2 = randomUUID();
const P9 = randomUUID();
const P1_NAME = 'PII, "strict"\nEU';
const P2_NAME = '=HYPERLINK("http://x")';

/** One CSV file's records, as a spreadsheet reads them (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  if (cell !== '' || row.length > 0) row.push(cell), rows.push(row);
  return rows;
}

/** The CSV's sections by title: each a header row and its rows (sections are split by a blank line). */
function sections(text: string): Record<string, { header: string[]; rows: string[][] }> {
  const out: Record<string, { header: string[]; rows: string[][] }> = {};
  let current: string[][] = [];
  const close = () => {
    if (current.length === 0) return;
    const [[title], header, ...rows] = current as [[string], string[], ...string[][]];
    out[title] = { header, rows };
    current = [];
  };
  for (const r of parseCsv(text)) {
    if (r.length === 1 && r[0] === '') close();
    else current.push(r);
  }
  close();
  return out;
}

describe(`GET /api/v1/governance/report (real chdb and ${CONTROL_PLANE}, app.inject)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  let orgB: string;
  let adminB: string;
  let member: string;
  let viewer: string;
  const ids: Record<string, string> = {};
  const at = (iso: string) => new Date(iso).getTime();
  const chText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

  const violation = (org: string, id: string, policyId: string, name: string, severity: string, enforcement: string, occurredMs: number, version = 1, ingestedMs = Date.now()) => ({
    organization_id: org,
    occurred_at: chText(occurredMs),
    id,
    policy_id: policyId,
    policy_version: version,
    policy_name: name,
    enforcement,
    severity,
    action: enforcement.toLowerCase(),
    agent_id: null,
    interaction_id: `i-${id}`,
    source: 'otlp',
    matches: '[]',
    ingested_at: chText(ingestedMs),
  });
  const seedViolations = (org: string, rows: ReturnType<typeof violation>[]) => asTenant(org, () => t.stores.telemetry.insert('policy_violations', rows));
  const review = (org: string, v: ReturnType<typeof violation>, afterHours: number) =>
    asTenant(org, () =>
      t.stores.controlPlane.query(
        "INSERT INTO violation_reviews (organization_id, violation_id, occurred_at, policy_id, severity, reviewer, decision) VALUES ($1, $2, $3, $4, $5, 'auditor@example.com', 'CONFIRMED')",
        [org, v.id, `${v.occurred_at.replace(' ', 'T')}Z`, v.policy_id, v.severity],
      ).then(() =>
        t.stores.controlPlane.query('UPDATE violation_reviews SET reviewed_at = occurred_at + make_interval(secs => $3) WHERE organization_id = $1 AND violation_id = $2', [org, v.id, afterHours * 3600]),
      ),
    );
  const sql = (text: string, params: unknown[]) => systemDb(t.stores.controlPlane).query<{ id: string }>(text, params);
  const key = async (org: string, name: string, createdDaysAgo: number, lastUsedDaysAgo: number | null, revoked = false) =>
    (ids[name] = (
      await sql(
        `INSERT INTO api_keys (organization_id, name, role, prefix, key_hash, created_at, last_used_at, revoked_at)
         VALUES ($1, $2, 'viewer', 'arm_sk_live_abcd', $3, now() - make_interval(days => $4), CASE WHEN $5::int IS NULL THEN NULL ELSE now() - make_interval(days => $5::int) END, CASE WHEN $6 THEN now() END) RETURNING id`,
        [org, name, randomUUID(), createdDaysAgo, lastUsedDaysAgo, revoked],
      )
    )[0]!.id);
  const user = async (org: string, email: string, createdDaysAgo: number, lastLoginDaysAgo: number | null) =>
    (ids[email] = (
      await sql(
        `INSERT INTO users (organization_id, email, role, created_at, last_login_at)
         VALUES ($1, $2, 'member', now() - make_interval(days => $3), CASE WHEN $4::int IS NULL THEN NULL ELSE now() - make_interval(days => $4::int) END) RETURNING id`,
        [org, email, createdDaysAgo, lastLoginDaysAgo],
      )
    )[0]!.id);
  const connection = async (org: string, name: string, createdDaysAgo: number, deleted = false) =>
    (ids[name] = (
      await sql(
        `INSERT INTO connections (organization_id, vendor, name, credentials_encrypted, credential_hint, status, created_at, updated_at, deleted_at)
         VALUES ($1, 'OPENAI', $2, '\\x00', '...abcd', 'CONNECTED', now() - make_interval(days => $3), now(), CASE WHEN $4 THEN now() END) RETURNING id`,
        [org, name, createdDaysAgo, deleted],
      )
    )[0]!.id);
  const audit = (org: string, action: string, resourceId: string, metadata: Record<string, unknown>) =>
    systemDb(t.stores.controlPlane).transaction((tx) => appendAudit(tx, { principal: systemPrincipal(org), ipAddress: null, userAgent: 'jest', requestId: randomUUID() }, { action, resourceType: 'connection', resourceId, metadata }));

  const report = (key: string, query = '') => t.call(key, { url: `/api/v1/governance/report${query}` });
  const OCTOBER = '?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z';

  // October 2026, organisation A. Reviews (hours after the violation) on 1, 2, 10, 4 and 20: median 4, p90 16.
  const a = {
    c1: () => violation(t.org, ids.c1!, P1, P1_NAME, 'CRITICAL', 'BLOCK', at('2026-10-02T00:00:00Z'), 2),
    c2: () => violation(t.org, ids.c2!, P1, P1_NAME, 'CRITICAL', 'BLOCK', at('2026-10-03T00:00:00Z'), 2),
    c3: () => violation(t.org, ids.c3!, P1, P1_NAME, 'CRITICAL', 'BLOCK', at('2026-10-04T00:00:00Z'), 2),
    c4: () => violation(t.org, ids.c4!, P1, P1_NAME, 'CRITICAL', 'BLOCK', at('2026-10-05T06:30:00.250Z'), 2),
    w1: () => violation(t.org, ids.w1!, P1, 'PII (first draft)', 'WARNING', 'WARN', at('2026-10-01T12:00:00Z'), 1),
    f1: () => violation(t.org, ids.f1!, P2, P2_NAME, 'WARNING', 'WARN', at('2026-10-06T00:00:00Z')),
    f2: () => violation(t.org, ids.f2!, P2, P2_NAME, 'WARNING', 'WARN', at('2026-10-07T00:00:00Z')),
    before: () => violation(t.org, ids.before!, P2, P2_NAME, 'WARNING', 'WARN', at('2026-10-01T00:00:00Z') - 1),
    atEnd: () => violation(t.org, ids.atEnd!, P2, P2_NAME, 'WARNING', 'WARN', at('2026-11-01T00:00:00Z')),
    recent: () => violation(t.org, ids.recent!, P2, P2_NAME, 'WARNING', 'WARN', RECENT_MS),
  };

  beforeAll(async () => {
    t = await authedApp({ ARM_AUDIT_HMAC_KEY: HMAC_KEY, ARM_RATE_LIMIT_PER_MINUTE: '1000' });
    orgB = (await sql('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [`report-b-${randomUUID()}`]))[0]!.id;
    adminB = `arm_sk_live_${randomBytes(20).toString('hex')}`;
    await ensureBootstrapKey(t.stores.controlPlane, orgB, adminB);
    for (const role of ['member', 'viewer'] as const) {
      const res = await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: `${role} key`, role } });
      expect(res.status).toBe(201);
      if (role === 'member') member = res.body.data.key;
      else viewer = res.body.data.key;
    }

    for (const k of Object.keys(a)) ids[k] = randomUUID();
    const rows = Object.values(a).map((f) => f());
    // c1 delivered again later (a client retry): the same id, stored once.
    await seedViolations(t.org, [...rows, { ...a.c1(), ingested_at: chText(Date.now() + 1000) }]);
    await review(t.org, a.c1(), 1);
    await review(t.org, a.c2(), 2);
    await review(t.org, a.c3(), 10);
    await review(t.org, a.w1(), 4);
    await review(t.org, a.f2(), 20);
    // Reviews of violations outside the window: no part of October's review times.
    await review(t.org, a.before(), 1000);
    await review(t.org, a.atEnd(), 1000);

    ids.b1 = randomUUID();
    const b1 = violation(orgB, ids.b1, P9, 'B policy', 'INFO', 'AUDIT', at('2026-10-10T00:00:00Z'));
    await seedViolations(orgB, [b1]);
    await review(orgB, b1, 3);

    await key(t.org, '@old, "unused"', 120, null);
    await key(t.org, 'stale', 200, 95);
    await key(t.org, 'fresh-unused', 10, null);
    await key(t.org, 'busy', 200, 1);
    await key(t.org, 'revoked-old', 200, null, true);
    await key(orgB, 'b-old', 200, null);
    await user(t.org, 'gone@example.com', 300, 100);
    await user(t.org, '+never@example.com', 120, null);
    await user(t.org, 'new@example.com', 5, null);
    await user(t.org, 'active@example.com', 300, 1);
    await user(orgB, 'b-gone@example.com', 300, 200);

    await connection(t.org, 'Prod, "main"', 200);
    await connection(t.org, 'rotated', 300);
    await connection(t.org, 'renamed only', 50);
    await connection(t.org, 'removed', 400, true);
    await connection(orgB, 'B conn', 30);
    await audit(t.org, 'connection.update', ids.rotated!, { keyRotated: true, latencyMs: 5 });
    await audit(t.org, 'connection.update', ids['renamed only']!, { keyRotated: false, latencyMs: null });
  });
  afterAll(async () => t?.close());

  it('counts violations by policy and severity with open and reviewed, over [from, to), a re-delivered violation once', async () => {
    const res = await report(t.admin, OCTOBER);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const r = res.body.data;
    expect(r.from).toBe('2026-10-01T00:00:00.000Z');
    expect(r.to).toBe('2026-11-01T00:00:00.000Z');
    expect(r.violations.total).toBe(7);
    expect(r.violations.open).toBe(2);
    // Critical first; then by count. P1's newest version names it; its first version's WARNING row stays apart.
    expect(r.violations.byPolicy).toEqual([
      { policyId: P1, policyName: P1_NAME, enforcement: 'BLOCK', severity: 'CRITICAL', total: 4, open: 1, reviewed: 3 },
      { policyId: P2, policyName: P2_NAME, enforcement: 'WARN', severity: 'WARNING', total: 2, open: 1, reviewed: 1 },
      { policyId: P1, policyName: 'PII (first draft)', enforcement: 'WARN', severity: 'WARNING', total: 1, open: 0, reviewed: 1 },
    ]);
    expect(r.violations.bySeverity).toEqual([
      { severity: 'CRITICAL', total: 4, open: 1 },
      { severity: 'WARNING', total: 3, open: 1 },
    ]);
    // Reviewed after 1, 2, 4, 10 and 20 hours: the median is 4, the 90th percentile 10 + 0.6 * (20 - 10).
    expect(r.review).toEqual({ reviewed: 5, medianHoursToReview: 4, p90HoursToReview: 16, oldestOpenAt: '2026-10-05T06:30:00.250Z' });
    expect(r.thresholds).toEqual({ unusedKeyDays: 90, inactiveUserDays: 90 });
    expect(Date.parse(r.generatedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('narrows everything to the window asked for, and defaults to the 30 days before now', async () => {
    const narrow = (await report(t.admin, '?from=2026-10-03T00:00:00Z&to=2026-10-06T00:00:00Z')).body.data;
    // c2 (2 h), c3 (10 h) and c4 (open); f1 sits on `to` and is left out.
    expect(narrow.violations.byPolicy).toEqual([{ policyId: P1, policyName: P1_NAME, enforcement: 'BLOCK', severity: 'CRITICAL', total: 3, open: 1, reviewed: 2 }]);
    expect(narrow.review).toEqual({ reviewed: 2, medianHoursToReview: 6, p90HoursToReview: 9.2, oldestOpenAt: '2026-10-05T06:30:00.250Z' });

    const reviewedOnly = (await report(t.admin, '?from=2026-10-01T00:00:00Z&to=2026-10-05T00:00:00Z')).body.data;
    expect(reviewedOnly.violations).toEqual(expect.objectContaining({ total: 4, open: 0 }));
    expect(reviewedOnly.review.oldestOpenAt).toBeNull();

    const empty = (await report(t.admin, '?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z')).body.data;
    expect(empty.violations).toEqual({ total: 0, open: 0, byPolicy: [], bySeverity: [] });
    expect(empty.review).toEqual({ reviewed: 0, medianHoursToReview: null, p90HoursToReview: null, oldestOpenAt: null });

    const recent = (await report(t.admin)).body.data;
    expect(Date.parse(recent.to) - Date.parse(recent.from)).toBe(30 * DAY_MS);
    expect(Math.abs(Date.parse(recent.to) - Date.now())).toBeLessThan(60_000);
    expect(recent.violations.byPolicy).toEqual([{ policyId: P2, policyName: P2_NAME, enforcement: 'WARN', severity: 'WARNING', total: 1, open: 1, reviewed: 0 }]);
    expect(recent.review.oldestOpenAt).toBe(new Date(RECENT_MS).toISOString());
  });

  it('finds the oldest open violation past pages of reviewed ones', async () => {
    // Two violations a page: w1, c1 | c2, c3 are reviewed; c4 opens the third page.
    const window = { organizationId: t.org, from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') };
    const paged = await asTenant(t.org, () => violationSummary(t.stores.telemetry, t.stores.controlPlane, window, 2));
    expect(paged.review.oldestOpenAt).toBe('2026-10-05T06:30:00.250Z');
    // c4 reviewed too: f1 (a page later, and another policy) is the oldest open one.
    await review(t.org, a.c4(), 30);
    try {
      const next = await asTenant(t.org, () => violationSummary(t.stores.telemetry, t.stores.controlPlane, window, 2));
      expect(next.review.oldestOpenAt).toBe('2026-10-06T00:00:00.000Z');
      expect(next.violations.open).toBe(1);
    } finally {
      await asTenant(t.org, () => t.stores.controlPlane.query('DELETE FROM violation_reviews WHERE organization_id = $1 AND violation_id = $2', [t.org, ids.c4]));
    }
  });

  it('refuses a window that does not start before it ends, naming the field', async () => {
    for (const q of ['?from=2026-10-02T00:00:00Z&to=2026-10-01T00:00:00Z', '?from=2026-10-01T00:00:00Z&to=2026-10-01T00:00:00Z']) {
      const res = await report(t.admin, q);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual(expect.objectContaining({ code: 'VALIDATION_ERROR', details: expect.objectContaining({ field: 'querystring/from' }) }));
    }
    for (const [q, field] of [['?from=yesterday', 'querystring/from'], ['?to=2026-13-01', 'querystring/to'], ['?format=xml', 'querystring/format']]) {
      const res = await report(t.admin, q!);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(JSON.stringify(res.body.error)).toContain(field);
    }
  });

  it('lists keys unused and users not signed in for 90 days; recent, new and revoked ones are not', async () => {
    const r = (await report(t.admin, OCTOBER)).body.data;
    expect(r.unusedApiKeys.map((k: { name: string }) => k.name)).toEqual(['@old, "unused"', 'stale']);
    expect(r.unusedApiKeys[0]).toEqual({ id: ids['@old, "unused"'], name: '@old, "unused"', role: 'viewer', createdAt: expect.any(String), lastUsedAt: null });
    expect(Date.now() - Date.parse(r.unusedApiKeys[1].lastUsedAt)).toBeGreaterThan(95 * DAY_MS - 60_000);
    expect(r.inactiveUsers).toEqual([
      { id: ids['+never@example.com'], email: '+never@example.com', lastLoginAt: null },
      { id: ids['gone@example.com'], email: 'gone@example.com', lastLoginAt: expect.any(String) },
    ]);
  });

  it("gives each live connection's credential age: the newest key rotation in the audit trail, else when it was made", async () => {
    const r = (await report(t.admin, OCTOBER)).body.data;
    const byName = Object.fromEntries(r.credentials.map((c: { name: string }) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['Prod, "main"', 'renamed only', 'rotated']);
    expect(byName['Prod, "main"']).toEqual({ connectionId: ids['Prod, "main"'], name: 'Prod, "main"', vendor: 'OPENAI', credentialSetAt: expect.any(String), ageDays: 200 });
    // A rename is no rotation: its age runs from when it was made.
    expect(byName['renamed only'].ageDays).toBe(50);
    expect(byName.rotated.ageDays).toBe(0);
    expect(Date.now() - Date.parse(byName.rotated.credentialSetAt)).toBeLessThan(60_000);
  });

  it('verifies the audit chain with the HMAC key, as the verify route does', async () => {
    const r = (await report(t.admin, OCTOBER)).body.data;
    const verified = (await t.call(t.admin, { url: '/api/v1/governance/audit/verify' })).body.data;
    expect(r.auditChain).toEqual(verified);
    expect(r.auditChain).toEqual(expect.objectContaining({ ok: true, keyed: true, firstBroken: null }));
    // The bootstrap key, two keys made through the API and two connection changes.
    expect(r.auditChain.checked).toBeGreaterThanOrEqual(5);
  });

  it('answers CSV with one section per table, every value escaped and formulas neutralised', async () => {
    const res = await report(t.admin, `${OCTOBER}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="compliance-report-2026-10-01-2026-11-01.csv"');
    const s = sections(res.raw);
    expect(Object.keys(s)).toEqual(['Compliance report', 'Violations by policy', 'Violations by severity', 'Time to review', 'Audit chain', 'Connection credentials', 'Unused API keys', 'Inactive users']);
    expect(s['Compliance report']!.rows).toEqual([['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', expect.any(String), '7', '2', '90', '90']]);
    expect(s['Violations by policy']!.header).toEqual(['policyId', 'policyName', 'enforcement', 'severity', 'total', 'open', 'reviewed']);
    expect(s['Violations by policy']!.rows).toEqual([
      [P1, P1_NAME, 'BLOCK', 'CRITICAL', '4', '1', '3'],
      [P2, `'${P2_NAME}`, 'WARN', 'WARNING', '2', '1', '1'],
      [P1, 'PII (first draft)', 'WARN', 'WARNING', '1', '0', '1'],
    ]);
    expect(s['Violations by severity']!.rows).toEqual([['CRITICAL', '4', '1'], ['WARNING', '3', '1']]);
    expect(s['Time to review']!.rows).toEqual([['5', '4', '16', '2026-10-05T06:30:00.250Z']]);
    expect(s['Audit chain']!.rows[0]!.slice(0, 3)).toEqual(['true', expect.stringMatching(/^\d+$/), 'true']);
    expect(s['Audit chain']!.rows[0]!.slice(5)).toEqual(['', '', '']);
    expect(s['Connection credentials']!.rows.map((r) => r[1])).toEqual(expect.arrayContaining(['Prod, "main"', 'rotated', 'renamed only']));
    expect(s['Unused API keys']!.rows.map((r) => r[1])).toEqual([`'@old, "unused"`, 'stale']);
    expect(s['Unused API keys']!.rows[0]![4]).toBe('');
    expect(s['Inactive users']!.rows.map((r) => r[1])).toEqual(["'+never@example.com", 'gone@example.com']);
    // Every record has its header's width: nothing a name held split a row.
    for (const sec of Object.values(s)) for (const row of sec.rows) expect(row).toHaveLength(sec.header.length);
  });

  it('is for admins only: a member or viewer key gets 403, for JSON and CSV', async () => {
    for (const k of [member, viewer]) {
      for (const q of [OCTOBER, `${OCTOBER}&format=csv`]) {
        const res = await report(k, q);
        expect(res.status).toBe(403);
        expect(res.body.error).toEqual(expect.objectContaining({ code: 'FORBIDDEN', details: expect.objectContaining({ required: 'admin' }) }));
      }
    }
    expect((await report('arm_sk_live_WrongWrongWrongWrongWrongWrong00', OCTOBER)).status).toBe(401);
  });

  it("shows each organisation its own violations, keys, users and connections only", async () => {
    const res = await report(adminB, OCTOBER);
    expect(res.status).toBe(200);
    const b = res.body.data;
    expect(b.violations.byPolicy).toEqual([{ policyId: P9, policyName: 'B policy', enforcement: 'AUDIT', severity: 'INFO', total: 1, open: 0, reviewed: 1 }]);
    expect(b.review).toEqual({ reviewed: 1, medianHoursToReview: 3, p90HoursToReview: 3, oldestOpenAt: null });
    expect(b.unusedApiKeys.map((k: { name: string }) => k.name)).toEqual(['b-old']);
    expect(b.inactiveUsers.map((u: { email: string }) => u.email)).toEqual(['b-gone@example.com']);
    expect(b.credentials.map((c: { name: string }) => c.name)).toEqual(['B conn']);
    expect(b.auditChain).toEqual(expect.objectContaining({ ok: true, checked: 1 }));
    const csv = (await report(adminB, `${OCTOBER}&format=csv`)).raw;
    for (const foreign of [P1, P2, ids['@old, "unused"']!, ids['gone@example.com']!, ids.rotated!, 'stale']) {
      expect(JSON.stringify(b)).not.toContain(foreign);
      expect(csv).not.toContain(foreign);
    }
    const mine = JSON.stringify((await report(t.admin, OCTOBER)).body.data);
    for (const foreign of [P9, ids['b-old']!, ids['b-gone@example.com']!, ids['B conn']!]) expect(mine).not.toContain(foreign);
  });

  it('reports a broken audit chain where a record was altered', async () => {
    await systemDb(t.stores.controlPlane).transaction(async (tx) => {
      // What someone with the database owner's rights can do; the chain still tells.
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await tx.query("UPDATE audit_log SET resource_id = 'tampered' WHERE organization_id = $1 AND sequence = 2", [t.org]);
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
    const r = (await report(t.admin, OCTOBER)).body.data;
    expect(r.auditChain).toEqual(expect.objectContaining({ ok: false, checked: 1, firstBroken: expect.objectContaining({ sequence: 2, reason: 'altered' }) }));
    const csv = sections((await report(t.admin, `${OCTOBER}&format=csv`)).raw);
    expect(csv['Audit chain']!.rows[0]!.slice(0, 1)).toEqual(['false']);
    expect(csv['Audit chain']!.rows[0]!.slice(5, 7)).toEqual(['2', 'altered']);
    // Organisation B's chain is its own, and still holds.
    expect((await report(adminB, OCTOBER)).body.data.auditChain.ok).toBe(true);
  });
});
