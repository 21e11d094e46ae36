import type { Vendor } from '@ai-arm/schemas';

export interface CredentialField {
  name: string;
  label: string;
  secret: boolean;
  required: boolean;
  /** A regular expression the value must match, when the vendor's format is known. */
  pattern?: string;
  placeholder?: string;
  help: string;
}

export interface SupportedVendor {
  vendor: Vendor;
  name: string;
  fields: CredentialField[];
  defaultBaseUrl: string;
}

/**
 * The vendors this build has connectors for, and what a connection to each needs. Clients
 * (the Grafana config page) build their forms from this, so they never offer a vendor that
 * does not work.
 */
export const SUPPORTED_VENDORS: SupportedVendor[] = [
  {
    vendor: 'OPENAI',
    name: 'OpenAI',
    defaultBaseUrl: 'https://api.openai.com/v1',
    fields: [
      { name: 'adminKey', label: 'Admin API key', secret: true, required: true, pattern: '^sk-admin-[A-Za-z0-9_-]{16,}$', placeholder: 'sk-admin-...', help: 'An organisation admin key (platform.openai.com, Settings > Admin keys): usage, costs, projects and assistants are read with it.' },
      { name: 'baseUrl', label: 'API base URL', secret: false, required: false, placeholder: 'https://api.openai.com/v1', help: 'Only for a proxy or gateway in front of OpenAI.' },
    ],
  },
  {
    vendor: 'ANTHROPIC',
    name: 'Anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    fields: [
      { name: 'adminKey', label: 'Admin API key', secret: true, required: true, pattern: '^sk-ant-admin[A-Za-z0-9_-]{16,}$', placeholder: 'sk-ant-admin01-...', help: 'An organisation admin key (console.anthropic.com, Settings > Admin keys): usage and cost reports, workspaces and agents are read with it.' },
      { name: 'baseUrl', label: 'API base URL', secret: false, required: false, placeholder: 'https://api.anthropic.com', help: 'Only for a proxy or gateway in front of Anthropic.' },
    ],
  },
];

export const supportedVendor = (vendor: string) => SUPPORTED_VENDORS.find((v) => v.vendor === vendor);
