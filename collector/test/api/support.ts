import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import pino from 'pino';
import { buildApp, type App, type AppDeps } from '../../src/app';
import type { Config } from '../../src/config/env';
import type { Instruments } from '../../src/metrics/instruments.generated';
import { ensureBootstrapKey } from '../../src/auth/bootstrap';
import { randomToken } from '../../src/auth/tokens';
import { openStores, type Stores } from '../../src/stores';
import { uniqueName } from '../support/paths';
import { testConfig, testMetrics } from '../support/stores';
import { systemDb } from '../support/system-db';


/**
 * The app as a client meets it: real stores, real authentication (no injected tenant), an
 * organisation of its own with an admin key, and every log line kept for inspection. (The
 * worker's stores are shared: chdb takes one data directory per process.)
 */
export async function authedApp(env: Record<string, string> = {}, extra?: (stores: Stores, config: Config, metrics: Instruments, orgSlug: string) => Promise<Partial<AppDeps>>) {
  const config = testConfig(env);
  const { sink, metrics } = testMetrics();
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const stores: Stores = await openStores(config, metrics, logger);
  const slug = uniqueName('org').replace(/_/g, '-');
  const [{ id: org }] = (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [slug])) as [{ id: string }];
  const admin = `arm_sk_live_${randomToken()}`;
  await ensureBootstrapKey(stores.controlPlane, org, admin);
  const app: App = await buildApp({ config, stores, sink, logger, ...(extra ? await extra(stores, config, metrics, slug) : {}) });
  const call = async (key: string | null, opts: InjectOptions) => {
    const res = await app.inject({ ...opts, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...opts.headers } });
    return { status: res.statusCode, body: res.body ? (String(res.headers['content-type'] ?? '').startsWith('application/json') ? res.json() : res.body) : null, headers: res.headers, raw: res.body };
  };
  return {
    app,
    stores,
    org,
    admin,
    sink,
    logs: () => lines.join(''),
    call,
    /** A new API key of `role` in this organisation, made through the API as an admin makes one. */
    async key(role: string): Promise<string> {
      return (await call(admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: role, role } })).body.data.key as string;
    },
    /** Another organisation with an admin key of its own: what isolation tests read through. */
    async otherOrganization(prefix = 'org-b'): Promise<{ id: string; key: string }> {
      const name = `${prefix}-${randomToken().slice(0, 8).toLowerCase()}`;
      const [{ id }] = (await systemDb(stores.controlPlane).query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [name])) as [{ id: string }];
      const key = `arm_sk_live_${randomToken()}`;
      await ensureBootstrapKey(stores.controlPlane, id, key);
      return { id, key };
    },
    async close() {
      await app.close();
      await stores.close();
    },
  };
}
