import { AgentStore } from '../agents/store';
import type { CompiledPolicy } from '../governance/engine/compile';
import type { PolicySubject } from '../governance/engine/subject';
import type { Governor, Verdict } from '../governance/governor';
import type { SqlExecutor } from '../stores/postgres/types';
import { contentText } from './content-text';
import type { InteractionInput } from './interaction';

const ATTO_PER_USD = 1e18;

/**
 * The governance step of the push path for one organisation's batch: builds each accepted
 * interaction's PolicySubject (its texts, its agent's vendor and type, cost and tokens) and has
 * the Governor judge it. Agents' vendor and type are read once per agent and kept.
 */
export class InteractionJudge {
  private readonly agentFacts = new Map<string, { id: string; vendor: string; type: string }>();
  private readonly agents: AgentStore;

  constructor(
    readonly governor: Governor,
    controlPlane: SqlExecutor,
  ) {
    this.agents = new AgentStore(controlPlane);
  }

  async judge(organizationId: string, policies: readonly CompiledPolicy[], item: InteractionInput, agentId: string, cost: bigint | null, capture: boolean): Promise<Verdict> {
    const agent = this.agentFacts.get(agentId) ?? (await this.factsOf(organizationId, agentId));
    const system = item.content?.system ?? item.systemInstructions;
    const input = item.content?.input !== undefined ? contentText(item.content.input) : undefined;
    // A prompt or answer the request did not carry is missing, not empty: a condition on a field
    // the interaction lacks does not hold, negated or not (NOT CONTAINS "sorry" on no answer at all).
    const subject: PolicySubject = {
      requestContent: system ? (input ? `${system}\n${input}` : system) : input,
      responseContent: item.content?.output !== undefined ? contentText(item.content.output) : undefined,
      agent,
      model: item.requestModel,
      costUsd: cost === null ? null : Number(cost) / ATTO_PER_USD,
      tokensTotal: item.tokens.input + item.tokens.output + item.tokens.cacheRead + item.tokens.cacheWrite,
      ...(item.attributes ? { metadata: item.attributes } : {}),
    };
    return this.governor.judge(organizationId, policies, subject, { agentId, interactionId: item.id, source: 'push', occurredAtMs: item.startedAtMs, capture });
  }

  /** An agent was removed (or re-registered): its facts are read again. */
  forget(agentId: string): void {
    this.agentFacts.delete(agentId);
  }

  private async factsOf(organizationId: string, agentId: string): Promise<{ id: string; vendor: string; type: string }> {
    const a = await this.agents.get(organizationId, agentId);
    const facts = { id: agentId, vendor: a?.vendor ?? 'CUSTOM', type: a?.type ?? 'CUSTOM' };
    this.agentFacts.set(agentId, facts);
    return facts;
  }
}
