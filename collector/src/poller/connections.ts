import type { Vendor } from '@ai-arm/schemas';
import type { Config } from '../config/env';
import { AnthropicConnector } from '../connectors/anthropic/connector';
import { instrumentedFetch } from '../connectors/instrumented-fetch';
import { OpenAIConnector } from '../connectors/openai/connector';
import { rateGate } from '../connectors/rate-gate';
import type { Connector } from '../connectors/types';
import { vendorToProvider, type GenAiProviderName, type Instruments } from '../metrics/instruments.generated';
import type { SqlExecutor } from '../stores/postgres/types';

export interface RuntimeConnection {
  id: string;
  organizationId: string;
  vendor: Vendor;
  provider: GenAiProviderName;
  source: 'env' | 'demo';
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

/**
 * Records one connection row per configured vendor (its secret stays in the environment)
 * and builds its connector on the official SDK with an instrumented fetch.
 */
export async function openConnections(
  db: SqlExecutor,
  organizationId: string,
  source: 'env' | 'demo',
  endpoints: VendorEndpoint[],
  metrics: Instruments,
  maxRetries: number,
): Promise<RuntimeConnection[]> {
  const out: RuntimeConnection[] = [];
  for (const ep of endpoints) {
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO connections (organization_id, vendor, name, credential_hint, base_url, status, source)
       VALUES ($1, $2, $3, $4, $5, 'CONNECTED', $6)
       ON CONFLICT (organization_id, source, vendor) WHERE source <> 'api'
       DO UPDATE SET credential_hint = EXCLUDED.credential_hint, base_url = EXCLUDED.base_url, updated_at = now()
       RETURNING id`,
      [organizationId, ep.vendor, `${ep.vendor === 'OPENAI' ? 'OpenAI' : 'Anthropic'} (${source === 'demo' ? 'demo simulator' : 'environment'})`, `…${ep.adminKey.slice(-4)}`, ep.baseUrl, source],
    );
    const provider = vendorToProvider(ep.vendor);
    const fetch = rateGate(instrumentedFetch(provider, metrics));
    const opts = { adminKey: ep.adminKey, baseUrl: ep.baseUrl, fetch, maxRetries };
    const connector = ep.vendor === 'OPENAI' ? OpenAIConnector.create(opts) : AnthropicConnector.create(opts);
    out.push({ id: row!.id, organizationId, vendor: ep.vendor, provider, source, connector });
  }
  return out;
}
