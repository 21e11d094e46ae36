import { VENDOR_REGISTRY, type ConnectorVendor } from '../connectors/registry';
import type { CredentialField } from '@ai-arm/schemas';

/** A vendor as the connections API lists it. */
export interface SupportedVendor {
  vendor: ConnectorVendor;
  name: string;
  fields: CredentialField[];
  defaultBaseUrl: string;
}

const listed = (spec: (typeof VENDOR_REGISTRY)[number]): SupportedVendor => ({ vendor: spec.vendor, name: spec.displayName, defaultBaseUrl: spec.defaultBaseUrl, fields: spec.fields });

/**
 * The vendors this build has connectors for (connectors/registry.ts), and what a connection
 * to each needs. Clients (the Grafana config page) build their forms from this, so they never
 * offer a vendor that does not work.
 */
export const SUPPORTED_VENDORS: SupportedVendor[] = VENDOR_REGISTRY.map(listed);

export const supportedVendor = (vendor: string): SupportedVendor | undefined => SUPPORTED_VENDORS.find((v) => v.vendor === vendor);
