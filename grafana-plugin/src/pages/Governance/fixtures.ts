/**
 * Test set-up for the Governance page's tests, through the collector's own API with the admin key
 * (not through the page): a policy of the test's own, and violations of it from pushed requests.
 */
import type { IngestResult, Policy, PolicyInput, PolicyViolation } from '@ai-arm/schemas';
import { collectorApi } from '../../test-support/grafana';

export const run = Date.now().toString(36);
export const CARD = '4111 1111 1111 1111';

/** A BLOCK policy on card numbers in prompts, made once per test file (names are unique per organisation). */
export async function cardPolicy(name: string): Promise<Policy> {
  const existing = (await collectorApi<Policy[]>('GET', '/api/v1/governance/policies')).find((p) => p.name === name);
  if (existing) {
    return existing;
  }
  const input: PolicyInput = {
    name,
    description: 'Card numbers sent to a model',
    enforcement: 'BLOCK',
    severity: 'CRITICAL',
    conditions: [{ field: 'request.content', operator: 'DETECTS', value: 'pii.card' }],
  };
  return collectorApi<Policy>('POST', '/api/v1/governance/policies', input);
}

/**
 * Pushes one request whose prompt holds a card number (ingest API) and resolves to the violation
 * `policy` recorded for it, once the collector lists it.
 */
export async function violationOf(policy: Policy, agent: string, id: string): Promise<PolicyViolation> {
  const pushed = await collectorApi<IngestResult>('POST', '/api/v1/ingest/interactions', {
    interactions: [
      {
        id,
        agent,
        vendor: 'openai',
        model: 'gpt-4o-mini',
        startedAt: new Date().toISOString(),
        latencyMs: 420,
        tokens: { input: 40, output: 12 },
        status: 'ok',
        content: { input: `Please charge my card ${CARD} for the order.` },
      },
    ],
  });
  if (pushed.accepted !== 1) {
    throw new Error(`the ingest API refused the request: ${JSON.stringify(pushed.rejected)}`);
  }
  const deadline = Date.now() + 15_000;
  for (;;) {
    const list = await collectorApi<PolicyViolation[]>(
      'GET',
      `/api/v1/governance/violations?policyId=${policy.id}&limit=500`
    );
    const found = list.find((v) => v.interactionId === id);
    if (found) {
      return found;
    }
    if (Date.now() > deadline) {
      throw new Error(`no violation of ${policy.name} for the pushed request ${id} (the push path's governance step)`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
