import type { KeyRole } from '@ai-arm/schemas';

/**
 * Every call the Grafana app makes (grafana-plugin/src/plugin.json routes, which its pages use),
 * as `METHOD route`. A `grafana` key reaches these and nothing else: not users, keys, the
 * organisation or prices, whatever a Grafana user manages to send through the proxy. The audit
 * trail is reachable for reading and export only, because the Governance page shows it to Grafana
 * Admins (its plugin.json routes need the Admin role); verifying the chain stays with the
 * collector's own admins (API or CLI), and the compliance report carries its verification.
 * Which Grafana user may make which of these calls is Grafana's to decide (each route's reqRole);
 * the collector only bounds what the key can ever do.
 */
export const GRAFANA_CALLS: ReadonlySet<string> = new Set([
  'GET /api/auth/me',
  'GET /api/v1/agents',
  'GET /api/v1/agents/:id',
  'GET /api/v1/agents/:id/health',
  'GET /api/v1/agents/:id/versions',
  'GET /api/v1/agents/:id/interactions',
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
  // The Governance page: policies and violations for every Grafana role, reviews and sample tests
  // for Editors, policy changes, the audit trail and the compliance report for Admins.
  'GET /api/v1/governance/policies',
  'GET /api/v1/governance/policies/:id/versions',
  'GET /api/v1/governance/violations',
  'GET /api/v1/governance/violations/:id',
  'POST /api/v1/governance/violations/:id/review',
  'POST /api/v1/governance/evaluate',
  'GET /api/v1/governance/policy-templates',
  'POST /api/v1/governance/policies',
  'PATCH /api/v1/governance/policies/:id',
  'DELETE /api/v1/governance/policies/:id',
  'GET /api/v1/governance/audit',
  'GET /api/v1/governance/audit/export',
  'GET /api/v1/governance/report',
  // The Quality page: figures, feedback, drift events, grounding checks, alerts and settings for
  // every Grafana role; feedback, drift and grounding checks on demand and alert handling for
  // Editors; the quality settings for Admins.
  'GET /api/v1/quality/report',
  'GET /api/v1/quality/alerts',
  'GET /api/v1/quality/settings',
  'GET /api/v1/quality/:agentId/metrics',
  'GET /api/v1/quality/:agentId/feedback',
  'GET /api/v1/quality/:agentId/drift',
  'GET /api/v1/quality/:agentId/drift/:id',
  'GET /api/v1/quality/:agentId/grounding',
  'GET /api/v1/quality/:agentId/grounding/:id',
  'POST /api/v1/quality/:agentId/feedback',
  'POST /api/v1/quality/:agentId/drift/check',
  'POST /api/v1/quality/:agentId/evaluate',
  'POST /api/v1/quality/alerts/:id/acknowledge',
  'POST /api/v1/quality/alerts/:id/resolve',
  'PATCH /api/v1/quality/settings',
  'PATCH /api/v1/quality/:agentId/settings',
  // The Context page: search, an agent's items and preferences for every Grafana role; adding,
  // editing and deleting items, export, import and transfer for Editors; writing preferences into
  // a vendor agent's instructions (and undoing it) for Admins. Not extraction or the context
  // settings, which the page does not offer.
  'GET /api/v1/context',
  'GET /api/v1/context/search',
  'GET /api/v1/preferences',
  'POST /api/v1/context',
  'PATCH /api/v1/context/:id',
  'DELETE /api/v1/context/:id',
  'GET /api/v1/context/export',
  'POST /api/v1/context/import',
  'POST /api/v1/context/transfer',
  'POST /api/v1/preferences/inject/:agentId',
  'POST /api/v1/preferences/inject/:agentId/undo',
]);

/**
 * What an `ingest` key reaches: sending telemetry, by OTLP/HTTP and the ingest API (the OTLP/gRPC
 * receiver checks the role itself). It reads nothing, so a key that leaks from an application's
 * environment shows no one's data.
 */
export const INGEST_CALLS: ReadonlySet<string> = new Set(['POST /v1/traces', 'POST /v1/logs', 'POST /api/v1/ingest/interactions']);

const LIMITED: Partial<Record<KeyRole, { calls: ReadonlySet<string>; what: string }>> = {
  grafana: { calls: GRAFANA_CALLS, what: 'what the Grafana app calls' },
  ingest: { calls: INGEST_CALLS, what: 'the telemetry receivers (POST /v1/traces, /v1/logs, /api/v1/ingest/interactions)' },
};

/** Whether a key of `role` may call the route `url` (as the router declared it) with `method`. */
export function keyRoleAllows(role: KeyRole, method: string, url: string): boolean {
  const limited = LIMITED[role];
  return !limited || limited.calls.has(`${method.toUpperCase()} ${url}`);
}

/** What a limited key role reaches, in words, for the error that refuses the rest. */
export const keyRoleReach = (role: KeyRole): string => LIMITED[role]?.what ?? 'every route its rank allows';
