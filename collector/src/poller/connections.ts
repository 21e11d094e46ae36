import type { Config } from '../config/env';
import { baseUrlRefusal, type VendorHosts } from '../connections/vendor-hosts';
import { instrumentedFetch } from '../connectors/instrumented-fetch';
import { rateGate } from '../connectors/rate-gate';
import { createConnector, VENDOR_REGISTRY, vendorSpec, type ConnectorVendor, type VendorEndpoint } from '../connectors/registry';
import type { Connector } from '../connectors/types';
import { vendorToProvider, type GenAiProviderName, type Instruments } from '../metrics/instruments.generated';
import type { SqlExecutor } from '../stores/postgres/types';
import { asTenant } from '../stores/tenant-scope';

export type ConnectionSource = 'env' | 'demo' | 'api';

export interface RuntimeConnection {
  id: string;
  organizationId: string;
  vendor: ConnectorVendor;
  provider: GenAiProviderName;
  source: ConnectionSource;
  connector: Connector;
}

/** The vendors the environment configures (OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY and their base URLs), in registry order. */
export function endpointsFromConfig(config: Config): VendorEndpoint[] {
  return VENDOR_REGISTRY.flatMap(({ vendor, configKey }) => {
    const adminKey = config.vendorKeys[configKey];
    return adminKey ? [{ vendor, adminKey, baseUrl: config.vendorBaseUrls[configKey] }] : [];
  });
}

/**
 * Every registered vendor's API on the vendor simulator as connection endpoints (demo mode,
 * tests, benchmarks): each at its declared mount, opened with the simulator's key it names.
 */
export function simulatorEndpoints(url: string, keys: Readonly<Record<string, string>>): VendorEndpoint[] {
  return VENDOR_REGISTRY.map(({ vendor, simulator }) => {
    const adminKey = keys[simulator.adminKey];
    if (!adminKey) throw new Error(`the vendor simulator has no admin key ${simulator.adminKey} for ${vendor}`);
    return { vendor, adminKey, baseUrl: `${url}${simulator.mount}` };
  });
}

/**
 * Records one connection row per configured vendor (its secret stays in the environment)
 * and builds its connector.
 */
export async function openConnections(
  db: SqlExecutor,
  organizationId: string,
  source: 'env' | 'demo',
  endpoints: VendorEndpoint[],
  metrics: Instruments,
  maxRetries: number,
  stop?: AbortSignal,
): Promise<RuntimeConnection[]> {
  const out: RuntimeConnection[] = [];
  for (const ep of endpoints) {
    const [row] = await asTenant(organizationId, () =>
      db.query<{ id: string }>(
        `INSERT INTO connections (organization_id, vendor, name, credential_hint, base_url, status, source)
         VALUES ($1, $2, $3, $4, $5, 'CONNECTED', $6)
         ON CONFLICT (organization_id, source, vendor) WHERE source <> 'api'
         DO UPDATE SET credential_hint = EXCLUDED.credential_hint, base_url = EXCLUDED.base_url, updated_at = now()
         RETURNING id`,
        [organizationId, ep.vendor, `${vendorSpec(ep.vendor).displayName} (${source === 'demo' ? 'demo simulator' : 'environment'})`, credentialHint(ep.adminKey), ep.baseUrl, source],
      ),
    );
    out.push(runtimeConnection({ id: row!.id, organizationId, source, ...ep }, metrics, maxRetries, stop));
  }
  return out;
}

/**
 * A connection that may not call its base URL (stored before ARM_VENDOR_HOSTS left its host
 * out, or with another scheme): every poll of it fails with why, and nothing is sent.
 */
function refusedConnector(vendor: ConnectorVendor, why: string): Connector {
  const refuse = (): never => {
    throw new Error(`${why}; this connection is not polled until its baseUrl is changed (PATCH /api/v1/connections/:id) or its host permitted`);
  };
  return { vendor, verifyAccess: async () => refuse(), discoverAgents: async () => refuse(), checkHealth: async () => refuse(), startHealthRun: () => undefined, usageFeeds: refuse, costFeeds: refuse };
}

/** A connector on the official SDK, behind the rate gate and the instrumented fetch. */
/** `stop` is the collector's shutdown: it ends the connection's rate-limit waits, vendor calls and SDK retry waits. */
/** `permitted` (ARM_VENDOR_HOSTS): a connection stored through the API whose base URL it refuses fails every call, sending none (the environment's are the operator's own). */
export function runtimeConnection(spec: VendorEndpoint & { id: string; organizationId: string; source: ConnectionSource }, metrics: Instruments, maxRetries: number, stop?: AbortSignal, permitted?: VendorHosts): RuntimeConnection {
  const provider = vendorToProvider(spec.vendor);
  const refused = permitted && spec.source === 'api' ? baseUrlRefusal(spec.baseUrl, permitted) : null;
  if (refused) return { id: spec.id, organizationId: spec.organizationId, vendor: spec.vendor, provider, source: spec.source, connector: refusedConnector(spec.vendor, refused) };
  const fetch = rateGate(instrumentedFetch(spec.organizationId, provider, metrics), { stop });
  const opts = { adminKey: spec.adminKey, baseUrl: spec.baseUrl, fetch, maxRetries, signal: stop };
  const connector = createConnector(spec.vendor, opts);
  return { id: spec.id, organizationId: spec.organizationId, vendor: spec.vendor, provider, source: spec.source, connector };
}

/** What may be shown of a secret: its last four characters. */
export const credentialHint = (secret: string) => `…${secret.slice(-4)}`;
