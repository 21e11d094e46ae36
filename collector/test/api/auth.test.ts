import { ensureBootstrapKey, ensureGrafanaKey } from '../../src/auth/bootstrap';
import { GRAFANA_CALLS } from '../../src/auth/grafana-role';
import { LoginThrottle, loginLimits } from '../../src/auth/login-throttle';
import { ConfigError, loadConfig } from '../../src/config/env';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authedApp } from './support';
import { systemDb } from '../support/system-db';
import { CONTROL_PLANE } from '../support/stores';

describe(`authentication, roles, keys, users and sessions (real ${CONTROL_PLANE}, app.inject)`, () => {
  let t: Awaited<ReturnType<typeof authedApp>>;
  const secrets: string[] = [];
  const PASSWORD = 'Correct-Horse-42-battery';
  // What a browser sends with a change made from the collector's own pages (inject's host is localhost:80).
  const OWN_ORIGIN = 'http://localhost';
  beforeAll(async () => {
    t = await authedApp({ ARM_RATE_LIMIT_PER_MINUTE: '1000' });
    secrets.push(t.admin);
  });
  afterAll(async () => t.close());

  const auditCount = async () => Number((await systemDb(t.stores.controlPlane).query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE organization_id = $1', [t.org]))[0]!.n);

  it('answers 401 in the envelope without a key, with a wrong or malformed key; health and metrics stay open', async () => {
    for (const key of [null, 'arm_sk_live_WrongWrongWrongWrongWrongWrong00', 'not-a-key']) {
      const res = await t.call(key, { url: '/api/v1/costs/summary' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ success: false, error: expect.objectContaining({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/Authorization: Bearer/) }) });
    }
    expect((await t.call(null, { url: '/api/health' })).status).toBe(200);
    expect((await t.call(null, { url: '/metrics' })).status).toBe(200);
  });

  it('the bootstrap key is an admin of the default organisation', async () => {
    const me = await t.call(t.admin, { url: '/api/auth/me' });
    expect(me.status).toBe(200);
    expect(me.body.data).toEqual(expect.objectContaining({ organizationId: t.org, role: 'admin', actorType: 'API_KEY' }));
  });

  it('creates a key shown once, stores only its hash, and a revoked key stops working', async () => {
    const created = await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'grafana', role: 'viewer' } });
    expect(created.status).toBe(201);
    const key = created.body.data.key as string;
    secrets.push(key);
    expect(key).toMatch(/^arm_sk_live_[A-Za-z0-9]{40}$/);
    expect(created.body.data.prefix).toBe(`${key.slice(0, 16)}...`);
    const listed = await t.call(t.admin, { url: '/api/v1/api-keys' });
    expect(listed.raw).not.toContain(key);
    expect(listed.body.data.map((k: { name: string }) => k.name)).toContain('grafana');
    const stored = await systemDb(t.stores.controlPlane).query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.data.id]);
    expect(stored[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);

    expect((await t.call(key, { url: '/api/v1/costs/summary' })).status).toBe(200);
    const used = await t.call(t.admin, { url: '/api/v1/api-keys' });
    expect(used.body.data.find((k: { id: string }) => k.id === created.body.data.id).lastUsedAt).not.toBeNull();

    const revoked = await t.call(t.admin, { method: 'DELETE', url: `/api/v1/api-keys/${created.body.data.id}` });
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.revokedAt).not.toBeNull();
    expect((await t.call(key, { url: '/api/v1/costs/summary' })).status).toBe(401);
  });

  it('a viewer reads but may not manage keys or users (403); a member may not either', async () => {
    for (const role of ['viewer', 'member'] as const) {
      const key = (await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: role, role } })).body.data.key as string;
      secrets.push(key);
      expect((await t.call(key, { url: '/api/v1/costs/breakdown' })).status).toBe(200);
      const before = await auditCount();
      const denied = await t.call(key, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'x', role: 'admin' } });
      expect(denied.status).toBe(403);
      expect(denied.body.error).toEqual(expect.objectContaining({ code: 'FORBIDDEN', details: { required: 'admin', actual: role } }));
      expect((await t.call(key, { url: '/api/v1/users' })).status).toBe(403);
      expect(await auditCount()).toBe(before);
    }
  });

  it('refuses a weak password naming the field, and records nothing', async () => {
    const before = await auditCount();
    const res = await t.call(t.admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'ops@example.com', role: 'member', password: 'password' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual(expect.objectContaining({ code: 'VALIDATION_ERROR', details: expect.objectContaining({ field: 'body/password' }) }));
    expect(res.body.error.message).toMatch(/at least 12 characters/);
    expect(await auditCount()).toBe(before);
    const bad = await t.call(t.admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'not-an-email', role: 'boss', password: PASSWORD } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body/email', 'body/role']);
  });

  it('signs a user in with a memory-hard hash and an httpOnly secure cookie, and out again', async () => {
    const created = await t.call(t.admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'Ops@Example.com', name: 'Ops', role: 'member', password: PASSWORD } });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual(expect.objectContaining({ email: 'ops@example.com', role: 'member' }));
    expect(created.raw).not.toMatch(/password|scrypt/i);
    const [row] = await systemDb(t.stores.controlPlane).query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [created.body.data.id]);
    expect(row!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);

    expect((await t.call(null, { method: 'POST', url: '/api/auth/login', payload: { email: 'ops@example.com', password: 'Wrong-Horse-42-battery' } })).status).toBe(401);
    expect((await t.call(null, { method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.com', password: PASSWORD } })).status).toBe(401);
    const login = await t.call(null, { method: 'POST', url: '/api/auth/login', payload: { email: 'ops@example.com', password: PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^arm_session=[A-Za-z0-9]{40}; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=43200$/);
    const session = cookie.split(';')[0]!;
    secrets.push(session.split('=')[1]!);

    const me = await t.call(null, { url: '/api/auth/me', headers: { cookie: session } });
    expect(me.body.data).toEqual(expect.objectContaining({ actorType: 'USER', role: 'member', name: 'ops@example.com' }));
    expect((await t.call(null, { method: 'POST', url: '/api/auth/logout', headers: { cookie: session, origin: OWN_ORIGIN } })).status).toBe(200);
    expect((await t.call(null, { url: '/api/auth/me', headers: { cookie: session } })).status).toBe(401);
  });

  it('changes a role and a password, and keeps the last admin', async () => {
    const admin = await t.call(t.admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'admin@example.com', role: 'admin', password: PASSWORD } });
    const id = admin.body.data.id as string;
    const demote = await t.call(t.admin, { method: 'PATCH', url: `/api/v1/users/${id}`, payload: { role: 'viewer' } });
    expect(demote.status).toBe(409);
    expect((await t.call(t.admin, { method: 'DELETE', url: `/api/v1/users/${id}` })).status).toBe(409);
    const opened = await t.call(null, { method: 'POST', url: '/api/auth/login', payload: { email: 'admin@example.com', password: PASSWORD } });
    const oldSession = String(opened.headers['set-cookie']).split(';')[0]!;
    expect((await t.call(null, { url: '/api/auth/me', headers: { cookie: oldSession } })).status).toBe(200);
    const renamed = await t.call(t.admin, { method: 'PATCH', url: `/api/v1/users/${id}`, payload: { name: 'Root', password: 'Another-Strong-Pass-7' } });
    expect(renamed.body.data.name).toBe('Root');
    // A new password ends the sessions the old one opened.
    expect((await t.call(null, { url: '/api/auth/me', headers: { cookie: oldSession } })).status).toBe(401);
    expect((await t.call(null, { method: 'POST', url: '/api/auth/login', payload: { email: 'admin@example.com', password: 'Another-Strong-Pass-7' } })).status).toBe(200);
    expect((await t.call(t.admin, { method: 'PATCH', url: '/api/v1/users/00000000-0000-4000-8000-000000000000', payload: { name: 'x' } })).status).toBe(404);
    // List, read and remove a user.
    const listed = await t.call(t.admin, { url: '/api/v1/users' });
    expect(listed.body.data.map((u: { email: string }) => u.email)).toEqual(['admin@example.com', 'ops@example.com']);
    const ops = listed.body.data.find((u: { email: string }) => u.email === 'ops@example.com');
    expect((await t.call(t.admin, { url: `/api/v1/users/${ops.id}` })).body.data).toEqual(ops);
    expect((await t.call(t.admin, { method: 'DELETE', url: `/api/v1/users/${ops.id}` })).body.data).toEqual({ id: ops.id, deleted: true });
    expect((await t.call(t.admin, { url: `/api/v1/users/${ops.id}` })).status).toBe(404);
    expect((await t.call(null, { method: 'POST', url: '/api/auth/login', payload: { email: 'ops@example.com', password: PASSWORD } })).status).toBe(401);
  });

  it('scopes to the caller: another organisation is not found; a member may not change the organisation', async () => {
    const own = await t.call(t.admin, { url: `/api/v1/organizations/${t.org}` });
    expect(own.body.data).toEqual(expect.objectContaining({ id: t.org }));
    const [other] = await systemDb(t.stores.controlPlane).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('Other', 'other') RETURNING id");
    expect((await t.call(t.admin, { url: `/api/v1/organizations/${other!.id}` })).status).toBe(404);
    expect((await t.call(t.admin, { method: 'PATCH', url: `/api/v1/organizations/${other!.id}`, payload: { name: 'Mine now' } })).status).toBe(404);
    const member = (await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'm2', role: 'member' } })).body.data.key as string;
    secrets.push(member);
    expect((await t.call(member, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { name: 'x' } })).status).toBe(403);
    const patched = await t.call(t.admin, { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { name: 'Acme', settings: { currency: 'USD' } } });
    expect(patched.body.data).toEqual(expect.objectContaining({ name: 'Acme', settings: { currency: 'USD' } }));
  });

  describe('a grafana key (the role made for the Grafana app)', () => {
    let grafana: string;
    let keyId: string;
    beforeAll(async () => {
      const created = await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'Grafana app', role: 'grafana' } });
      expect(created.status).toBe(201);
      expect(created.body.data.role).toBe('grafana');
      grafana = created.body.data.key as string;
      keyId = created.body.data.id as string;
      secrets.push(grafana);
    });

    it('cannot manage users, keys or the organisation, nor read them or verify the audit chain: 403, nothing recorded', async () => {
      const before = await auditCount();
      const refused = [
        { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'escalate', role: 'admin' } },
        { method: 'POST', url: '/api/v1/users', payload: { email: 'mallory@example.com', role: 'admin', password: PASSWORD } },
        { method: 'GET', url: '/api/v1/api-keys' },
        { method: 'GET', url: '/api/v1/users' },
        // The Governance page reads and exports the audit trail (Grafana Admins); verifying the chain is not the app's.
        { method: 'GET', url: '/api/v1/governance/audit/verify' },
        { method: 'GET', url: `/api/v1/organizations/${t.org}` },
        { method: 'PATCH', url: `/api/v1/organizations/${t.org}`, payload: { name: 'Taken' } },
        { method: 'DELETE', url: `/api/v1/api-keys/${keyId}` },
        { method: 'PATCH', url: '/api/v1/agents/00000000-0000-4000-8000-000000000000', payload: { name: 'x' } },
      ] as const;
      for (const r of refused) {
        const res = await t.call(grafana, { ...r, headers: { 'x-grafana-user': 'mallory' } });
        expect([`${r.method} ${r.url}`, res.status, res.body.error?.code]).toEqual([`${r.method} ${r.url}`, 403, 'FORBIDDEN']);
        expect(res.body.error.details).toEqual({ actual: 'grafana', route: expect.stringMatching(new RegExp(`^${r.method} /api/`)) });
      }
      expect(await auditCount()).toBe(before);
      expect((await t.call(t.admin, { url: '/api/v1/users' })).body.data.map((u: { email: string }) => u.email)).not.toContain('mallory@example.com');
    });

    it("reaches exactly the Grafana app's calls, and no other route of the collector", async () => {
      const doc = (await t.call(null, { url: '/api/docs/openapi.json' })).body as { paths: Record<string, Record<string, unknown>> };
      const table = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => m !== 'head').map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
      // Every call the key is allowed is a route the collector has.
      for (const call of GRAFANA_CALLS) expect(table).toContain(call);
      const reached: string[] = [];
      for (const route of table) {
        const [method, path] = route.split(' ') as [string, string];
        // Harmless arguments: an unknown id (404) or an empty body (400); nothing changes.
        const url = path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
        const res = await t.call(grafana, { method: method as 'GET', url, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }) });
        const refusedForRole = res.status === 403 && res.body?.error?.details?.actual === 'grafana';
        if (!refusedForRole && !route.startsWith('GET /api/health') && route !== 'GET /metrics' && !route.startsWith('POST /api/auth/log')) reached.push(route);
      }
      expect(reached.sort()).toEqual([...GRAFANA_CALLS].sort());
    });

    it("does what the app does, and the audit record names the Grafana user beside the key", async () => {
      const me = await t.call(grafana, { url: '/api/auth/me' });
      expect(me.body.data).toEqual(expect.objectContaining({ role: 'grafana', actorType: 'API_KEY', name: 'Grafana app' }));
      expect((await t.call(grafana, { url: '/api/v1/agents?limit=1' })).status).toBe(200);
      expect((await t.call(grafana, { url: '/api/v1/costs/summary' })).status).toBe(200);
      const budget = await t.call(grafana, { method: 'POST', url: '/api/v1/costs/budget', payload: { name: 'grafana-made', period: 'MONTH', amount: '100' }, headers: { 'x-grafana-user': 'alice@example.com' } });
      expect(budget.status).toBe(201);
      const removed = await t.call(grafana, { method: 'DELETE', url: `/api/v1/costs/budget/${budget.body.data.id}` });
      expect(removed.status).toBe(204);
      const trail = (await t.call(t.admin, { url: `/api/v1/governance/audit?resourceType=budget&resourceId=${budget.body.data.id}` })).body.data;
      expect(trail.map((r: { action: string }) => r.action)).toEqual(['budget.create', 'budget.delete']);
      // Who the key said it acted for, when Grafana sent it; always which key it was.
      expect(trail[0]).toEqual(expect.objectContaining({ actorType: 'API_KEY', actorId: keyId, actorName: 'Grafana app', metadata: { grafanaUser: 'alice@example.com' } }));
      expect(trail[1]).toEqual(expect.objectContaining({ actorType: 'API_KEY', actorId: keyId, metadata: {} }));
      expect((await t.call(t.admin, { url: '/api/v1/governance/audit/verify' })).body.data.ok).toBe(true);
    });

    it("is the Grafana app's routes exactly: each call under a plugin.json route of its method, each route used", () => {
      const plugin = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'grafana-plugin', 'src', 'plugin.json'), 'utf8')) as { routes: { path: string; method: string }[] };
      const covers = (r: { path: string; method: string }, call: string) => {
        const [method, path] = call.split(' ') as [string, string];
        const proxied = `collector${path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000')}`;
        return r.method === method && (r.path.endsWith('/*') ? proxied.startsWith(r.path.slice(0, -1)) : proxied === r.path);
      };
      for (const call of GRAFANA_CALLS) expect([call, plugin.routes.filter((r) => covers(r, call)).length]).toEqual([call, 1]);
      for (const r of plugin.routes) expect([r, [...GRAFANA_CALLS].some((c) => covers(r, c))]).toEqual([r, true]);
    });

    it('can be given in the environment (ARM_BOOTSTRAP_GRAFANA_KEY): made once, after the first admin key, and a revocation sticks', async () => {
      const [{ id: org }] = (await systemDb(t.stores.controlPlane).query<{ id: string }>("INSERT INTO organizations (name, slug) VALUES ('Fresh', 'fresh-' || gen_random_uuid()) RETURNING id")) as [{ id: string }];
      const given = 'arm_sk_live_GrafanaFromTheEnvironmentGrafanaFromEnv1';
      secrets.push(given);
      // A fresh organisation still gets its printed admin key: the grafana key comes after it.
      const printed = await ensureBootstrapKey(t.stores.controlPlane, org, null);
      expect(printed).toMatch(/^arm_sk_live_/);
      secrets.push(printed!);
      await ensureGrafanaKey(t.stores.controlPlane, org, given);
      await ensureGrafanaKey(t.stores.controlPlane, org, given);
      const keys = (await t.call(printed, { url: '/api/v1/api-keys' })).body.data as Array<{ id: string; name: string; role: string }>;
      expect(keys.map((k) => [k.name, k.role])).toEqual([['bootstrap', 'admin'], ['Grafana app (ARM_BOOTSTRAP_GRAFANA_KEY)', 'grafana']]);
      expect((await t.call(given, { url: '/api/v1/users' })).status).toBe(403);
      expect((await t.call(printed, { method: 'DELETE', url: `/api/v1/api-keys/${keys[1]!.id}` })).status).toBe(200);
      await ensureGrafanaKey(t.stores.controlPlane, org, given);
      expect((await t.call(given, { url: '/api/v1/agents' })).status).toBe(401);
      // One key, one role; and the same shape as any key.
      const problems = (env: Record<string, string>) => {
        try {
          loadConfig({ ARM_DATA_DIR: '/tmp/unused', ...env });
          return [];
        } catch (err) {
          return (err as ConfigError).problems.filter((p) => p.includes('GRAFANA'));
        }
      };
      expect(problems({ ARM_BOOTSTRAP_API_KEY: given, ARM_BOOTSTRAP_GRAFANA_KEY: given })).toEqual(['ARM_BOOTSTRAP_GRAFANA_KEY must differ from ARM_BOOTSTRAP_API_KEY: one key has one role']);
      expect(problems({ ARM_BOOTSTRAP_GRAFANA_KEY: 'grafana' })).toEqual(['ARM_BOOTSTRAP_GRAFANA_KEY must be arm_sk_live_ followed by 32 to 64 letters and digits']);
      expect(problems({ ARM_BOOTSTRAP_GRAFANA_KEY: given })).toEqual([]);
    });

    it('is a role for keys only: a user cannot be made one', async () => {
      const res = await t.call(t.admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'g@example.com', role: 'grafana', password: PASSWORD } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['body/role']);
    });
  });

  it('takes X-Grafana-User only from API keys: a signed-in user cannot name someone else', async () => {
    const created = await t.call(t.admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'budgets@example.com', role: 'member', password: PASSWORD } });
    expect(created.status).toBe(201);
    const login = await t.call(null, { method: 'POST', url: '/api/auth/login', payload: { email: 'budgets@example.com', password: PASSWORD } });
    const session = String(login.headers['set-cookie']).split(';')[0]!;
    secrets.push(session.split('=')[1]!);
    const made = await t.call(null, { method: 'POST', url: '/api/v1/costs/budget', payload: { name: 'by-session', period: 'DAY', amount: '5' }, headers: { cookie: session, origin: OWN_ORIGIN, 'x-grafana-user': 'someone-else' } });
    expect(made.status).toBe(201);
    const [record] = (await t.call(t.admin, { url: `/api/v1/governance/audit?resourceId=${made.body.data.id}` })).body.data;
    expect(record).toEqual(expect.objectContaining({ actorType: 'USER', actorName: 'budgets@example.com', metadata: {} }));
    // A control character is no login: nothing recorded rather than a forged line.
    const odd = await t.call(t.admin, { method: 'POST', url: '/api/v1/costs/budget', payload: { name: 'odd', period: 'DAY', amount: '5' }, headers: { 'x-grafana-user': 'eve\tadmin' } });
    const [oddRecord] = (await t.call(t.admin, { url: `/api/v1/governance/audit?resourceId=${odd.body.data.id}` })).body.data;
    expect(oddRecord.metadata).toEqual({});
  });

  it('refuses a change made with the session cookie from another site, bodiless POSTs too (CSRF); same-origin and API keys pass', async () => {
    const created = await t.call(t.admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'csrf@example.com', role: 'admin', password: PASSWORD } });
    expect(created.status).toBe(201);
    const login = await t.call(null, { method: 'POST', url: '/api/auth/login', payload: { email: 'csrf@example.com', password: PASSWORD } });
    const session = String(login.headers['set-cookie']).split(';')[0]!;
    secrets.push(session.split('=')[1]!);
    const budget = { name: 'csrf-target', period: 'DAY', amount: '5' };
    const before = await auditCount();
    // A form or fetch on evil.example: the browser adds the cookie and its own Origin.
    for (const [method, url, payload] of [
      ['POST', '/api/v1/costs/budget', budget],
      ['POST', '/api/auth/logout', undefined],
      ['POST', '/api/v1/agents/discover', undefined],
      ['PATCH', `/api/v1/users/${created.body.data.id}`, { name: 'Mallory' }],
      ['DELETE', `/api/v1/users/${created.body.data.id}`, undefined],
    ] as const) {
      const res = await t.call(null, { method, url, ...(payload ? { payload } : {}), headers: { cookie: session, origin: 'https://evil.example' } });
      expect([method, url, res.status]).toEqual([method, url, 403]);
      expect(res.body).toEqual({ success: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/another site/), details: { origin: 'https://evil.example', expected: [OWN_ORIGIN] } } });
    }
    // Neither Origin nor Referer: refused too; a Referer of another site as well; an opaque origin (sandboxed frame) too.
    expect((await t.call(null, { method: 'POST', url: '/api/auth/logout', headers: { cookie: session } })).status).toBe(403);
    expect((await t.call(null, { method: 'POST', url: '/api/auth/logout', headers: { cookie: session, referer: 'https://evil.example/page' } })).status).toBe(403);
    expect((await t.call(null, { method: 'POST', url: '/api/auth/logout', headers: { cookie: session, origin: 'null' } })).status).toBe(403);
    expect(await auditCount()).toBe(before);
    expect((await t.call(null, { url: '/api/auth/me', headers: { cookie: session, origin: 'https://evil.example' } })).status).toBe(200);
    // The collector's own pages: by Origin, or by Referer when a privacy setting drops Origin.
    const own = await t.call(null, { method: 'POST', url: '/api/v1/costs/budget', payload: budget, headers: { cookie: session, origin: OWN_ORIGIN } });
    expect(own.status).toBe(201);
    const byReferer = await t.call(null, { method: 'PATCH', url: `/api/v1/users/${created.body.data.id}`, payload: { name: 'Casey' }, headers: { cookie: session, referer: `${OWN_ORIGIN}/settings` } });
    expect(byReferer.status).toBe(200);
    // API keys are never sent by a browser on its own: no origin needed (the Grafana app's proxy uses one).
    const byKey = await t.call(t.admin, { method: 'DELETE', url: `/api/v1/costs/budget/${own.body.data.id}`, headers: { origin: 'https://evil.example' } });
    expect(byKey.status).toBe(204);
  });

  it('audits every successful mutation with actor, before and after, IP, user agent and request id; secrets removed', async () => {
    const page = await t.call(t.admin, { url: '/api/v1/governance/audit?limit=1000', headers: {} });
    const actions = page.body.data.map((r: { action: string }) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['api_key.create', 'api_key.revoke', 'user.create', 'user.update', 'user.delete', 'session.create', 'organization.update']));
    const update = page.body.data.find((r: { action: string }) => r.action === 'organization.update');
    expect(update).toEqual(expect.objectContaining({ actorType: 'API_KEY', resourceId: t.org, ipAddress: '127.0.0.1', userAgent: 'lightMyRequest', requestId: expect.any(String) }));
    expect(update.before.name).not.toBe('Acme');
    expect(update.after.name).toBe('Acme');
    expect((await t.call(t.admin, { url: '/api/v1/governance/audit/verify' })).body.data).toEqual(expect.objectContaining({ ok: true, firstBroken: null }));
    for (const s of secrets) expect(page.raw).not.toContain(s);

    const paged = await t.call(t.admin, { url: '/api/v1/governance/audit?limit=2&action=api_key.create' });
    expect(paged.body.data).toHaveLength(2);
    const next = await t.call(t.admin, { url: `/api/v1/governance/audit?limit=2&action=api_key.create&cursor=${paged.body.meta.nextCursor}` });
    expect(next.body.data[0].sequence).toBeGreaterThan(paged.body.data[1].sequence);
  });

  it('exports the trail as CSV and as JSON lines, every record once', async () => {
    const total = await auditCount();
    const jsonl = await t.call(t.admin, { url: '/api/v1/governance/audit/export?format=jsonl' });
    expect(jsonl.headers['content-type']).toMatch(/ndjson/);
    const records = jsonl.raw.trim().split('\n').map((l) => JSON.parse(l) as { sequence: number });
    expect(records.map((r) => r.sequence)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const csv = await t.call(t.admin, { url: '/api/v1/governance/audit/export?format=csv' });
    const lines = csv.raw.trim().split('\n');
    expect(lines[0]).toBe('sequence,id,timestamp,actorType,actorId,actorName,action,resourceType,resourceId,before,after,metadata,ipAddress,userAgent,requestId,prevHash,hash');
    expect(lines.length).toBeGreaterThanOrEqual(total + 1);
    expect((await t.call(t.admin, { url: '/api/v1/governance/audit/export?format=xml' })).status).toBe(400);
  });

  it('says so when the audit chain is not keyed (ARM_AUDIT_HMAC_KEY unset)', async () => {
    expect(t.logs()).toContain('ARM_AUDIT_HMAC_KEY is unset: the audit chain is a plain SHA-256 chain');
    expect((await t.call(t.admin, { url: '/api/v1/governance/audit/verify' })).body.data).toEqual(expect.objectContaining({ ok: true, keyed: false }));
  });

  it('never writes a key, password or session token into a log line', () => {
    const logs = t.logs();
    expect(logs.length).toBeGreaterThan(1000);
    for (const s of [...secrets, PASSWORD, 'Another-Strong-Pass-7']) expect(logs).not.toContain(s);
  });
});

describe('cookie changes from other origins', () => {
  const PASSWORD = 'Correct-Horse-42-battery';
  it('allows the origins listed in ARM_ALLOWED_ORIGINS, and reads the origin a trusted proxy forwards', async () => {
    const proxied = await authedApp({ ARM_ALLOWED_ORIGINS: 'https://ops.example.com', ARM_TRUST_PROXY: '127.0.0.1' });
    try {
      await proxied.call(proxied.admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'proxied@example.com', role: 'member', password: PASSWORD } });
      const login = await proxied.call(null, { method: 'POST', url: '/api/auth/login', payload: { email: 'proxied@example.com', password: PASSWORD } });
      const session = String(login.headers['set-cookie']).split(';')[0]!;
      const logoutFrom = async (origin: string, forwarded: Record<string, string> = {}) =>
        (await proxied.call(null, { method: 'POST', url: '/api/auth/logout', headers: { cookie: session, origin, ...forwarded } })).status;
      expect(await logoutFrom('https://evil.example')).toBe(403);
      // Behind the proxy the browser's origin is the public one the proxy names in X-Forwarded-*.
      expect(await logoutFrom('https://arm.example.com')).toBe(403);
      // (Signing out twice: the first ends the session, so the second answers 401, past the origin check.)
      expect(await logoutFrom('https://ops.example.com')).toBe(200);
      expect(await logoutFrom('https://arm.example.com', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'arm.example.com' })).toBe(401);
    } finally {
      await proxied.close();
    }
  });
});

describe('keyed audit chain with exported heads (ARM_AUDIT_HMAC_KEY, ARM_AUDIT_HEAD_EXPORT_DIR)', () => {
  it('exports signed heads on a schedule; verify against one passes untouched and catches the newest records deleted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arm-heads-'));
    const t = await authedApp({ ARM_AUDIT_HMAC_KEY: 'ef'.repeat(32), ARM_AUDIT_HEAD_EXPORT_DIR: dir, ARM_AUDIT_HEAD_EXPORT_INTERVAL_MS: '500' });
    try {
      for (const name of ['a', 'b', 'c']) expect((await t.call(t.admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name, role: 'viewer' } })).status).toBe(201);
      const file = join(dir, 'audit-heads.jsonl');
      const [{ n: newest }] = (await systemDb(t.stores.controlPlane).query<{ n: number }>('SELECT max(sequence)::int AS n FROM audit_log WHERE organization_id = $1', [t.org])) as [{ n: number }];
      let head: { sequence: number; hash: string; signature: string } | undefined;
      for (let i = 0; i < 600 && !head; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
        head = lines.filter((h) => h.organizationId === t.org && h.sequence === newest).pop();
      }
      expect(head).toEqual(expect.objectContaining({ hash: expect.stringMatching(/^[0-9a-f]{64}$/), hmac: expect.stringMatching(/^[0-9a-f]{64}$/), signature: expect.stringMatching(/^[0-9a-f]{64}$/) }));
      const verify = (q: string) => t.call(t.admin, { url: `/api/v1/governance/audit/verify${q}` });
      const withHead = `?headSequence=${newest}&headHash=${head!.hash}`;
      expect((await verify(withHead)).body.data).toEqual({ ok: true, checked: newest, keyed: true, head: { sequence: newest, hash: head!.hash }, firstBroken: null });
      const bad = await verify(`?headSequence=${newest}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toEqual(expect.objectContaining({ code: 'VALIDATION_ERROR', details: { field: 'querystring/headHash' } }));

      await systemDb(t.stores.controlPlane).transaction(async (tx) => {
        await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
        await tx.query('DELETE FROM audit_log WHERE organization_id = $1 AND sequence = $2', [t.org, newest]);
        await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      });
      expect((await verify('')).body.data.ok).toBe(true);
      expect((await verify(withHead)).body.data.firstBroken).toEqual(expect.objectContaining({ sequence: newest, reason: 'truncated' }));
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sign-in limits', () => {
  const PASSWORD = 'Correct-Horse-42-battery';
  const signIn = (t: Awaited<ReturnType<typeof authedApp>>, email: string, password: string, ip: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: ip });
  /** Tries until the first 429 (at most 40 times); every answer before it must be 401. */
  const untilLimited = async (attempt: () => ReturnType<typeof signIn>) => {
    for (let before = 0; before < 40; before++) {
      const res = await attempt();
      if (res.statusCode === 429) return { before, limited: res };
      expect(res.statusCode).toBe(401);
    }
    throw new Error('never limited');
  };

  it("an attacker sending wrong passwords steadily is throttled (429, retry-after) but cannot lock the user out", async () => {
    const t = await authedApp();
    try {
      expect((await t.call(t.admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'victim@example.com', role: 'member', password: PASSWORD } })).status).toBe(201);
      expect((await signIn(t, 'victim@example.com', PASSWORD, '10.0.0.5')).statusCode).toBe(200);
      // A guess every 6 s is 10 a minute: the whole budget of one address for one account (it
      // refills one every 6 s, so a slow machine may let a guess or two more through).
      const attacker = await untilLimited(() => signIn(t, 'victim@example.com', 'Wrong-Horse-42-battery', '203.0.113.9'));
      expect(attacker.before).toBeGreaterThanOrEqual(10);
      expect(Number(attacker.limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(attacker.limited.json().error).toEqual(expect.objectContaining({ code: 'RATE_LIMITED', details: { retryAfterSeconds: Number(attacker.limited.headers['retry-after']) } }));
      // The user signs in from their usual address, and from a new one.
      expect((await signIn(t, 'victim@example.com', PASSWORD, '10.0.0.5')).statusCode).toBe(200);
      expect((await signIn(t, 'victim@example.com', PASSWORD, '198.51.100.7')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('limits one address spraying many accounts, and many addresses against one account only past a far higher backstop that spares the usual address', async () => {
    // 2 a minute per account and address; 6 per address; 20 failures per account.
    const t = await authedApp({ ARM_LOGIN_ATTEMPTS_PER_MINUTE: '2' });
    try {
      let n = 0;
      const spray = await untilLimited(() => signIn(t, `user${n++}@example.com`, 'Wrong-Horse-42-battery', '10.9.9.9'));
      expect(spray.before).toBeGreaterThanOrEqual(6);

      expect((await t.call(t.admin, { method: 'POST', url: '/api/v1/users', payload: { email: 'target@example.com', role: 'member', password: PASSWORD } })).status).toBe(201);
      expect((await signIn(t, 'target@example.com', PASSWORD, '10.0.0.5')).statusCode).toBe(200);
      // Two guesses from each of many addresses, until the account's backstop holds (it refills one every 30 s).
      const botnet: number[] = [];
      let held: Awaited<ReturnType<typeof signIn>> | undefined;
      for (let i = 1; i <= 20 && !held; i++) {
        for (let j = 0; j < 2 && !held; j++) {
          const res = await signIn(t, 'target@example.com', 'Wrong-Horse-42-battery', `192.0.2.${i}`);
          if (res.statusCode === 429) held = res;
          else botnet.push(res.statusCode);
        }
      }
      expect(botnet.length).toBeGreaterThanOrEqual(20);
      expect(new Set(botnet)).toEqual(new Set([401]));
      expect(held).toBeDefined();
      expect(Number(held!.headers['retry-after'])).toBeGreaterThan(0);
      // Past the backstop the address the user signed in from lately still signs in.
      expect((await signIn(t, 'target@example.com', PASSWORD, '10.0.0.5')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('the account backstop stops a fresh address even with the right password, never a known-good one, and lapses (a clock of its own)', () => {
    let now = Date.UTC(2026, 0, 1);
    const throttle = new LoginThrottle(loginLimits(2), () => now);
    throttle.succeeded('u@example.com', '10.0.0.5');
    // Each attempt from an address not known good takes one of the account's 20 failures ahead of its outcome.
    for (let i = 0; i < 20; i++) expect(throttle.attempt('u@example.com', `192.0.2.${i >> 1}`)).toBe(0);
    expect(throttle.attempt('u@example.com', '198.51.100.1')).toBe(30);
    expect(throttle.attempt('u@example.com', '10.0.0.5')).toBe(0);
    now += 30_000;
    expect(throttle.attempt('u@example.com', '198.51.100.1')).toBe(0);
    // A known-good address is forgotten after 30 days.
    now += 31 * 86_400_000;
    for (let i = 0; i < 20; i++) throttle.attempt('u@example.com', `203.0.113.${i}`);
    expect(throttle.attempt('u@example.com', '10.0.0.5')).toBeGreaterThan(0);
  });

  it('counts attempts in flight: many at once from many addresses check no more passwords than the account allows; a success gives its try back', () => {
    const throttle = new LoginThrottle(loginLimits(1), () => Date.UTC(2026, 0, 1));
    const allowed = Array.from({ length: 300 }, (_, i) => throttle.attempt('v@example.com', `198.18.${i >> 8}.${i & 255}`)).filter((w) => w === 0).length;
    expect(allowed).toBe(10);
    const other = new LoginThrottle(loginLimits(1), () => Date.UTC(2026, 0, 1));
    for (let i = 0; i < 30; i++) {
      expect(other.attempt('w@example.com', `198.18.1.${i}`)).toBe(0);
      other.succeeded('w@example.com', `198.18.1.${i}`);
    }
  });

  it('limits an IPv6 /64 as one address: one host holds all of it', () => {
    const throttle = new LoginThrottle(loginLimits(10), () => Date.UTC(2026, 0, 1));
    const waits = Array.from({ length: 40 }, (_, i) => throttle.attempt(`user${i}@example.com`, `2001:db8:1:2::${(i + 1).toString(16)}`));
    expect(waits.filter((w) => w === 0).length).toBe(30);
    expect(throttle.attempt('someone@example.com', '2001:db8:1:3::1')).toBe(0);
    expect(throttle.attempt('someone@example.com', '::ffff:203.0.113.7')).toBe(0);
  });

  it('takes the client address from X-Forwarded-For only from a proxy ARM_TRUST_PROXY names', async () => {
    const t = await authedApp({ ARM_LOGIN_ATTEMPTS_PER_MINUTE: '1', ARM_TRUST_PROXY: '10.1.1.1' });
    try {
      const via = (client: string, peer: string) =>
        t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@example.com', password: 'Wrong-Horse-42-battery' }, remoteAddress: peer, headers: { 'x-forwarded-for': client } });
      // Through the trusted proxy each client has its own limit...
      expect((await via('198.51.100.1', '10.1.1.1')).statusCode).toBe(401);
      expect((await via('198.51.100.2', '10.1.1.1')).statusCode).toBe(401);
      expect((await via('198.51.100.1', '10.1.1.1')).statusCode).toBe(429);
      // ...while anyone else's X-Forwarded-For is ignored: the peer is the address.
      expect((await via('198.51.100.3', '10.2.2.2')).statusCode).toBe(401);
      expect((await via('198.51.100.4', '10.2.2.2')).statusCode).toBe(429);
    } finally {
      await t.close();
    }
  });
});

describe('per-key rate limit', () => {
  it('answers 429 with retry-after past the limit, per key', async () => {
    const t = await authedApp({ ARM_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await t.call(t.admin, { url: '/api/auth/me' })).status);
      expect(codes).toEqual([200, 200, 200, 429]);
      const limited = await t.call(t.admin, { url: '/api/auth/me' });
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
