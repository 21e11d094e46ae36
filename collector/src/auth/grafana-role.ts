import type { KeyRole } from '@ai-arm/schemas';

/**
 * Every call the Grafana app makes (grafana-plugin/src/plugin.json routes, which its pages use),
 * as `METHOD route`. A `grafana` key reaches these and nothing else: not users, keys, the
 * organisation, prices or the audit trail, whatever a Grafana user manages to send through the
 * proxy. Which Grafana user may make which of these calls is Grafana's to decide (each route's
 * reqRole); the collector only bounds what the key can ever do.
 */
export const GRAFANA_CALLS: ReadonlySet<string> = new Set([
  'GET /api/auth/me',
  'GET /api/v1/agents',
  'GET /api/v1/agents/:id',
  'GET /api/v1/agents/:id/health',
  'POST /api/v1/agents/:id/pause',
  'POST /api/v1/agents/:id/resume',
  'POST /api/v1/agents/:id/health-check',
  'GET /api/v1/costs/summary',
  'GET /api/v1/costs/breakdown',
  'GET /api/v1/costs/usage',
  'GET /api/v1/costs/reconciliation',
  'GET /api/v1/costs/forecast',
  'GET /api/v1/costs/optimizations',
  'GET /api/v1/costs/budget',
  'POST /api/v1/costs/budget',
  'DELETE /api/v1/costs/budget/:id',
  'GET /api/v1/connections',
  'GET /api/v1/connections/vendors',
  'POST /api/v1/connections',
  'POST /api/v1/connections/:id/test',
  'PATCH /api/v1/connections/:id',
  'DELETE /api/v1/connections/:id',
]);

/** Whether a key of `role` may call the route `url` (as the router declared it) with `method`. */
export function keyRoleAllows(role: KeyRole, method: string, url: string): boolean {
  return role !== 'grafana' || GRAFANA_CALLS.has(`${method.toUpperCase()} ${url}`);
}
