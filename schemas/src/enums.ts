import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';

/** The API's enumerations are uppercase; metric labels use the OTel values (see metrics/labels.ts). */
function Enum<const T extends readonly string[]>(name: string, values: T, description: string): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    { $id: name, title: name, description },
  ) as TUnion<TLiteral<T[number]>[]>;
}

export const VENDORS = ['OPENAI', 'ANTHROPIC', 'GOOGLE', 'AZURE', 'CUSTOM'] as const;
export const Vendor = Enum('Vendor', VENDORS, 'Where an agent runs');
export type Vendor = Static<typeof Vendor>;

export const AGENT_TYPES = ['ASSISTANT', 'CHAT', 'COMPLETION', 'CUSTOM'] as const;
export const AgentType = Enum('AgentType', AGENT_TYPES, 'What kind of agent it is');
export type AgentType = Static<typeof AgentType>;

export const AGENT_STATUSES = ['ACTIVE', 'PAUSED', 'ERROR', 'UNKNOWN'] as const;
export const AgentStatus = Enum('AgentStatus', AGENT_STATUSES, 'Lifecycle state of an agent');
export type AgentStatus = Static<typeof AgentStatus>;

export const HEALTH_STATUSES = ['HEALTHY', 'DEGRADED', 'DOWN', 'UNKNOWN'] as const;
export const HealthStatus = Enum('HealthStatus', HEALTH_STATUSES, 'Outcome of a health check');
export type HealthStatus = Static<typeof HealthStatus>;

export const SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export const Severity = Enum('Severity', SEVERITIES, 'How urgent an alert or violation is');
export type Severity = Static<typeof Severity>;

export const ENFORCEMENTS = ['AUDIT', 'WARN', 'BLOCK'] as const;
export const Enforcement = Enum('Enforcement', ENFORCEMENTS, 'What a policy does when a rule matches');
export type Enforcement = Static<typeof Enforcement>;

export const CONTEXT_TYPES = ['CONVERSATION', 'PREFERENCE', 'FACT', 'INSTRUCTION', 'INTENT'] as const;
export const ContextType = Enum('ContextType', CONTEXT_TYPES, 'Kind of captured context');
export type ContextType = Static<typeof ContextType>;

export const EXPORT_FORMATS = ['ARM_NATIVE', 'OPENAI', 'ANTHROPIC', 'JSON'] as const;
export const ExportFormat = Enum('ExportFormat', EXPORT_FORMATS, 'Target format of a context export');
export type ExportFormat = Static<typeof ExportFormat>;

export const ROLES = ['admin', 'member', 'viewer'] as const;
export const Role = Enum('Role', ROLES, 'viewer reads; member also acts on agents and alerts; admin manages connections, keys, users, policies');
export type Role = Static<typeof Role>;

/** A key's role: a person's roles, or `grafana`, which reaches only what the Grafana app calls. */
export const KEY_ROLES = [...ROLES, 'grafana', 'ingest'] as const;
export const KeyRole = Enum(
  'KeyRole',
  KEY_ROLES,
  "An API key's role: viewer, member or admin as for users; grafana is for the Grafana app's proxy and reaches only the calls its pages make (reading agents and costs, pausing agents, budgets, vendor connections), never users, keys, the organisation or the audit trail; ingest may only send telemetry (OTLP and the ingest API), for the applications and OpenTelemetry Collectors that push it",
);
export type KeyRole = Static<typeof KeyRole>;

export const CONNECTION_STATUSES = ['PENDING', 'CONNECTED', 'ERROR', 'DISABLED'] as const;
export const ConnectionStatus = Enum('ConnectionStatus', CONNECTION_STATUSES, 'State of a vendor connection');
export type ConnectionStatus = Static<typeof ConnectionStatus>;

export const ALERT_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export const AlertStatus = Enum('AlertStatus', ALERT_STATUSES, 'Where an alert is in its life');
export type AlertStatus = Static<typeof AlertStatus>;

/** Every enumeration by its schema name, for code that is told an enum by name (the metric catalogue). */
export const ENUM_VALUES: Readonly<Record<string, readonly string[]>> = {
  Vendor: VENDORS,
  AgentType: AGENT_TYPES,
  AgentStatus: AGENT_STATUSES,
  HealthStatus: HEALTH_STATUSES,
  Severity: SEVERITIES,
  Enforcement: ENFORCEMENTS,
  ContextType: CONTEXT_TYPES,
  ExportFormat: EXPORT_FORMATS,
  Role: ROLES,
  KeyRole: KEY_ROLES,
  ConnectionStatus: CONNECTION_STATUSES,
  AlertStatus: ALERT_STATUSES,
};
