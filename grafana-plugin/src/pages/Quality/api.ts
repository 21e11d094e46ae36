/** The collector's quality routes, as the page calls them (each has its plugin.json route). */
const Q = '/api/v1/quality';

export const qualityPaths = {
  report: `${Q}/report`,
  alerts: `${Q}/alerts`,
  alert: (id: string, action: 'acknowledge' | 'resolve') => `${Q}/alerts/${id}/${action}`,
  settings: `${Q}/settings`,
  agentSettings: (agentId: string) => `${Q}/${agentId}/settings`,
  metrics: (agentId: string) => `${Q}/${agentId}/metrics`,
  feedback: (agentId: string) => `${Q}/${agentId}/feedback`,
  drift: (agentId: string) => `${Q}/${agentId}/drift`,
  driftEvent: (agentId: string, id: string) => `${Q}/${agentId}/drift/${id}`,
  driftCheck: (agentId: string) => `${Q}/${agentId}/drift/check`,
  evaluate: (agentId: string) => `${Q}/${agentId}/evaluate`,
  grounding: (agentId: string) => `${Q}/${agentId}/grounding`,
  groundingCheck: (agentId: string, id: string) => `${Q}/${agentId}/grounding/${id}`,
};
