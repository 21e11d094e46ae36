import type { Vendor } from '@ai-arm/schemas';
import type { Config } from '../config/env';
import { AnthropicConnector } from '../connectors/anthropic/connector';
import { instrumentedFetch } from '../connectors/instrumented-fetch';
import { OpenAIConnector } from '../connectors/openai/connector';
import { rateGate } from '../connectors/rate-gate';
import type { ConnectorOptions } from '../connectors/feed';
import type { Connector } from '../connectors/types';
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

/** The connector for a vendor on its official SDK. */
export function createConnector(vendor: VendorEndpoint['vendor'], opts: ConnectorOptions): Connector {
  return vendor === 'OPENAI' ? OpenAIConnector.create(opts) : AnthropicConnector.create(opts);
}

/** A connector on the official SDK, behind the rate gate and the instrumented fetch. */
/** `stop` is the collector's shutdown: it ends the connection's rate-limit waits, vendor calls and SDK retry waits. */
export function runtimeConnection(spec: VendorEndpoint & { id: string; organizationId: string; source: ConnectionSource }, metrics: Instruments, maxRetries: number, stop?: AbortSignal): RuntimeConnection {
  const provider = vendorToProvider(spec.vendor);
  const fetch = rateGate(instrumentedFetch(spec.organizationId, provider, metrics), { stop });
  const opts = { adminKey: spec.adminKey, baseUrl: spec.baseUrl, fetch, maxRetries, signal: stop };
  const connector = createConnector(spec.vendor, opts);
  return { id: spec.id, organizationId: spec.organizationId, vendor: spec.vendor, provider, source: spec.source, connector };
}

/** What may be shown of a secret: its last four characters. */
export const credentialHint = (secret: string) => `…${secret.slice(-4)}`;
