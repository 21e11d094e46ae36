import { defineVendor } from '../vendor-spec';
import { AnthropicConnector } from './connector';

/** Anthropic: the Admin API (usage and cost reports, workspaces) and agents. */
export const anthropic = defineVendor({
  vendor: 'ANTHROPIC',
  displayName: 'Anthropic',
  defaultBaseUrl: 'https://api.anthropic.com',
  fields: [
    { name: 'adminKey', label: 'Admin API key', secret: true, required: true, pattern: '^sk-ant-admin[A-Za-z0-9_-]{16,}$', placeholder: 'sk-ant-admin01-...', help: 'An organisation admin key (console.anthropic.com, Settings > Admin keys): usage and cost reports, workspaces and agents are read with it.' },
    { name: 'baseUrl', label: 'API base URL', secret: false, required: false, placeholder: 'https://api.anthropic.com', help: 'Only for a proxy or gateway in front of Anthropic.' },
  ],
  configKey: 'anthropic',
  simulator: { mount: '/anthropic', adminKey: 'anthropicAdmin' },
  priceTableKey: 'ANTHROPIC',
  promptCaching: { billsWrites: true, advice: 'Mark the system prompt and tools with cache_control so repeated prefixes are read from the cache.' },
  create: (opts) => AnthropicConnector.create(opts),
});
