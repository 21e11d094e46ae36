/**
 * A stand-in for the two parts of Grafana the app talks to, since no Grafana server runs here:
 * the plugin proxy (`/api/plugin-proxy/<id>/...`), which applies the routes declared in
 * plugin.json the way Grafana's pkg/api/pluginproxy does (method, then path match, first match
 * wins; reqRole; `{{ .JsonData.k }}` / `{{ .SecureJsonData.k }}` templating of url and headers;
 * the browser's query string kept; cookies dropped), and the plugin settings API the config page
 * saves to. The requests it forwards go over real HTTP to the real collector.
 */
import http from 'node:http';
import { from, type Observable } from 'rxjs';
import { config, type BackendSrvRequest, type FetchResponse } from '@grafana/runtime';
import pluginJson from '../plugin.json';

export type Role = 'Viewer' | 'Editor' | 'Admin';
const RANK: Record<Role, number> = { Viewer: 1, Editor: 2, Admin: 3 };

interface Route {
  path: string;
  method?: string;
  reqRole?: Role;
  url: string;
  headers?: Array<{ name: string; content: string }>;
}

export interface PluginSettings {
  enabled: boolean;
  pinned: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export interface Forwarded {
  method: string;
  /** What the page asked for, under the plugin proxy. */
  path: string;
  /** Where the proxy sent it, or null when it answered itself (403, 404, 500, 502). */
  target: string | null;
  status: number;
}

const PROXY = `/api/plugin-proxy/${pluginJson.id}/`;
const SETTINGS = `/api/plugins/${pluginJson.id}/settings`;

class HttpError {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly data: unknown,
    readonly config: BackendSrvRequest
  ) {}
}

/** The query string Grafana's backendSrv builds from `params` (undefined skipped, arrays repeated). */
function queryString(params: BackendSrvRequest['params']): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item !== undefined && item !== null) {
        q.append(k, String(item));
      }
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Go's text/template over a map: a missing key renders as `<no value>`. */
function interpolate(template: string, settings: PluginSettings): string {
  return template.replace(/\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g, (_, scope: string, key: string) => {
    const value = scope === 'JsonData' ? settings.jsonData[key] : settings.secureJsonData[key];
    return value === undefined ? '<no value>' : String(value);
  });
}

/** Grafana's route tree: `a/b/*` matches `a/b/<anything>` and yields the rest; a static path only itself. */
function match(routePath: string, proxyPath: string): string | null {
  if (routePath.endsWith('/*')) {
    const prefix = routePath.slice(0, -1);
    return proxyPath.startsWith(prefix) ? proxyPath.slice(prefix.length) : null;
  }
  return proxyPath === routePath ? '' : null;
}

const joinPath = (a: string, b: string) => (b ? `${a.replace(/\/+$/, '')}/${b.replace(/^\/+/, '')}` : a);

/** One HTTP exchange over node:http (jsdom has no fetch); JSON bodies are parsed. */
export function send(target: URL, method: string, headers: Record<string, string>, body: string | undefined) {
  return new Promise<{ status: number; statusText: string; data: unknown }>((resolve, reject) => {
    const req = http.request(target, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = (res.headers['content-type'] ?? '').includes('json');
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          data: json && text ? JSON.parse(text) : text,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export class GrafanaEmulator {
  settings: PluginSettings | null = null;
  role: Role = 'Admin';
  readonly forwarded: Forwarded[] = [];
  /** Every URL a page fetched that is neither a plugin route nor the settings API. */
  readonly outside: string[] = [];
  /** The bodies of the settings saves, as the config page sent them. */
  readonly saves: Array<Partial<PluginSettings>> = [];

  /** A configured app (collector URL and key saved), seen by a user of `role`. */
  reset(settings: PluginSettings | null, role: Role = 'Admin') {
    this.settings = settings;
    this.role = role;
    this.forwarded.length = 0;
    this.outside.length = 0;
    this.saves.length = 0;
  }

  readonly backendSrv = {
    fetch: <T>(options: BackendSrvRequest): Observable<FetchResponse<T>> => from(this.handle<T>(options)),
  };

  private async handle<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
    const method = (options.method ?? 'GET').toUpperCase();
    const [path, query = ''] = options.url.split('?');
    const search = query ? `?${query}` : queryString(options.params);
    const respond = (status: number, statusText: string, data: unknown): FetchResponse<T> => {
      if (status >= 400) {
        throw new HttpError(status, statusText, data, options);
      }
      return {
        data: data as T,
        status,
        statusText,
        ok: true,
        headers: new Headers(),
        redirected: false,
        type: 'basic',
        url: options.url,
        config: options,
      };
    };

    if (path === SETTINGS) {
      return respond(...this.settingsApi(method, options.data));
    }
    if (!path.startsWith(PROXY)) {
      this.outside.push(`${method} ${options.url}`);
      return respond(404, 'Not Found', { message: 'Not found' });
    }
    const proxyPath = path.slice(PROXY.length);
    const log = (target: string | null, status: number) =>
      this.forwarded.push({ method, path: proxyPath + search, target, status });
    if (!this.settings) {
      log(null, 500);
      return respond(500, 'Internal Server Error', { message: 'Failed to fetch plugin settings' });
    }
    for (const route of pluginJson.routes as Route[]) {
      if (route.method && route.method !== '*' && route.method !== method) {
        continue;
      }
      const rest = match(route.path, proxyPath);
      if (rest === null) {
        continue;
      }
      if (route.reqRole && RANK[this.role] < RANK[route.reqRole]) {
        log(null, 403);
        return respond(403, 'Forbidden', { message: 'plugin proxy route access denied' });
      }
      let base: URL;
      try {
        base = new URL(interpolate(route.url, this.settings));
      } catch {
        log(null, 500);
        return respond(500, 'Internal Server Error', { message: 'Could not parse url' });
      }
      const target = new URL(`${base.protocol}//${base.host}${joinPath(base.pathname, rest)}${search}`);
      const headers: Record<string, string> = { accept: 'application/json' };
      const body = options.data === undefined ? undefined : JSON.stringify(options.data);
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
      }
      for (const h of route.headers ?? []) {
        headers[h.name.toLowerCase()] = interpolate(h.content, this.settings);
      }
      const res = await send(target, method, headers, body).catch(() => null);
      log(target.toString(), res?.status ?? 502);
      // Grafana's reverse proxy answers 502 with no body when the upstream is unreachable.
      return res ? respond(res.status, res.statusText, res.data) : respond(502, 'Bad Gateway', '');
    }
    log(null, 404);
    return respond(404, 'Not Found', { message: 'plugin route match not found' });
  }

  /** POST replaces jsonData whole and merges secureJsonData per key ("" clears one); GET never returns secrets. */
  private settingsApi(method: string, data: unknown): [number, string, unknown] {
    if (method === 'GET') {
      const s = this.settings ?? { enabled: false, pinned: false, jsonData: {}, secureJsonData: {} };
      const secureJsonFields = Object.fromEntries(Object.entries(s.secureJsonData).map(([k, v]) => [k, v !== '']));
      return [
        200,
        'OK',
        { id: pluginJson.id, enabled: s.enabled, pinned: s.pinned, jsonData: s.jsonData, secureJsonFields },
      ];
    }
    if (this.role !== 'Admin') {
      return [403, 'Forbidden', { message: 'Permission denied' }];
    }
    const body = data as Partial<PluginSettings>;
    this.saves.push(body);
    const secure = { ...(this.settings?.secureJsonData ?? {}) };
    for (const [k, v] of Object.entries(body.secureJsonData ?? {})) {
      if (v === '') {
        delete secure[k];
      } else {
        secure[k] = v;
      }
    }
    this.settings = {
      enabled: body.enabled ?? false,
      pinned: body.pinned ?? false,
      jsonData: body.jsonData ?? {},
      secureJsonData: secure,
    };
    return [200, 'OK', { message: 'Plugin settings updated' }];
  }
}

export const grafana = new GrafanaEmulator();

/** The signed-in user's org role, for the proxy's reqRole checks and for the pages (config.bootData). */
export function signInAs(role: Role) {
  grafana.role = role;
  config.bootData.user.orgRole = role as typeof config.bootData.user.orgRole;
}

/** The settings an admin saves for the test collector. */
export function configured(): PluginSettings {
  const url = process.env.AIARM_TEST_COLLECTOR_URL;
  const apiKey = process.env.AIARM_TEST_API_KEY;
  if (!url || !apiKey) {
    throw new Error(
      'no test collector: run the plugin tests through jest.config.js, whose globalSetup starts one (npm test in grafana-plugin/)'
    );
  }
  return { enabled: true, pinned: true, jsonData: { collectorUrl: url }, secureJsonData: { apiKey } };
}

/** The collector itself, straight (not through the proxy), for test setup and for checking what a page did. */
export async function collectorEnvelope<T, M = unknown>(
  method: string,
  path: string,
  body?: unknown
): Promise<{ data: T; meta: M }> {
  const { jsonData, secureJsonData } = configured();
  const headers: Record<string, string> = { authorization: `Bearer ${secureJsonData.apiKey}` };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const res = await send(
    new URL(`${String(jsonData.collectorUrl)}${path}`),
    method,
    headers,
    body === undefined ? undefined : JSON.stringify(body)
  );
  if (res.status >= 400) {
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.data)}`);
  }
  return res.data as { data: T; meta: M };
}

export const collectorApi = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
  (await collectorEnvelope<T>(method, path, body)).data;
