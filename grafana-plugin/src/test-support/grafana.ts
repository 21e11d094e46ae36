/**
 * A stand-in for the two parts of Grafana the app talks to, since no Grafana server runs here:
 * the plugin proxy (`/api/plugin-proxy/<id>/...`), which applies the routes declared in
 * plugin.json the way Grafana's pkg/api/pluginproxy does, and the plugin settings API the config
 * page saves to. The requests it forwards go over real HTTP to the real collector.
 *
 * What Grafana's proxy does, and so this: the path is cleaned (`path.Join("/", p)`: `.`, `..` and
 * doubled slashes resolved, trailing slash dropped); the routes are tried in order, skipping those
 * whose `method` is set and differs, and the first whose `path` matches (pkg/web's route tree:
 * static segments compared after percent-decoding, a final `*` taking one or more remaining
 * segments) is the one: its reqRole is checked there (403 "plugin proxy route access denied"),
 * with no falling through to a later route; no match is 404 "plugin route match not found". What
 * `*` took (decoded) is appended to the route's URL; a static match appends nothing. URL and
 * headers are templated from `{{ .JsonData.k }}` / `{{ .SecureJsonData.k }}`; the browser's query
 * string is kept; cookies are dropped; and with `[dataproxy] send_user_header = true` (off by
 * default) X-Grafana-User carries the signed-in user's login, whatever the browser sent.
 */
import http from 'node:http';
import { posix } from 'node:path';
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
  /** The X-Grafana-User header sent with it, if any. */
  user: string | null;
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

/** Grafana's getProxyPath: `path.Join("/", p)` without its leading slash. */
function cleanPath(raw: string): string {
  return posix.normalize(`/${raw}`).replace(/^\/+|\/+$/g, '');
}

const decode = (segment: string): string | null => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
};

/**
 * pkg/web's tree for one route path, as the plugin proxy builds it: static segments match their
 * decoded counterpart; a final `*` matches one or more segments and yields them decoded. Returns
 * what is appended to the route URL ('' for a static match), or null for no match. Patterns this
 * does not model (`:name`, a `*` before the end) are refused, since Grafana would forward them
 * without the matched id.
 */
export function matchRoute(routePath: string, proxyPath: string): string | null {
  const pattern = routePath.replace(/^\/+|\/+$/g, '').split('/');
  if (pattern.some((p, i) => p.startsWith(':') || (p.includes('*') && (p !== '*' || i !== pattern.length - 1)))) {
    throw new Error(`plugin.json route path ${routePath}: only static segments and a final * forward the path`);
  }
  const segments = proxyPath.split('/');
  const glob = pattern[pattern.length - 1] === '*';
  const fixed = glob ? pattern.length - 1 : pattern.length;
  if (glob ? segments.length <= fixed : segments.length !== fixed) {
    return null;
  }
  for (let i = 0; i < fixed; i++) {
    if (decode(segments[i]) !== pattern[i]) {
      return null;
    }
  }
  return glob ? decode(segments.slice(fixed).join('/')) : '';
}

const joinPath = (a: string, b: string) => (b ? `${a.replace(/\/+$/, '')}/${b.replace(/^\/+/, '')}` : a);

/** Go's URL.EscapedPath for a path it holds decoded: `/` and `$&+,:;=@` stay, `.` segments too. */
const escapePath = (p: string) =>
  p
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/%(24|26|2B|2C|3A|3B|3D|40)/g, (e) => decodeURIComponent(e)))
    .join('/');

/** One HTTP exchange over node:http (jsdom has no fetch); JSON bodies are parsed; the path is sent as given. */
export function send(target: string | URL, method: string, headers: Record<string, string>, body: string | undefined) {
  const [, origin, rawPath] = /^(https?:\/\/[^/?#]+)(.*)$/.exec(String(target)) ?? [];
  if (!origin) {
    return Promise.reject(new Error(`not an http(s) URL: ${target}`));
  }
  const { hostname, port, protocol } = new URL(origin);
  return new Promise<{ status: number; statusText: string; data: unknown }>((resolve, reject) => {
    const options = { protocol, hostname, port, path: rawPath || '/', method, headers };
    const req = http.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        // application/json or a +json type; JSON lines (application/x-ndjson) stay text, as Grafana's fetch leaves them.
        const json = /^application\/(?:[\w.-]+\+)?json\b/.test(res.headers['content-type'] ?? '');
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
  /** The signed-in user's login, which X-Grafana-User carries. */
  login = 'admin';
  /** grafana.ini `[dataproxy] send_user_header` (Grafana's default: false). */
  sendUserHeader = false;
  readonly forwarded: Forwarded[] = [];
  /** Every URL a page fetched that is neither a plugin route nor the settings API. */
  readonly outside: string[] = [];
  /** The bodies of the settings saves, as the config page sent them. */
  readonly saves: Array<Partial<PluginSettings>> = [];

  /** A configured app (collector URL and key saved), seen by a user of `role`. */
  reset(settings: PluginSettings | null, role: Role = 'Admin') {
    this.settings = settings;
    this.role = role;
    this.login = role.toLowerCase();
    this.sendUserHeader = false;
    this.forwarded.length = 0;
    this.outside.length = 0;
    this.saves.length = 0;
  }

  /** Requests not yet answered: a test waits for them, so none is logged in the next test's record. */
  private readonly inflight = new Set<Promise<unknown>>();

  readonly backendSrv = {
    fetch: <T>(options: BackendSrvRequest): Observable<FetchResponse<T>> => {
      const answer = this.handle<T>(options);
      this.inflight.add(answer);
      const done = () => this.inflight.delete(answer);
      answer.then(done, done);
      return from(answer);
    },
  };

  /** Resolves once every request made so far is answered (or failed). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) {
      await Promise.allSettled([...this.inflight]);
    }
  }

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
    const proxyPath = cleanPath(path.slice(PROXY.length));
    const user = this.sendUserHeader ? this.login : null;
    const log = (target: string | null, status: number) =>
      this.forwarded.push({ method, path: proxyPath + search, target, status, user: target ? user : null });
    if (!this.settings) {
      log(null, 500);
      return respond(500, 'Internal Server Error', { message: 'Failed to fetch plugin settings' });
    }
    for (const route of pluginJson.routes as Route[]) {
      if (route.method && route.method !== '*' && route.method !== method) {
        continue;
      }
      const rest = matchRoute(route.path, proxyPath);
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
      // As Go's client sends it: the joined path is not re-resolved (a decoded `..` stays).
      const target = `${base.protocol}//${base.host}${escapePath(joinPath(base.pathname, rest))}${search}`;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (user) {
        headers['x-grafana-user'] = user;
      }
      const body = options.data === undefined ? undefined : JSON.stringify(options.data);
      // backendSrv sends application/json on every POST, PUT and PATCH, bodiless ones too (pause, a connection's test).
      if (body !== undefined || ['POST', 'PUT', 'PATCH'].includes(method.toUpperCase())) {
        headers['content-type'] = 'application/json';
      }
      for (const h of route.headers ?? []) {
        headers[h.name.toLowerCase()] = interpolate(h.content, this.settings);
      }
      const res = await send(target, method, headers, body).catch(() => null);
      log(target, res?.status ?? 502);
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

/** The signed-in user's org role (and login), for the proxy and for the pages (config.bootData). */
export function signInAs(role: Role, login = role.toLowerCase()) {
  grafana.role = role;
  grafana.login = login;
  config.bootData.user.orgRole = role as typeof config.bootData.user.orgRole;
  config.bootData.user.login = login;
}

/** The settings an admin saves for the test collector: its URL and a key of the `grafana` role. */
export function configured(): PluginSettings {
  const url = process.env.AIARM_TEST_COLLECTOR_URL;
  const apiKey = process.env.AIARM_TEST_API_KEY;
  if (!url || !apiKey || !process.env.AIARM_TEST_ADMIN_KEY) {
    throw new Error(
      'no test collector: run the plugin tests through jest.config.js, whose globalSetup starts one (npm test in grafana-plugin/)'
    );
  }
  return { enabled: true, pinned: true, jsonData: { collectorUrl: url }, secureJsonData: { apiKey } };
}

/**
 * The collector itself, straight (not through the proxy) with its admin key, for test setup and
 * for checking what a page did.
 */
export async function collectorEnvelope<T, M = unknown>(
  method: string,
  path: string,
  body?: unknown
): Promise<{ data: T; meta: M }> {
  const { jsonData } = configured();
  const headers: Record<string, string> = { authorization: `Bearer ${process.env.AIARM_TEST_ADMIN_KEY}` };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const res = await send(
    `${String(jsonData.collectorUrl)}${path}`,
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
