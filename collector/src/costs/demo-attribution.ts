import type { Simulator } from '../simulator/server';
import type { ControlPlaneDb } from '../stores/postgres/types';
import type { CostService } from './service';

/**
 * Demo mode only: the simulator knows which API key each of its agents calls with, so the
 * demo organisation gets one attribution rule per agent and per-agent cost shows at once.
 * A real organisation writes these rules itself (PUT /api/v1/costs/attribution). Rules an
 * organisation already has are left alone.
 */
export async function seedDemoAttribution(costs: CostService, controlPlane: ControlPlaneDb, organizationId: string, simulator: Simulator): Promise<number> {
  if ((await costs.attribution.list(organizationId)).length > 0) return 0;
  const agents = await controlPlane.query<{ id: string; vendor: 'OPENAI' | 'ANTHROPIC'; vendor_agent_id: string }>('SELECT id, vendor, vendor_agent_id FROM agents WHERE organization_id = $1', [organizationId]);
  const keyOf = new Map(simulator.state.world.agents.map((a) => [a.id, a.apiKeyId]));
  const rules = agents.filter((a) => keyOf.has(a.vendor_agent_id)).map((a) => ({ vendor: a.vendor, matchKind: 'api_key' as const, matchValue: keyOf.get(a.vendor_agent_id)!, agentId: a.id }));
  if (rules.length > 0) await costs.attribution.replace(organizationId, rules);
  return rules.length;
}
