import type { Vendor } from '@ai-arm/schemas';
import type { Config } from '../config/env';
import { baseUrlRefusal, type VendorHosts } from '../connections/vendor-hosts';
import { AnthropicConnector } from '../connectors/anthropic/connector';
import { instrumentedFetch } from '../connectors/instrumented-fetch';
import { OpenAIConnector } from '../connectors/openai/connector';
import { rateGate } from '../connectors/rate-gate';
import type { ConnectorOptions } from '../connectors/feed';
import type { Connector } from '../connectors/types';
import { redactUrlsIn } from '../logger';
import { vendorToProvider, type GenAiProviderName, type Instruments } from '../metrics/instruments.generated';
import type { SqlExecutor } from '../stores/postgres/types';
import { asTenant } from '../stores/tenant-scope';

export type ConnectionSource = 'env' | 'demo' | 'api';

export interface RuntimeConnection {
  id: string;
  organizationId: string;
  vendor: Vendor;
  provider: GenAiProviderName;
  source: ConnectionSource;
  connector: Connector;
}

export interface VendorEndpoint {
  vendor: 'OPENAI' | 'ANTHROPIC';
  adminKey: string;
  baseUrl: string;
}

/** The vendors the environment configures (OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY and their base URLs). */
export function endpointsFromConfig(config: Config): VendorEndpoint[] {
  const out: VendorEndpoint[] = [];
  if (config.vendorKeys.openai) out.push({ vendor: 'OPENAI', adminKey: config.vendorKeys.openai, baseUrl: config.vendorBaseUrls.openai });
  if (config.vendorKeys.anthropic) out.push({ vendor: 'ANTHROPIC', adminKey: config.vendorKeys.anthropic, baseUrl: config.vendorBaseUrls.anthropic });
  return out;
}

/** The vendor simulator's two APIs as connection endpoints (demo mode, tests, benchmarks). */
export function simulatorEndpoints(url: string, keys: { openaiAdmin: string; anthropicAdmin: string }): VendorEndpoint[] {
  return [
    { vendor: 'OPENAI', adminKey: keys.openaiAdmin, baseUrl: `${url}/openai/v1` },
    { vendor: 'ANTHROPIC', adminKey: keys.anthropicAdmin, baseUrl: `${url}/anthropic` },
  ];
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
        [organizationId, ep.vendor, `${ep.vendor === 'OPENAI' ? 'OpenAI' : 'Anthropic'} (${source === 'demo' ? 'demo simulator' : 'environment'})`, credentialHint(ep.adminKey), ep.baseUrl, source],
      ),
    );
    out.push(runtimeConnection({ id: row!.id, organizationId, source, ...ep }, metrics, maxRetries, stop));
  }
  return out;
}

/** The connector for a vendor on its official SDK. A failed call's error names its URL only with the secrets masked. */
export function createConnector(vendor: VendorEndpoint['vendor'], opts: ConnectorOptions): Connector {
  const o = { ...opts, fetch: scrubbingFetch(opts.fetch ?? ((input, init) => fetch(input, init))) };
  return vendor === 'OPENAI' ? OpenAIConnector.create(o) : AnthropicConnector.create(o);
}

/**
 * Masks the URLs in what a failed fetch throws (undici names the whole URL, a proxy's
 * user:password included), in place, so the SDKs' errors keep their kind and their cause.
 */
function scrubbingFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    try {
      return await inner(input, init);
    } catch (err) {
      for (let e = err as { message?: unknown; cause?: unknown } | undefined, i = 0; e && typeof e === 'object' && i < 5; e = e.cause as typeof e, i++) {
        if (typeof e.message === 'string') e.message = redactUrlsIn(e.message);
      }
      throw err;
    }
  };
}

/**
 * A connection that may not call its base URL (stored before ARM_VENDOR_HOSTS left its host
 * out, or with another scheme): every poll of it fails with why, and nothing is sent.
 */
function refusedConnector(vendor: VendorEndpoint['vendor'], why: string): Connector {
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
