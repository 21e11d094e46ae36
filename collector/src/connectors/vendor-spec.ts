import type { CredentialField, Vendor } from '@ai-arm/schemas';
import type { Config } from '../config/env';
import type { ConnectorOptions } from './feed';
import type { Connector } from './types';

/** The thresholds of the documented health rules (poller/health-rules.ts applies them). */
export interface HealthRules {
  /** Consecutive failed checks that make an agent DOWN. */
  failuresForDown: number;
  /** Average vendor latency over the last hour above which an agent is DEGRADED. */
  degradedLatencyMs: number;
  /** Share of failed checks over the last hour above which an agent is DEGRADED. */
  degradedErrorRate: number;
}

/**
 * Everything the collector knows about one vendor, declared once in the vendor's folder
 * (connectors/<vendor>/vendor.ts) and listed in connectors/registry.ts. Code outside
 * connectors/ asks the registry instead of naming a vendor.
 */
export interface VendorSpec<V extends Vendor = Vendor> {
  vendor: V;
  /** The vendor's name as people read it: the connections API's list, a configured connection's name. */
  displayName: string;
  /** What a connection to the vendor needs; `adminKey` is the secret, `baseUrl` the optional override. */
  fields: CredentialField[];
  /** Where the vendor's API answers when a connection names no baseUrl. */
  defaultBaseUrl: string;
  /**
   * The key of Config.vendorKeys and Config.vendorBaseUrls holding the admin key and base URL
   * the environment configures (config/env.ts names the variables; it knows no registry).
   */
  configKey: keyof Config['vendorKeys'] & keyof Config['vendorBaseUrls'];
  /** Where the vendor simulator serves this vendor's API, and which of its admin keys opens it. */
  simulator: {
    /** The base path under the simulator's URL: `/openai/v1`. */
    mount: string;
    /** The simulator's `keys.<name>` (SimulatorOptions.keys) for this vendor's admin key. */
    adminKey: string;
  };
  /** The vendor's key under `vendors:` in schemas/prices/list-prices.yaml. */
  priceTableKey: string;
  /** Thresholds this vendor's agents are judged by instead of the configured ones; absent, none differ. */
  healthRules?: Partial<HealthRules>;
  /** How the vendor's prompt cache works, for the prompt-caching optimisation. */
  promptCaching: {
    /** The vendor bills cache writes (at a premium over input), so caching pays only with reads. */
    billsWrites: boolean;
    /** What to change to have prompts cached, in the recommendation's words. */
    advice: string;
  };
  /** The connector on the vendor's official SDK (registry.createConnector adds what every connector shares). */
  create(opts: ConnectorOptions): Connector;
}

/** Keeps the vendor's literal (`'OPENAI'`), so the registry's list yields the ConnectorVendor union. */
export const defineVendor = <const V extends Vendor>(spec: VendorSpec<V>): VendorSpec<V> => spec;
