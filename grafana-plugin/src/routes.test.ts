import { lastValueFrom } from 'rxjs';
import type { AgentView as Agent } from '@ai-arm/schemas';
import pluginJson from './plugin.json';
import {
  collectorApi,
  configured,
  grafana,
  matchRoute,
  send,
  signInAs,
  type Forwarded,
  type Role,
} from './test-support/grafana';

const ROLES: Role[] = ['Viewer', 'Editor', 'Admin'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const RANK: Record<Role, number> = { Viewer: 1, Editor: 2, Admin: 3 };
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Every collector call Grafana lets through, and the least Grafana role that may make it: what
 * the pages do (reading, governance policies and violations and every quality figure, event and
 * setting among it: Viewer; pausing, checking agents, budgets, reviewing violations, testing a
 * sample text against a policy, adding feedback, checking responses and drift and handling quality
 * alerts, adding, editing, deleting, exporting, importing and transferring context: Editor; the
 * configuration page's key check and vendor connections, changing policies, the audit log and its
 * export, the compliance report, the quality settings and writing preferences into a vendor
 * agent's instructions (and undoing it): Admin). Any other route of the collector, users, keys, the
 * organisation and verifying the audit chain among them, is reachable by no Grafana role.
 */
const ALLOWED: Record<string, Role> = {
  'GET /api/v1/agents': 'Viewer',
  'GET /api/v1/agents/:id': 'Viewer',
  'GET /api/v1/agents/:id/health': 'Viewer',
  'GET /api/v1/agents/:id/versions': 'Viewer',
  'GET /api/v1/agents/:id/interactions': 'Viewer',
  'GET /api/v1/costs/summary': 'Viewer',
  'GET /api/v1/costs/breakdown': 'Viewer',
  'GET /api/v1/costs/usage': 'Viewer',
  'GET /api/v1/costs/reconciliation': 'Viewer',
  'GET /api/v1/costs/forecast': 'Viewer',
  'GET /api/v1/costs/optimizations': 'Viewer',
  'GET /api/v1/costs/budget': 'Viewer',
  'POST /api/v1/agents/:id/pause': 'Editor',
  'POST /api/v1/agents/:id/resume': 'Editor',
  'POST /api/v1/agents/:id/health-check': 'Editor',
  'POST /api/v1/costs/budget': 'Editor',
  'DELETE /api/v1/costs/budget/:id': 'Editor',
  'GET /api/auth/me': 'Admin',
  'GET /api/v1/connections': 'Admin',
  'GET /api/v1/connections/vendors': 'Admin',
  'POST /api/v1/connections': 'Admin',
  'POST /api/v1/connections/:id/test': 'Admin',
  'PATCH /api/v1/connections/:id': 'Admin',
  'DELETE /api/v1/connections/:id': 'Admin',
  'GET /api/v1/governance/policies': 'Viewer',
  'GET /api/v1/governance/policies/:id/versions': 'Viewer',
  'GET /api/v1/governance/violations': 'Viewer',
  'GET /api/v1/governance/violations/:id': 'Viewer',
  'POST /api/v1/governance/violations/:id/review': 'Editor',
  'POST /api/v1/governance/evaluate': 'Editor',
  'GET /api/v1/governance/policy-templates': 'Admin',
  'POST /api/v1/governance/policies': 'Admin',
  'PATCH /api/v1/governance/policies/:id': 'Admin',
  'DELETE /api/v1/governance/policies/:id': 'Admin',
  'GET /api/v1/governance/audit': 'Admin',
  'GET /api/v1/governance/audit/export': 'Admin',
  'GET /api/v1/governance/report': 'Admin',
  // The Quality page: figures, feedback, drift, grounding checks, alerts and settings for every
  // role; feedback, drift and grounding checks on demand and alert handling for Editors; settings
  // changes for Admins.
  'GET /api/v1/quality/report': 'Viewer',
  'GET /api/v1/quality/alerts': 'Viewer',
  'GET /api/v1/quality/settings': 'Viewer',
  'GET /api/v1/quality/:agentId/metrics': 'Viewer',
  'GET /api/v1/quality/:agentId/feedback': 'Viewer',
  'GET /api/v1/quality/:agentId/drift': 'Viewer',
  'GET /api/v1/quality/:agentId/drift/:id': 'Viewer',
  'GET /api/v1/quality/:agentId/grounding': 'Viewer',
  'GET /api/v1/quality/:agentId/grounding/:id': 'Viewer',
  'POST /api/v1/quality/:agentId/feedback': 'Editor',
  'POST /api/v1/quality/:agentId/drift/check': 'Editor',
  'POST /api/v1/quality/:agentId/evaluate': 'Editor',
  'POST /api/v1/quality/alerts/:id/acknowledge': 'Editor',
  'POST /api/v1/quality/alerts/:id/resolve': 'Editor',
  'PATCH /api/v1/quality/settings': 'Admin',
  'PATCH /api/v1/quality/:agentId/settings': 'Admin',
  // The Context page: search, an agent's items and its preferences for every role; adding,
  // editing and deleting items, and export, import and transfer (they move the organisation's
  // data) for Editors; writing preferences into a vendor agent's instructions and undoing it for
  // Admins. The page calls neither extraction nor the context settings.
  'GET /api/v1/context': 'Viewer',
  'GET /api/v1/context/search': 'Viewer',
  'GET /api/v1/preferences': 'Viewer',
  'POST /api/v1/context': 'Editor',
  'PATCH /api/v1/context/:id': 'Editor',
  'DELETE /api/v1/context/:id': 'Editor',
  'GET /api/v1/context/export': 'Editor',
  'POST /api/v1/context/import': 'Editor',
  'POST /api/v1/context/transfer': 'Editor',
  'POST /api/v1/preferences/inject/:agentId': 'Admin',
  'POST /api/v1/preferences/inject/:agentId/undo': 'Admin',
};

type Outcome =
  'reached' | 'refused by Grafana (role)' | 'refused by Grafana (no route)' | 'refused by the key' | string;

interface Answer {
  status: number;
  data: unknown;
  forwarded: Forwarded;
}

/** One request through the proxy emulation as a user of `role`; harmless arguments (unknown id, empty body). */
async function through(role: Role, method: string, path: string, data?: unknown, login?: string): Promise<Answer> {
  signInAs(role, login);
  const request = { url: `/api/plugin-proxy/${pluginJson.id}/collector${path}`, method, data, showErrorAlert: false };
  let status: number;
  let body: unknown;
  try {
    const res = await lastValueFrom(grafana.backendSrv.fetch(request));
    ({ status, data: body } = res);
  } catch (err) {
    ({ status, data: body } = err as { status: number; data: unknown });
  }
  return { status, data: body, forwarded: grafana.forwarded[grafana.forwarded.length - 1] };
}

function outcome(a: Answer): Outcome {
  const message = (a.data as { message?: string } | null)?.message;
  if (!a.forwarded.target) {
    if (a.status === 403 && message === 'plugin proxy route access denied') {
      return 'refused by Grafana (role)';
    }
    if (a.status === 404 && message === 'plugin route match not found') {
      return 'refused by Grafana (no route)';
    }
    return `answered by Grafana ${a.status}`;
  }
  const error = (a.data as { error?: { code?: string; details?: { actual?: string } } } | null)?.error;
  if (a.status === 403 && error?.details?.actual === 'grafana') {
    return 'refused by the key';
  }
  // The handler ran: 2xx, or its own 400/404 for the harmless arguments; never the key's 401/403.
  return a.status === 401 || a.status === 403 ? `collector ${a.status} ${error?.code}` : 'reached';
}

/** The collector's routes as its OpenAPI document lists them (`/api/v1/agents/:id`, `{id}` rewritten). */
async function collectorRoutes(): Promise<Map<string, Set<string>>> {
  const url = String(configured().jsonData.collectorUrl);
  const doc = (await send(`${url}/api/docs/openapi.json`, 'GET', {}, undefined)).data as {
    paths: Record<string, Record<string, unknown>>;
  };
  return new Map(
    Object.entries(doc.paths).map(([p, ops]) => [
      p.replace(/\{(\w+)\}/g, ':$1'),
      new Set(Object.keys(ops).map((m) => m.toUpperCase())),
    ])
  );
}

describe('plugin.json routes x Grafana role x method, through the proxy emulation, to the real collector', () => {
  let routes: Map<string, Set<string>>;
  beforeAll(async () => {
    routes = await collectorRoutes();
  });

  test('the expected table names only routes the collector has', () => {
    expect(routes.size).toBeGreaterThan(30);
    for (const call of Object.keys(ALLOWED)) {
      const [method, path] = call.split(' ');
      expect([call, routes.get(path)?.has(method)]).toEqual([call, true]);
    }
  });

  test('every collector route, by every role with every method: exactly the table gets through', async () => {
    const actual: Record<string, Outcome> = {};
    const expected: Record<string, Outcome> = {};
    for (const [path, methods] of routes) {
      // The audit export asks for CSV: its default, JSON lines, is a body the emulator's HTTP helper
      // would parse as one JSON document (it parses any type naming json, x-ndjson included).
      const concrete =
        path.replace(/:\w+/g, NO_SUCH_ID) + (path === '/api/v1/governance/audit/export' ? '?format=csv' : '');
      for (const method of METHODS) {
        for (const role of ROLES) {
          const key = `${method} ${path} as ${role}`;
          const answer = await through(
            role,
            method,
            concrete,
            method === 'GET' || method === 'DELETE' ? undefined : {}
          );
          const least = ALLOWED[`${method} ${path}`];
          if (methods.has(method)) {
            actual[key] = outcome(answer);
            expected[key] = !least
              ? actual[key].startsWith('refused')
                ? actual[key]
                : 'refused'
              : RANK[role] >= RANK[least]
                ? 'reached'
                : 'refused by Grafana (role)';
          } else {
            // No such route in the collector: whatever the proxy does with it, nothing succeeds.
            expect([key, answer.status >= 400]).toEqual([key, true]);
          }
        }
      }
    }
    expect(actual).toEqual(expected);
    // Nothing outside the table reached a handler, under any role.
    const reached = Object.entries(actual)
      .filter(([, o]) => o === 'reached')
      .map(([k]) => k.replace(/ as \w+$/, ''));
    expect([...new Set(reached)].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  test('the escalations: no Grafana role creates users or keys or reads them; only Admins read the audit trail', async () => {
    const escalations: Array<[Role, string, string, unknown?]> = [
      [
        'Editor',
        'POST',
        '/api/v1/users',
        { email: 'mallory@example.com', role: 'admin', password: 'Mallory-Admin-42-x' },
      ],
      ['Editor', 'POST', '/api/v1/api-keys', { name: 'mine now', role: 'admin' }],
      ['Admin', 'POST', '/api/v1/api-keys', { name: 'mine now', role: 'admin' }],
      ['Viewer', 'GET', '/api/v1/users'],
      ['Viewer', 'GET', '/api/v1/api-keys'],
      ['Admin', 'GET', '/api/v1/governance/audit/verify'],
      ['Admin', 'PATCH', `/api/v1/organizations/${NO_SUCH_ID}`, { name: 'x' }],
    ];
    for (const [role, method, path, body] of escalations) {
      const answer = await through(role, method, path, body);
      expect([role, method, path, answer.status, answer.forwarded.target]).toEqual([role, method, path, 404, null]);
    }
    // The audit trail and the compliance report (names of users and keys) stop at Grafana below Admin.
    for (const role of ['Viewer', 'Editor'] as Role[]) {
      for (const path of [
        '/api/v1/governance/audit',
        '/api/v1/governance/audit/export?format=jsonl',
        '/api/v1/governance/report?format=csv',
      ]) {
        const answer = await through(role, 'GET', path);
        expect([role, path, outcome(answer)]).toEqual([role, path, 'refused by Grafana (role)']);
      }
    }
    // Nor by reaching around a route: `..` is resolved before matching, and an encoded one,
    // though Grafana forwards it, meets a key that reaches only the app's calls.
    for (const path of [
      '/api/v1/agents/../../v1/users',
      '/api/v1/agents/x%2F..%2F..%2Fusers',
      `/api/v1/agents/${NO_SUCH_ID}%2F..%2F..%2Fapi-keys`,
    ]) {
      const answer = await through('Admin', 'GET', path);
      expect([path, answer.status, JSON.stringify(answer.data)]).toEqual([
        path,
        expect.any(Number),
        expect.not.stringMatching(/"email"|"prefix"/),
      ]);
      expect(answer.status).toBeGreaterThanOrEqual(400);
    }
    // An Editor's POST under agents/* gets past Grafana, but the collector refuses what the app
    // never asks for (here: syncing every connection's inventory).
    expect(outcome(await through('Editor', 'POST', '/api/v1/agents/discover', {}))).toBe('refused by the key');
    const users = await collectorApi<Array<{ email: string }>>('GET', '/api/v1/users');
    expect(users.map((u) => u.email)).not.toContain('mallory@example.com');
    const keys = await collectorApi<Array<{ name: string }>>('GET', '/api/v1/api-keys');
    expect(keys.map((k) => k.name)).not.toContain('mine now');
  });

  test('each route path is one the emulation forwards as Grafana does (static, or a final *)', () => {
    for (const route of pluginJson.routes) {
      expect(() => matchRoute(route.path, 'collector')).not.toThrow();
      expect(route.path.startsWith('collector/api/')).toBe(true);
      expect(['GET', 'POST', 'PATCH', 'DELETE']).toContain(route.method);
    }
    // A static path is itself only; a final * needs at least one more segment.
    expect(matchRoute('collector/api/v1/agents', 'collector/api/v1/agents')).toBe('');
    expect(matchRoute('collector/api/v1/agents', 'collector/api/v1/agents/x')).toBeNull();
    expect(matchRoute('collector/api/v1/agents/*', 'collector/api/v1/agents')).toBeNull();
    expect(matchRoute('collector/api/v1/agents/*', 'collector/api/v1/agents/a%2Fb/c')).toBe('a/b/c');
    expect(() => matchRoute('collector/api/v1/agents/:id/pause', 'x')).toThrow(/final \*/);
    expect(() => matchRoute('collector/*/pause', 'x')).toThrow(/final \*/);
  });
});

describe('the Grafana user behind a request, in the collector audit trail', () => {
  const pauseAndResume = async (login: string) => {
    const [agent] = await collectorApi<Agent[]>('GET', '/api/v1/agents?vendor=ANTHROPIC&status=ACTIVE&limit=1');
    for (const action of ['pause', 'resume']) {
      const answer = await through('Editor', 'POST', `/api/v1/agents/${agent.id}/${action}`, undefined, login);
      expect(answer.status).toBe(200);
    }
    const trail = await collectorApi<Array<{ action: string; actorName: string; metadata: Record<string, unknown> }>>(
      'GET',
      `/api/v1/governance/audit?resourceId=${agent.id}&limit=1000`
    );
    return trail.slice(-2);
  };

  test('with send_user_header on, Grafana sends the login and the collector records it beside the key', async () => {
    grafana.sendUserHeader = true;
    const records = await pauseAndResume('alice@example.com');
    expect(records).toEqual([
      expect.objectContaining({ actorName: 'Grafana app', metadata: { grafanaUser: 'alice@example.com' } }),
      expect.objectContaining({ actorName: 'Grafana app', metadata: { grafanaUser: 'alice@example.com' } }),
    ]);
    expect(grafana.forwarded.filter((f) => f.method === 'POST').map((f) => f.user)).toEqual([
      'alice@example.com',
      'alice@example.com',
    ]);
  });

  test("with it off (Grafana's default), the record names the key alone", async () => {
    const records = await pauseAndResume('bob@example.com');
    expect(records.map((r) => [r.actorName, r.metadata])).toEqual([
      ['Grafana app', {}],
      ['Grafana app', {}],
    ]);
  });
});
