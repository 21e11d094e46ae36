import { defineVendor } from '../vendor-spec';
import { OpenAIConnector } from './connector';

/** OpenAI: the Admin API (usage, costs, projects) and assistants as agents. */
export const openai = defineVendor({
  vendor: 'OPENAI',
  displayName: 'OpenAI',
  defaultBaseUrl: 'https://api.openai.com/v1',
  fields: [
    { name: 'adminKey', label: 'Admin API key', secret: true, required: true, pattern: '^sk-admin-[A-Za-z0-9_-]{16,}$', placeholder: 'sk-admin-...', help: 'An organisation admin key (platform.openai.com, Settings > Admin keys): usage, costs, projects and assistants are read with it.' },
    { name: 'baseUrl', label: 'API base URL', secret: false, required: false, placeholder: 'https://api.openai.com/v1', help: 'Only for a proxy or gateway in front of OpenAI.' },
  ],
  configKey: 'openai',
  simulator: { mount: '/openai/v1', adminKey: 'openaiAdmin' },
  priceTableKey: 'OPENAI',
  promptCaching: { billsWrites: false, advice: 'Put the stable part of the prompt first so OpenAI caches it automatically (prompts over 1024 tokens).' },
  create: (opts) => OpenAIConnector.create(opts),
});
