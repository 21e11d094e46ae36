import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import type { AgentView as Agent } from '@ai-arm/schemas';
import pluginJson from './plugin.json';
import { collectorApi, grafana, signInAs, type Role } from './test-support/grafana';

const proxied = async (role: Role, method: string, path: string, data?: unknown) => {
  signInAs(role);
  try {
    const res = await lastValueFrom(
      grafana.backendSrv.fetch<{ data: unknown }>({ url: `/api/plugin-proxy/aiarm-app/collector${path}`, method, data })
    );
    return { status: res.status, data: res.data as unknown };
  } catch (err) {
    const e = err as { status: number; data: unknown };
    return { status: e.status, data: e.data };
  }
};

describe('plugin.json routes, applied as Grafana applies them, to the real collector', () => {
  test('every route goes to the configured collector URL with the key from secureJsonData', () => {
    for (const route of pluginJson.routes) {
      expect(route.url.startsWith('{{ .JsonData.collectorUrl }}')).toBe(true);
      expect(route.headers).toEqual([{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiKey }}' }]);
    }
  });

  test('the collector sees the injected key: /api/auth/me through the proxy is the app key, for admins', async () => {
    const res = await proxied('Admin', 'GET', '/api/auth/me');
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ success: true, data: { role: 'grafana', name: 'Grafana app' } });
    expect((await proxied('Editor', 'GET', '/api/auth/me')).status).toBe(403);
  });

  test('viewers read; editors pause agents and manage budgets; only admins change vendor connections', async () => {
    const [agent] = await collectorApi<Agent[]>('GET', '/api/v1/agents?vendor=OPENAI&status=ACTIVE&limit=1');
    expect((await proxied('Viewer', 'GET', '/api/v1/agents?limit=1')).status).toBe(200);
    expect(await proxied('Viewer', 'POST', `/api/v1/agents/${agent.id}/pause`)).toEqual({
      status: 403,
      data: { message: 'plugin proxy route access denied' },
    });
    expect((await proxied('Editor', 'POST', `/api/v1/agents/${agent.id}/pause`)).status).toBe(200);
    expect((await proxied('Editor', 'POST', `/api/v1/agents/${agent.id}/resume`)).status).toBe(200);
    expect(
      (await proxied('Viewer', 'DELETE', '/api/v1/costs/budget/00000000-0000-4000-8000-000000000000')).status
    ).toBe(403);
    // An editor's delete reaches the collector, which knows no such budget.
    expect(
      (await proxied('Editor', 'DELETE', '/api/v1/costs/budget/00000000-0000-4000-8000-000000000000')).status
    ).toBe(404);

    const body = { vendor: 'OPENAI', name: 'x', credentials: { adminKey: 'sk-admin-not-checked-here' } };
    expect((await proxied('Editor', 'POST', '/api/v1/connections', body)).status).toBe(403);
    expect(
      (await proxied('Editor', 'POST', '/api/v1/connections/00000000-0000-4000-8000-000000000000/test')).status
    ).toBe(403);
    expect((await proxied('Editor', 'DELETE', '/api/v1/connections/00000000-0000-4000-8000-000000000000')).status).toBe(
      403
    );
    // Admins get through to the collector, which answers for itself.
    expect((await proxied('Admin', 'DELETE', '/api/v1/connections/00000000-0000-4000-8000-000000000000')).status).toBe(
      404
    );
    // No route lets a PATCH through (nothing in the app needs one).
    expect((await proxied('Admin', 'PATCH', `/api/v1/agents/${agent.id}`, { name: 'renamed' })).status).toBe(404);
  });

  test('only the collector client and the settings save call Grafana; pages go through them', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory() && e.name !== 'test-support') {
          walk(p);
        } else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) {
          files.push(p);
        }
      }
    };
    walk(__dirname);
    const callers = files
      .filter((f) => /getBackendSrv\(|\bfetch\(|XMLHttpRequest|axios/.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(__dirname.length + 1));
    expect(callers.sort()).toEqual(['api/collector.ts', 'components/AppConfig/settings.ts']);
  });

  test("the README's routes table lists every proxy route of plugin.json, with its methods and role, and no other", () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Routes and roles'));
    const documented = new Set<string>();
    for (const line of table.split('\n').filter((l) => /^\| `/.test(l))) {
      const [paths, methods, role] = line.split('|').slice(1, 4).map((c) => c.trim());
      let base = '';
      for (const [, path] of paths!.matchAll(/`([^`]+)`/g)) {
        // A bare name (`breakdown`) is a sibling of the full path before it.
        const full = path!.includes('/') ? path! : `${base}/${path}`;
        base = full.slice(0, full.lastIndexOf('/'));
        for (const method of methods!.split(/,\s*/)) {
          documented.add(`${method} ${role} ${full}`);
        }
      }
    }
    const routes = new Set(pluginJson.routes.map((r) => `${r.method} ${r.reqRole} ${r.path.replace(/^collector\//, '')}`));
    expect([...routes].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !routes.has(r))).toEqual([]);
  });
});
