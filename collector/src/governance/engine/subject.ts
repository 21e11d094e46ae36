/**
 * What a policy looks at: the fields of one interaction and its agent, as the conditions name
 * them (request.content, agent.vendor, cost.usd, metadata.<key>, ...). The pipeline builds one
 * per pushed interaction, POST /api/v1/governance/evaluate one per call.
 */
export interface PolicySubject {
  /** The prompt as text: every text part of the input messages and the system instructions, joined by newlines. */
  requestContent?: string;
  /** The answer as text: every text part of the output messages. */
  responseContent?: string;
  /** vendor is the agent's (OPENAI, ANTHROPIC, ..., CUSTOM), type its AgentType. */
  agent?: { id: string; vendor: string; type: string };
  model?: string;
  /** null: the model is not in the organisation's price book (a cost condition does not hold). */
  costUsd?: number | null;
  tokensTotal?: number;
  metadata?: Readonly<Record<string, string>>;
}
