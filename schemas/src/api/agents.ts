/** Response shapes of the collector's agents routes: the collector serialises with them, the plugin is typed from them. */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from '../common';
import { Agent } from '../entities/agent';
import { HealthStatus, Vendor } from '../enums';
import { Inline } from './shared';

/**
 * An agent as the API shows it: the entity with what the collector knows besides. `config` is
 * an AgentConfig for a vendor's agent, and whatever its owner gave a custom one.
 */
export const AgentView = Inline(
  Type.Composite(
    [
      Type.Omit(Agent, ['config']),
      Type.Object({
        config: Type.Record(Type.String(), Type.Unknown(), { description: "An AgentConfig for a vendor's agent; free-form for a custom agent" }),
        lastError: Nullable(Type.String({ description: 'Why the last health check was not HEALTHY' })),
        activeProbe: Type.Boolean({ description: 'Whether a health check sends a one-token request (costs money)' }),
        vanishedAt: Nullable(Timestamp),
      }),
    ],
    { title: 'AgentView', description: 'One AI agent, with its last error and whether its vendor still lists it' },
  ),
);
export type AgentView = Static<typeof AgentView>;

export const AgentListMeta = Type.Object(
  {
    total: Type.Integer({ minimum: 0, description: 'Agents matching the filter (capped for a search)' }),
    totalCapped: Type.Boolean({ description: 'total is a lower bound: the search matched more than it counts' }),
    countsByVendor: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'Matching agents per vendor' }),
    limit: Type.Integer({ minimum: 1 }),
    nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last' })),
  },
  { title: 'AgentListMeta' },
);
export type AgentListMeta = Static<typeof AgentListMeta>;

export const InventoryChange = Type.Object(
  { discovered: Type.Integer({ minimum: 0 }), added: Type.Integer({ minimum: 0 }), changed: Type.Integer({ minimum: 0 }), vanished: Type.Integer({ minimum: 0 }) },
  { title: 'InventoryChange', description: "What an inventory sync found across the organisation's connections" },
);
export type InventoryChange = Static<typeof InventoryChange>;

export const HealthCheckPoint = Type.Object(
  {
    timestamp: Timestamp,
    status: HealthStatus,
    latencyMs: Type.Number({ minimum: 0 }),
    errorRate: Type.Number({ minimum: 0, maximum: 1 }),
    details: Type.Unknown({ description: 'What the check called and saw (probe, httpStatus, error, ...), as stored' }),
  },
  { title: 'HealthCheckPoint' },
);
export type HealthCheckPoint = Static<typeof HealthCheckPoint>;

export const AgentHealthHistory = Inline(
  Type.Object(
    {
      agent: Type.Pick(AgentView, ['id', 'status', 'health', 'healthScore', 'lastHealthCheck', 'lastError']),
      checks: Type.Array(HealthCheckPoint, { description: 'Newest first, at most 2000' }),
    },
    { title: 'AgentHealthHistory' },
  ),
);
export type AgentHealthHistory = Static<typeof AgentHealthHistory>;

export const HealthRangeMeta = Type.Object({ range: Type.String({ description: 'The range read, e.g. 24h' }) }, { title: 'HealthRangeMeta' });
export type HealthRangeMeta = Static<typeof HealthRangeMeta>;

export const HealthSummary = Inline(
  Type.Object(
    {
      byHealth: Type.Array(Type.Object({ vendor: Vendor, health: HealthStatus, agents: Type.Integer({ minimum: 0 }) })),
      averageHealthScore: Nullable(Type.Number({ description: 'Over agents not paused, one decimal; null without any' })),
      down: Type.Array(Type.Object({ id: Id, name: Type.String(), vendor: Vendor, lastError: Nullable(Type.String()), lastHealthCheck: Nullable(Timestamp) }), { description: 'Agents DOWN and not paused, by name, at most 100' }),
    },
    { title: 'HealthSummary' },
  ),
);
export type HealthSummary = Static<typeof HealthSummary>;
