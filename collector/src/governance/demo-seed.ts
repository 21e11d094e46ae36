import type { PolicyInput } from '@ai-arm/schemas';
import type { AuditedRequest } from '../audit/context';
import { systemPrincipal } from '../auth/principal';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { PolicyStore } from './policies/store';

/**
 * Demo mode's policies: what an organisation sets up itself, so that a newcomer sees governance
 * working on the demo agents' traffic (one user message in forty pastes a card number: the
 * first policy blocks it, and AiArmPolicyBlocked fires).
 */
export const DEMO_POLICIES: readonly PolicyInput[] = [
  {
    name: 'PII in prompts',
    description: 'Demo: personal data (card numbers, e-mail addresses, phone numbers, SSNs, IBANs) sent to a model is blocked',
    enforcement: 'BLOCK',
    severity: 'CRITICAL',
    conditions: [{ field: 'request.content', operator: 'DETECTS', value: 'pii' }],
  },
  {
    name: 'Long prompts on premium models',
    description: 'Demo: over 20,000 tokens on a premium model is worth a look',
    enforcement: 'AUDIT',
    severity: 'INFO',
    conditions: [
      { field: 'tokens.total', operator: 'GT', value: 20_000 },
      { field: 'model', operator: 'IN', value: ['gpt-4.1', 'claude-opus-4-1', 'o1-pro'] },
    ],
  },
];

/** Seeds the demo policies into an organisation that has none; returns how many it created. */
export async function seedDemoPolicies(controlPlane: ControlPlaneDb, organizationId: string): Promise<number> {
  const store = new PolicyStore(controlPlane);
  if ((await store.list(organizationId)).length > 0) return 0;
  const request: AuditedRequest = { principal: systemPrincipal(organizationId), organizationId, headers: {}, id: 'demo' };
  for (const p of DEMO_POLICIES) await store.create(request, p);
  return DEMO_POLICIES.length;
}
