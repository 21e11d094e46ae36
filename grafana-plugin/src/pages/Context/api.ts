/** The collector's context vault routes, as the page calls them (each has its plugin.json route). */
const C = '/api/v1/context';

export const contextPaths = {
  items: C,
  item: (id: string) => `${C}/${id}`,
  search: `${C}/search`,
  export: `${C}/export`,
  import: `${C}/import`,
  transfer: `${C}/transfer`,
  preferences: '/api/v1/preferences',
  inject: (agentId: string) => `/api/v1/preferences/inject/${agentId}`,
  undo: (agentId: string) => `/api/v1/preferences/inject/${agentId}/undo`,
  agent: (id: string) => `/api/v1/agents/${id}`,
};
