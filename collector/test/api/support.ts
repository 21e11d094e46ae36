import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import pino from 'pino';
import { buildApp, type App, type AppDeps } from '../../src/app';
import type { Config } from '../../src/config/env';
import type { Instruments } from '../../src/metrics/instruments.generated';
import { ensureBootstrapKey } from '../../src/auth/bootstrap';
import { ensureDefaultOrganization } from '../../src/poller/organization';
import { openStores, type Stores } from '../../src/stores';
import { testConfig, testMetrics } from '../support/stores';

export const ADMIN_KEY = 'arm_sk_live_ApiTestAdminKeyApiTestAdminKey01';

/**
 * The app as a client meets it: real stores, real authentication (no injected tenant), the
 * default organisation with a bootstrap admin key, and every log line kept for inspection.
 */
export async function authedApp(env: Record<string, string> = {}, extra?: (stores: Stores, config: Config, metrics: Instruments) => Promise<Partial<AppDeps>>) {
  const config = testConfig(env);
  const { sink, metrics } = testMetrics();
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const stores: Stores = await openStores(config, metrics, logger);
  const org = await ensureDefaultOrganization(stores.controlPlane);
  await ensureBootstrapKey(stores.controlPlane, org, ADMIN_KEY);
  const app: App = await buildApp({ config, stores, sink, logger, ...(extra ? await extra(stores, config, metrics) : {}) });
  const call = async (key: string | null, opts: InjectOptions) => {
    const res = await app.inject({ ...opts, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...opts.headers } });
    return { status: res.statusCode, body: res.body ? (String(res.headers['content-type'] ?? '').startsWith('application/json') ? res.json() : res.body) : null, headers: res.headers, raw: res.body };
  };
  return {
    app,
    stores,
    org,
    sink,
    logs: () => lines.join(''),
    call,
    async close() {
      await app.close();
      await stores.close();
    },
  };
}
