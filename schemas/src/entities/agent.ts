import { Type, type Static } from '@sinclair/typebox';
import { Id, Metadata, Nullable, Ratio, Timestamp } from '../common';
import { AgentStatus, AgentType, HealthStatus, Vendor } from '../enums';

export const AgentTool = Type.Object(
  { type: Type.String(), name: Type.Optional(Type.String()), description: Type.Optional(Type.String()) },
  { $id: 'AgentTool', title: 'AgentTool' },
);
export type AgentTool = Static<typeof AgentTool>;

export const AgentConfig = Type.Object(
  {
    model: Type.String({ minLength: 1, description: 'Model id as the vendor names it' }),
    systemPrompt: Type.Optional(Type.String()),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
    maxTokens: Type.Optional(Type.Integer({ minimum: 1 })),
    tools: Type.Optional(Type.Array(AgentTool)),
    customConfig: Type.Optional(Metadata),
  },
  { $id: 'AgentConfig', title: 'AgentConfig', description: 'Vendor-specific configuration, normalised' },
);
export type AgentConfig = Static<typeof AgentConfig>;

export const Agent = Type.Object(
  {
    id: Id,
    organizationId: Id,
    connectionId: Nullable(Id),
    name: Type.String({ minLength: 1, maxLength: 255 }),
    vendor: Vendor,
    vendorAgentId: Type.String({ minLength: 1, maxLength: 255, description: 'Id in the vendor system (asst_..., agent_...)' }),
    type: AgentType,
    status: AgentStatus,
    health: HealthStatus,
    config: AgentConfig,
    metadata: Metadata,
    healthScore: Type.Integer({ minimum: 0, maximum: 100 }),
    lastHealthCheck: Nullable(Timestamp),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Agent', title: 'Agent', description: 'One AI agent, wherever it runs' },
);
export type Agent = Static<typeof Agent>;

export const AgentHealthCheck = Type.Object(
  {
    id: Id,
    organizationId: Id,
    agentId: Id,
    timestamp: Timestamp,
    status: HealthStatus,
    latencyMs: Type.Number({ minimum: 0 }),
    errorRate: Ratio,
    details: Type.Object(
      {
        probe: Type.Optional(Type.String({ description: 'What was called, e.g. "anthropic messages"' })),
        httpStatus: Type.Optional(Type.Integer()),
        error: Type.Optional(Type.String()),
      },
      { additionalProperties: true },
    ),
  },
  { $id: 'AgentHealthCheck', title: 'AgentHealthCheck', description: 'One health probe of one agent' },
);
export type AgentHealthCheck = Static<typeof AgentHealthCheck>;
