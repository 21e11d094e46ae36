import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;
/** Every collector call goes through the plugin.json routes under this prefix. */
export const COLLECTOR_PROXY = `/api/plugin-proxy/${PLUGIN_ID}/collector`;

export const ROUTES = {
  Agents: 'agents',
  Costs: 'costs',
} as const;

export const VENDORS = ['OPENAI', 'ANTHROPIC', 'GOOGLE', 'AZURE', 'CUSTOM'] as const;
export const AGENT_STATUSES = ['ACTIVE', 'PAUSED', 'ERROR', 'UNKNOWN'] as const;
export const AGENT_TYPES = ['ASSISTANT', 'CHAT', 'COMPLETION', 'CUSTOM'] as const;

export const VENDOR_NAMES: Record<string, string> = {
  OPENAI: 'OpenAI',
  ANTHROPIC: 'Anthropic',
  GOOGLE: 'Google',
  AZURE: 'Azure',
  CUSTOM: 'In-house',
};
