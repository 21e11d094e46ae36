import { redactUrlsIn } from '../logger';
import { vendorToProvider } from '../metrics/instruments.generated';
import { anthropic } from './anthropic/vendor';
import type { ConnectorOptions } from './feed';
import { openai } from './openai/vendor';
import type { Connector } from './types';
import type { HealthRules, VendorSpec } from './vendor-spec';

/**
 * Every vendor this build has a connector for. Adding a vendor is its folder
 * (connectors/<vendor>/, declared in its vendor.ts) and one entry here; the rest of the
 * collector reads what it needs from these declarations.
 */
export const VENDOR_REGISTRY = [openai, anthropic] as const;

/** The vendors the registry holds: the ones a connection can be made to. */
export type ConnectorVendor = (typeof VENDOR_REGISTRY)[number]['vendor'];

export const CONNECTOR_VENDORS: readonly ConnectorVendor[] = VENDOR_REGISTRY.map((s) => s.vendor);

/** Where and with which key a connector reaches a vendor. */
export interface VendorEndpoint {
  vendor: ConnectorVendor;
  adminKey: string;
  baseUrl: string;
}

const byVendor = new Map<string, VendorSpec<ConnectorVendor>>(VENDOR_REGISTRY.map((s) => [s.vendor, s]));

export const isConnectorVendor = (vendor: string): vendor is ConnectorVendor => byVendor.has(vendor);

/** A vendor's declaration; for a vendor read from storage or a request, undefined when it has no connector. */
export function vendorSpec(vendor: ConnectorVendor): VendorSpec<ConnectorVendor>;
export function vendorSpec(vendor: string): VendorSpec<ConnectorVendor> | undefined;
export function vendorSpec(vendor: string): VendorSpec<ConnectorVendor> | undefined {
  return byVendor.get(vendor);
}

const byProvider = new Map<string, VendorSpec<ConnectorVendor>>(VENDOR_REGISTRY.map((s) => [vendorToProvider(s.vendor), s]));

/** The registered vendor of an OTel gen_ai.provider.name (`openai`, `anthropic`), as pushed telemetry names it; undefined for any other provider. */
export const vendorOfProvider = (provider: string): VendorSpec<ConnectorVendor> | undefined => byProvider.get(provider);

/** A vendor named by stored data (a connection row) as a registered one; one without a connector is a fault. */
export function asConnectorVendor(vendor: string): ConnectorVendor {
  if (!isConnectorVendor(vendor)) throw new Error(`no connector for vendor ${vendor}; this build has ${CONNECTOR_VENDORS.join(', ')}`);
  return vendor;
}

/** The configured health thresholds with the vendor's own in their place. */
export const healthRulesFor = (vendor: ConnectorVendor, configured: HealthRules): HealthRules => ({ ...configured, ...vendorSpec(vendor).healthRules });

/** The connector for a vendor on its official SDK. A failed call's error names its URL only with the secrets masked. */
export function createConnector(vendor: ConnectorVendor, opts: ConnectorOptions): Connector {
  return vendorSpec(vendor).create({ ...opts, fetch: scrubbingFetch(opts.fetch ?? ((input, init) => fetch(input, init))) });
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
