import type { IngestInteraction } from '@ai-arm/schemas';
import type { InteractionInput } from './interaction';

/** An ingest API item as the pipeline takes it (the same shape OTLP spans are mapped to). */
export function fromIngest(i: IngestInteraction): InteractionInput {
  return {
    id: i.id,
    source: 'api',
    agent: { id: i.agent, ...(i.agentName ? { name: i.agentName } : {}) },
    provider: i.vendor,
    operation: i.operation ?? 'chat',
    requestModel: i.model,
    ...(i.responseModel ? { responseModel: i.responseModel } : {}),
    startedAtMs: Date.parse(i.startedAt),
    durationMs: i.latencyMs,
    ...(i.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: i.timeToFirstTokenMs } : {}),
    tokens: { input: i.tokens.input, output: i.tokens.output, cacheRead: i.tokens.cacheRead ?? 0, cacheWrite: i.tokens.cacheWrite ?? 0 },
    status: i.status,
    ...(i.errorType ? { errorType: i.errorType } : {}),
    ...(i.conversationId ? { conversationId: i.conversationId } : {}),
    ...(i.userId ? { userId: i.userId } : {}),
    ...(i.systemInstructions !== undefined ? { systemInstructions: i.systemInstructions } : {}),
    ...(i.toolNames ? { toolNames: i.toolNames } : {}),
    ...(i.content ? { content: i.content } : {}),
  };
}
