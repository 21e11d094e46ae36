// GENERATED from schemas/metrics/catalogue.yaml by `npm run generate`. Do not edit.

import type { MetricSink } from './sink';

/** The vendor serving the model (OTel GenAI provider names). */
export type GenAiProviderName = 'openai' | 'anthropic' | 'gcp.vertex_ai' | 'azure.ai.openai' | 'custom' | 'aws.bedrock' | 'azure.ai.inference' | 'cohere' | 'deepseek' | 'gcp.gemini' | 'gcp.gen_ai' | 'groq' | 'ibm.watsonx.ai' | 'mistral_ai' | 'perplexity' | 'x_ai';
/** The GenAI operation. */
export type GenAiOperationName = 'chat' | 'text_completion' | 'embeddings' | 'invoke_agent' | 'execute_tool' | 'generate_content' | 'create_agent';
/** Which tokens. `input` and `output` are the semconv values; AI-ARM adds `cache_read` and `cache_write` so that every token is counted once: `input` is uncached input only, and input + cache_read + cache_write is all input the vendor reported. */
export type GenAiTokenType = 'input' | 'output' | 'cache_read' | 'cache_write';
/** Class of failure. */
export type ErrorType = 'timeout' | 'network_error' | 'rate_limited' | 'overloaded' | 'auth_error' | 'client_error' | 'server_error' | '_OTHER';
/** Where a count came from: `vendor_report` (the vendor's usage report, polled hourly) or `push` (one request pushed as OTLP or through the ingest API). The same request can be in both, so never add the two: filter on one (`source="push"` for status, errors and latency). */
export type Source = 'vendor_report' | 'push';
/** How a pushed request ended (set on source="push" only; vendor reports carry no outcome). */
export type Status = 'ok' | 'error';
/** Outcome of the latest health check (the API's HealthStatus, lowercased). */
export type HealthStatus = 'healthy' | 'degraded' | 'down' | 'unknown';
/** Agent lifecycle state (the API's AgentStatus, lowercased). */
export type AgentStatus = 'active' | 'paused' | 'error' | 'unknown';
/** Which vendor admin API the collector called. */
export type Endpoint = 'agents' | 'models' | 'projects' | 'workspaces' | 'api_keys' | 'usage' | 'costs' | 'health_probe';
/** How one vendor API call ended. */
export type Outcome = 'ok' | 'rate_limited' | 'client_error' | 'server_error' | 'network_error' | 'timeout';
/** Whether the unit of work succeeded. */
export type Result = 'success' | 'failure';
/** Which store a write went to. */
export type Store = 'clickhouse' | 'postgres';
/** Kind of cost alert (the API's CostAlertType, lowercased). */
export type AlertType = 'threshold' | 'anomaly' | 'forecast';
/** Which side of the reconciliation: `computed` (usage priced by AI-ARM), `billed` (the vendor's cost report), `unpriced` (billed for lines the price book cannot price on their day: model, token type, tier or context window), `unattributed` (computed cost no attribution rule assigns to an agent), `unexplained` (billed minus computed minus unpriced: the part of the bill nothing accounts for; 0 when the books agree). */
export type CostKind = 'computed' | 'billed' | 'unpriced' | 'unattributed' | 'unexplained';
/** Severity of the policy that matched (the API's Severity, lowercased). */
export type Severity = 'info' | 'warning' | 'critical';
/** What the policy did (the API's Enforcement, lowercased) - audit records, warn warns, block blocks. */
export type Enforcement = 'audit' | 'warn' | 'block';
/** Kind of quality alert (the API's QualityAlertType, lowercased) - drift, an error rate over its threshold, grounding checks failing. */
export type QualityAlertType = 'drift' | 'error_rate' | 'grounding';
/** The figure that drifted (the API's DriftMetric). */
export type DriftMetric = 'latency' | 'error_rate' | 'refusal_rate' | 'tokens_per_request' | 'output_length' | 'answer_embedding';
/** Verdict of a grounding check (the API's GroundingVerdict, lowercased). */
export type GroundingVerdict = 'clean' | 'suspicious' | 'hallucination';

/** Allowed values of every enumerated label, for the sink's runtime guard. */
export const LABEL_VALUES: Readonly<Record<string, readonly string[]>> = {
  gen_ai_provider_name: ['openai', 'anthropic', 'gcp.vertex_ai', 'azure.ai.openai', 'custom', 'aws.bedrock', 'azure.ai.inference', 'cohere', 'deepseek', 'gcp.gemini', 'gcp.gen_ai', 'groq', 'ibm.watsonx.ai', 'mistral_ai', 'perplexity', 'x_ai'],
  gen_ai_operation_name: ['chat', 'text_completion', 'embeddings', 'invoke_agent', 'execute_tool', 'generate_content', 'create_agent'],
  gen_ai_token_type: ['input', 'output', 'cache_read', 'cache_write'],
  error_type: ['timeout', 'network_error', 'rate_limited', 'overloaded', 'auth_error', 'client_error', 'server_error', '_OTHER'],
  source: ['vendor_report', 'push'],
  status: ['ok', 'error'],
  health_status: ['healthy', 'degraded', 'down', 'unknown'],
  agent_status: ['active', 'paused', 'error', 'unknown'],
  endpoint: ['agents', 'models', 'projects', 'workspaces', 'api_keys', 'usage', 'costs', 'health_probe'],
  outcome: ['ok', 'rate_limited', 'client_error', 'server_error', 'network_error', 'timeout'],
  result: ['success', 'failure'],
  store: ['clickhouse', 'postgres'],
  alert_type: ['threshold', 'anomaly', 'forecast'],
  cost_kind: ['computed', 'billed', 'unpriced', 'unattributed', 'unexplained'],
  severity: ['info', 'warning', 'critical'],
  enforcement: ['audit', 'warn', 'block'],
  quality_alert_type: ['drift', 'error_rate', 'grounding'],
  drift_metric: ['latency', 'error_rate', 'refusal_rate', 'tokens_per_request', 'output_length', 'answer_embedding'],
  grounding_verdict: ['clean', 'suspicious', 'hallucination'],
};

export interface MetricDefinition {
  name: string;
  prometheus: string;
  instrument: 'counter' | 'gauge' | 'histogram';
  unit: string;
  description: string;
  labels: readonly string[];
  /** Labels without enumerated values: replaced by `_overflow` once the cap is reached. */
  boundedLabels: readonly string[];
  /** The organisation label, on per-tenant metrics: never folded; the cap counts each of its values apart. */
  tenantLabel?: string;
  buckets?: readonly number[];
  cardinalityLimit: number;
}

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  {
    name: 'gen_ai.client.token.usage',
    prometheus: 'gen_ai_client_token_usage',
    instrument: 'histogram',
    unit: '{token}',
    description: 'Tokens used per pushed GenAI request, by token type (input is uncached input); a type is recorded only when the request used some of it.',
    labels: ['organization_id', 'gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_token_type', 'gen_ai_request_model'],
    boundedLabels: ['gen_ai_request_model'],
    tenantLabel: 'organization_id',
    buckets: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
    cardinalityLimit: 2000,
  },
  {
    name: 'gen_ai.client.operation.duration',
    prometheus: 'gen_ai_client_operation_duration_seconds',
    instrument: 'histogram',
    unit: 's',
    description: 'Duration of GenAI operations, pushed requests and the collector\'s health probes alike.',
    labels: ['organization_id', 'gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'],
    boundedLabels: ['gen_ai_request_model'],
    tenantLabel: 'organization_id',
    buckets: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
    cardinalityLimit: 2000,
  },
  {
    name: 'gen_ai.client.operation.time_to_first_chunk',
    prometheus: 'gen_ai_client_operation_time_to_first_chunk_seconds',
    instrument: 'histogram',
    unit: 's',
    description: 'Time from issuing a pushed request to its first streamed chunk; streaming requests only, as the semconv says.',
    labels: ['organization_id', 'gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'],
    boundedLabels: ['gen_ai_request_model'],
    tenantLabel: 'organization_id',
    buckets: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
    cardinalityLimit: 2000,
  },
  {
    name: 'ai_arm.agent.request.duration',
    prometheus: 'ai_arm_agent_request_duration_seconds',
    instrument: 'histogram',
    unit: 's',
    description: 'Duration of each pushed request per agent, ok and failed alike, on coarse buckets; for p50/p95/p99 and latency objectives per agent in PromQL.',
    labels: ['organization_id', 'gen_ai_agent_id'],
    boundedLabels: ['gen_ai_agent_id'],
    tenantLabel: 'organization_id',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60],
    cardinalityLimit: 2000,
  },
  {
    name: 'ai_arm.tokens',
    prometheus: 'ai_arm_tokens_total',
    instrument: 'counter',
    unit: '{token}',
    description: 'Tokens consumed, each counted once under its type; advances only for buckets newer than a connection\'s start watermark.',
    labels: ['organization_id', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_token_type', 'gen_ai_agent_id'],
    boundedLabels: ['gen_ai_request_model', 'gen_ai_agent_id'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 5000,
  },
  {
    name: 'ai_arm.cost.usd',
    prometheus: 'ai_arm_cost_usd_total',
    instrument: 'counter',
    unit: '{USD}',
    description: 'Priced cost in US dollars of the usage counted in ai_arm_tokens_total (no OTel convention exists for cost).',
    labels: ['organization_id', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_agent_id'],
    boundedLabels: ['gen_ai_request_model', 'gen_ai_agent_id'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 5000,
  },
  {
    name: 'ai_arm.tokens.unpriced',
    prometheus: 'ai_arm_tokens_unpriced_total',
    instrument: 'counter',
    unit: '{token}',
    description: 'Tokens the price table could not price (a model it lacks, or a token type without a rate); never priced at zero silently. `source="vendor_report"`: tokens counted in ai_arm_tokens_total; `source="push"`: tokens of pushed requests (gen_ai_client_token_usage), whose tracked cost is then null.',
    labels: ['organization_id', 'gen_ai_provider_name', 'gen_ai_request_model', 'source'],
    boundedLabels: ['gen_ai_request_model'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 500,
  },
  {
    name: 'ai_arm.cost.month_to_date',
    prometheus: 'ai_arm_cost_month_to_date',
    instrument: 'gauge',
    unit: '{USD}',
    description: 'This calendar month\'s spend in US dollars per provider, computed and billed side by side with the unpriced, unattributed and unexplained parts; refreshed after every poll.',
    labels: ['organization_id', 'gen_ai_provider_name', 'cost_kind'],
    boundedLabels: [],
    tenantLabel: 'organization_id',
    cardinalityLimit: 100,
  },
  {
    name: 'ai_arm.budget.spent_ratio',
    prometheus: 'ai_arm_budget_spent_ratio',
    instrument: 'gauge',
    unit: '1',
    description: 'Spend in the budget\'s current period divided by its amount (1 = the budget is used up); refreshed after every poll.',
    labels: ['organization_id', 'budget'],
    boundedLabels: ['budget'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 1000,
  },
  {
    name: 'ai_arm.budget.period',
    prometheus: 'ai_arm_budget_period_seconds',
    instrument: 'gauge',
    unit: 's',
    description: 'Length in seconds of the budget\'s current period, so PromQL can turn the change of its spent ratio over a window into a burn rate (1 = on pace to use exactly the budget).',
    labels: ['organization_id', 'budget'],
    boundedLabels: ['budget'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 1000,
  },
  {
    name: 'ai_arm.cost.alert.firing',
    prometheus: 'ai_arm_cost_alert_firing',
    instrument: 'gauge',
    unit: '{alert}',
    description: '1 while a cost alert\'s condition holds on the collector\'s data, else 0; what the provisioned alert rules route.',
    labels: ['organization_id', 'alert_name', 'alert_type'],
    boundedLabels: ['alert_name'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 1000,
  },
  {
    name: 'ai_arm.cost.tracked.usd',
    prometheus: 'ai_arm_cost_tracked_usd_total',
    instrument: 'counter',
    unit: '{USD}',
    description: 'Cost in US dollars of pushed requests, priced at ingest with the same price book (tracked cost); the vendor\'s bill, in ai_arm_cost_usd_total, stays the truth for spend, so never add the two.',
    labels: ['organization_id', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_agent_id'],
    boundedLabels: ['gen_ai_request_model', 'gen_ai_agent_id'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 5000,
  },
  {
    name: 'ai_arm.requests',
    prometheus: 'ai_arm_requests_total',
    instrument: 'counter',
    unit: '{request}',
    description: 'GenAI requests made by agents, by source (vendor_report or push; the same request can be in both, so filter on one) and, for pushed requests, status.',
    labels: ['organization_id', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_operation_name', 'gen_ai_agent_id', 'source', 'status'],
    boundedLabels: ['gen_ai_request_model', 'gen_ai_agent_id'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 5000,
  },
  {
    name: 'ai_arm.errors',
    prometheus: 'ai_arm_errors_total',
    instrument: 'counter',
    unit: '{error}',
    description: 'GenAI requests by agents that failed, by error class and source (push only today); each is also in ai_arm_requests_total{status="error"} of the same source.',
    labels: ['organization_id', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type', 'gen_ai_agent_id', 'source'],
    boundedLabels: ['gen_ai_request_model', 'gen_ai_agent_id'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 5000,
  },
  {
    name: 'ai_arm.policy.violations',
    prometheus: 'ai_arm_policy_violations_total',
    instrument: 'counter',
    unit: '{violation}',
    description: 'Pushed interactions (and recorded evaluations) a governance policy matched, by policy, severity and enforcement; enforcement="block" is what the PolicyBlocked alert pages on.',
    labels: ['organization_id', 'policy_id', 'severity', 'enforcement'],
    boundedLabels: ['policy_id'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 2000,
  },
  {
    name: 'ai_arm.policy.evaluation.duration',
    prometheus: 'ai_arm_policy_evaluation_duration_seconds',
    instrument: 'histogram',
    unit: 's',
    description: 'Time to evaluate an organisation\'s enabled policies on one interaction (pushed, or POST /api/v1/governance/evaluate).',
    labels: ['organization_id'],
    boundedLabels: [],
    tenantLabel: 'organization_id',
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    cardinalityLimit: 2000,
  },
  {
    name: 'ai_arm.agent.health',
    prometheus: 'ai_arm_agent_health',
    instrument: 'gauge',
    unit: '{state}',
    description: 'State set of each agent\'s latest health check; 1 on the current status, 0 on the others.',
    labels: ['organization_id', 'gen_ai_provider_name', 'gen_ai_agent_id', 'health_status'],
    boundedLabels: ['gen_ai_agent_id'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 40000,
  },
  {
    name: 'ai_arm.agents',
    prometheus: 'ai_arm_agents',
    instrument: 'gauge',
    unit: '{agent}',
    description: 'Agents in the inventory by provider and lifecycle status.',
    labels: ['organization_id', 'gen_ai_provider_name', 'agent_status'],
    boundedLabels: [],
    tenantLabel: 'organization_id',
    cardinalityLimit: 100,
  },
  {
    name: 'ai_arm.quality.alerts.open',
    prometheus: 'ai_arm_quality_alerts_open',
    instrument: 'gauge',
    unit: '{alert}',
    description: 'Quality alerts not yet resolved (open or acknowledged), by type; 0 for each type of an organisation that pushes telemetry. The Quality and drift page lists them by agent.',
    labels: ['organization_id', 'quality_alert_type'],
    boundedLabels: [],
    tenantLabel: 'organization_id',
    cardinalityLimit: 300,
  },
  {
    name: 'ai_arm.drift.events',
    prometheus: 'ai_arm_drift_events_total',
    instrument: 'counter',
    unit: '{event}',
    description: 'Drifts the quality monitor found, by agent and metric (each stored once, GET /api/v1/quality/:agentId/drift).',
    labels: ['organization_id', 'gen_ai_agent_id', 'drift_metric'],
    boundedLabels: ['gen_ai_agent_id'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 2000,
  },
  {
    name: 'ai_arm.grounding.checks',
    prometheus: 'ai_arm_grounding_checks_total',
    instrument: 'counter',
    unit: '{check}',
    description: 'Grounding checks run (asked for, or on sampled interactions with retrieved context), by agent and verdict.',
    labels: ['organization_id', 'gen_ai_agent_id', 'grounding_verdict'],
    boundedLabels: ['gen_ai_agent_id'],
    tenantLabel: 'organization_id',
    cardinalityLimit: 2000,
  },
  {
    name: 'ai_arm.collector.polls',
    prometheus: 'ai_arm_collector_polls_total',
    instrument: 'counter',
    unit: '{poll}',
    description: 'Poll runs of vendor connections, by result.',
    labels: ['organization_id', 'gen_ai_provider_name', 'result'],
    boundedLabels: [],
    tenantLabel: 'organization_id',
    cardinalityLimit: 100,
  },
  {
    name: 'ai_arm.collector.poll.lag',
    prometheus: 'ai_arm_collector_poll_lag_seconds',
    instrument: 'gauge',
    unit: 's',
    description: 'Seconds between now and the end of the newest complete usage bucket collected per provider.',
    labels: ['organization_id', 'gen_ai_provider_name'],
    boundedLabels: [],
    tenantLabel: 'organization_id',
    cardinalityLimit: 100,
  },
  {
    name: 'ai_arm.collector.vendor_api.requests',
    prometheus: 'ai_arm_collector_vendor_api_requests_total',
    instrument: 'counter',
    unit: '{request}',
    description: 'Calls the collector made to vendor admin APIs, by endpoint and outcome.',
    labels: ['organization_id', 'gen_ai_provider_name', 'endpoint', 'outcome'],
    boundedLabels: [],
    tenantLabel: 'organization_id',
    cardinalityLimit: 500,
  },
  {
    name: 'ai_arm.collector.vendor_api.duration',
    prometheus: 'ai_arm_collector_vendor_api_duration_seconds',
    instrument: 'histogram',
    unit: 's',
    description: 'Latency of the collector\'s calls to vendor admin APIs.',
    labels: ['organization_id', 'gen_ai_provider_name', 'endpoint'],
    boundedLabels: [],
    tenantLabel: 'organization_id',
    buckets: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
    cardinalityLimit: 500,
  },
  {
    name: 'ai_arm.collector.write.rows',
    prometheus: 'ai_arm_collector_write_rows_total',
    instrument: 'counter',
    unit: '{row}',
    description: 'Rows the collector wrote to ClickHouse (success), or that ClickHouse refused for their content or a full write buffer dropped (failure).',
    labels: ['store', 'table', 'result'],
    boundedLabels: ['table'],
    cardinalityLimit: 200,
  },
  {
    name: 'ai_arm.collector.write.retries',
    prometheus: 'ai_arm_collector_write_retries_total',
    instrument: 'counter',
    unit: '{retry}',
    description: 'Batch writes retried after a transient store error.',
    labels: ['store', 'table'],
    boundedLabels: ['table'],
    cardinalityLimit: 200,
  },
  {
    name: 'ai_arm.collector.write.buffered',
    prometheus: 'ai_arm_collector_write_buffered',
    instrument: 'gauge',
    unit: '{row}',
    description: 'Rows waiting in the collector\'s write buffers.',
    labels: ['store', 'table'],
    boundedLabels: ['table'],
    cardinalityLimit: 200,
  },
  {
    name: 'ai_arm.collector.spool.bytes',
    prometheus: 'ai_arm_collector_spool_bytes',
    instrument: 'gauge',
    unit: 'By',
    description: 'Bytes of accepted interactions waiting in the on-disk spool under ARM_DATA_DIR until ClickHouse takes them; at ARM_INGEST_SPOOL_MAX_MB the receivers answer 503.',
    labels: ['table'],
    boundedLabels: ['table'],
    cardinalityLimit: 50,
  },
  {
    name: 'ai_arm.metrics.dropped_label_sets',
    prometheus: 'ai_arm_metrics_dropped_label_sets_total',
    instrument: 'counter',
    unit: '{label_set}',
    description: 'Label sets folded into a metric\'s overflow series because it reached its cardinality cap.',
    labels: ['metric'],
    boundedLabels: ['metric'],
    cardinalityLimit: 100,
  },
];

/** Vendor (API enum) -> gen_ai_provider_name label value. */
export function vendorToProvider(value: 'OPENAI' | 'ANTHROPIC' | 'GOOGLE' | 'AZURE' | 'CUSTOM'): GenAiProviderName {
  const map = { OPENAI: 'openai', ANTHROPIC: 'anthropic', GOOGLE: 'gcp.vertex_ai', AZURE: 'azure.ai.openai', CUSTOM: 'custom' } as const;
  return map[value];
}

/** HealthStatus (API enum) -> health_status label value. */
export function healthToLabel(value: 'HEALTHY' | 'DEGRADED' | 'DOWN' | 'UNKNOWN'): HealthStatus {
  const map = { HEALTHY: 'healthy', DEGRADED: 'degraded', DOWN: 'down', UNKNOWN: 'unknown' } as const;
  return map[value];
}

/** AgentStatus (API enum) -> agent_status label value. */
export function agentStatusToLabel(value: 'ACTIVE' | 'PAUSED' | 'ERROR' | 'UNKNOWN'): AgentStatus {
  const map = { ACTIVE: 'active', PAUSED: 'paused', ERROR: 'error', UNKNOWN: 'unknown' } as const;
  return map[value];
}

export type GenAiClientTokenUsageLabels = {
  organization_id: string;
  gen_ai_operation_name: GenAiOperationName;
  gen_ai_provider_name: GenAiProviderName;
  gen_ai_token_type: GenAiTokenType;
  gen_ai_request_model: string;
};

export type GenAiClientOperationDurationLabels = {
  organization_id: string;
  gen_ai_operation_name: GenAiOperationName;
  gen_ai_provider_name: GenAiProviderName;
  gen_ai_request_model: string;
  error_type?: ErrorType;
};

export type GenAiClientOperationTimeToFirstChunkLabels = {
  organization_id: string;
  gen_ai_operation_name: GenAiOperationName;
  gen_ai_provider_name: GenAiProviderName;
  gen_ai_request_model: string;
};

export type AgentRequestDurationLabels = {
  organization_id: string;
  gen_ai_agent_id: string;
};

export type TokensLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  gen_ai_request_model: string;
  gen_ai_token_type: GenAiTokenType;
  gen_ai_agent_id: string;
};

export type CostUsdLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  gen_ai_request_model: string;
  gen_ai_agent_id: string;
};

export type TokensUnpricedLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  gen_ai_request_model: string;
  source: Source;
};

export type CostMonthToDateLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  cost_kind: CostKind;
};

export type BudgetSpentRatioLabels = {
  organization_id: string;
  budget: string;
};

export type BudgetPeriodLabels = {
  organization_id: string;
  budget: string;
};

export type CostAlertFiringLabels = {
  organization_id: string;
  alert_name: string;
  alert_type: AlertType;
};

export type CostTrackedUsdLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  gen_ai_request_model: string;
  gen_ai_agent_id: string;
};

export type RequestsLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  gen_ai_request_model: string;
  gen_ai_operation_name: GenAiOperationName;
  gen_ai_agent_id: string;
  source: Source;
  status?: Status;
};

export type ErrorsLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  gen_ai_request_model: string;
  error_type: ErrorType;
  gen_ai_agent_id: string;
  source: Source;
};

export type PolicyViolationsLabels = {
  organization_id: string;
  policy_id: string;
  severity: Severity;
  enforcement: Enforcement;
};

export type PolicyEvaluationDurationLabels = {
  organization_id: string;
};

export type AgentHealthLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  gen_ai_agent_id: string;
  health_status: HealthStatus;
};

export type AgentsLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  agent_status: AgentStatus;
};

export type QualityAlertsOpenLabels = {
  organization_id: string;
  quality_alert_type: QualityAlertType;
};

export type DriftEventsLabels = {
  organization_id: string;
  gen_ai_agent_id: string;
  drift_metric: DriftMetric;
};

export type GroundingChecksLabels = {
  organization_id: string;
  gen_ai_agent_id: string;
  grounding_verdict: GroundingVerdict;
};

export type CollectorPollsLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  result: Result;
};

export type CollectorPollLagLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
};

export type CollectorVendorApiRequestsLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  endpoint: Endpoint;
  outcome: Outcome;
};

export type CollectorVendorApiDurationLabels = {
  organization_id: string;
  gen_ai_provider_name: GenAiProviderName;
  endpoint: Endpoint;
};

export type CollectorWriteRowsLabels = {
  store: Store;
  table: string;
  result: Result;
};

export type CollectorWriteRetriesLabels = {
  store: Store;
  table: string;
};

export type CollectorWriteBufferedLabels = {
  store: Store;
  table: string;
};

export type CollectorSpoolBytesLabels = {
  table: string;
};

export type MetricsDroppedLabelSetsLabels = {
  metric: string;
};

/** Every catalogue metric, typed by its labels. Build one per sink. */
export class Instruments {
  /** Tokens used per pushed GenAI request, by token type (input is uncached input); a type is recorded only when the request used some of it. (histogram, {token}; exposed as `gen_ai_client_token_usage`) */
  readonly genAiClientTokenUsage: { record(value: number, labels: GenAiClientTokenUsageLabels): void };
  /** Duration of GenAI operations, pushed requests and the collector's health probes alike. (histogram, s; exposed as `gen_ai_client_operation_duration_seconds`) */
  readonly genAiClientOperationDuration: { record(value: number, labels: GenAiClientOperationDurationLabels): void };
  /** Time from issuing a pushed request to its first streamed chunk; streaming requests only, as the semconv says. (histogram, s; exposed as `gen_ai_client_operation_time_to_first_chunk_seconds`) */
  readonly genAiClientOperationTimeToFirstChunk: { record(value: number, labels: GenAiClientOperationTimeToFirstChunkLabels): void };
  /** Duration of each pushed request per agent, ok and failed alike, on coarse buckets; for p50/p95/p99 and latency objectives per agent in PromQL. (histogram, s; exposed as `ai_arm_agent_request_duration_seconds`) */
  readonly agentRequestDuration: { record(value: number, labels: AgentRequestDurationLabels): void };
  /** Tokens consumed, each counted once under its type; advances only for buckets newer than a connection's start watermark. (counter, {token}; exposed as `ai_arm_tokens_total`) */
  readonly tokens: { add(value: number, labels: TokensLabels): void };
  /** Priced cost in US dollars of the usage counted in ai_arm_tokens_total (no OTel convention exists for cost). (counter, {USD}; exposed as `ai_arm_cost_usd_total`) */
  readonly costUsd: { add(value: number, labels: CostUsdLabels): void };
  /** Tokens the price table could not price (a model it lacks, or a token type without a rate); never priced at zero silently. `source="vendor_report"`: tokens counted in ai_arm_tokens_total; `source="push"`: tokens of pushed requests (gen_ai_client_token_usage), whose tracked cost is then null. (counter, {token}; exposed as `ai_arm_tokens_unpriced_total`) */
  readonly tokensUnpriced: { add(value: number, labels: TokensUnpricedLabels): void };
  /** This calendar month's spend in US dollars per provider, computed and billed side by side with the unpriced, unattributed and unexplained parts; refreshed after every poll. (gauge, {USD}; exposed as `ai_arm_cost_month_to_date`) */
  readonly costMonthToDate: { set(value: number, labels: CostMonthToDateLabels): void; clear(only: { organization_id: string }): void };
  /** Spend in the budget's current period divided by its amount (1 = the budget is used up); refreshed after every poll. (gauge, 1; exposed as `ai_arm_budget_spent_ratio`) */
  readonly budgetSpentRatio: { set(value: number, labels: BudgetSpentRatioLabels): void; clear(only: { organization_id: string }): void };
  /** Length in seconds of the budget's current period, so PromQL can turn the change of its spent ratio over a window into a burn rate (1 = on pace to use exactly the budget). (gauge, s; exposed as `ai_arm_budget_period_seconds`) */
  readonly budgetPeriod: { set(value: number, labels: BudgetPeriodLabels): void; clear(only: { organization_id: string }): void };
  /** 1 while a cost alert's condition holds on the collector's data, else 0; what the provisioned alert rules route. (gauge, {alert}; exposed as `ai_arm_cost_alert_firing`) */
  readonly costAlertFiring: { set(value: number, labels: CostAlertFiringLabels): void; clear(only: { organization_id: string }): void };
  /** Cost in US dollars of pushed requests, priced at ingest with the same price book (tracked cost); the vendor's bill, in ai_arm_cost_usd_total, stays the truth for spend, so never add the two. (counter, {USD}; exposed as `ai_arm_cost_tracked_usd_total`) */
  readonly costTrackedUsd: { add(value: number, labels: CostTrackedUsdLabels): void };
  /** GenAI requests made by agents, by source (vendor_report or push; the same request can be in both, so filter on one) and, for pushed requests, status. (counter, {request}; exposed as `ai_arm_requests_total`) */
  readonly requests: { add(value: number, labels: RequestsLabels): void };
  /** GenAI requests by agents that failed, by error class and source (push only today); each is also in ai_arm_requests_total{status="error"} of the same source. (counter, {error}; exposed as `ai_arm_errors_total`) */
  readonly errors: { add(value: number, labels: ErrorsLabels): void };
  /** Pushed interactions (and recorded evaluations) a governance policy matched, by policy, severity and enforcement; enforcement="block" is what the PolicyBlocked alert pages on. (counter, {violation}; exposed as `ai_arm_policy_violations_total`) */
  readonly policyViolations: { add(value: number, labels: PolicyViolationsLabels): void };
  /** Time to evaluate an organisation's enabled policies on one interaction (pushed, or POST /api/v1/governance/evaluate). (histogram, s; exposed as `ai_arm_policy_evaluation_duration_seconds`) */
  readonly policyEvaluationDuration: { record(value: number, labels: PolicyEvaluationDurationLabels): void };
  /** State set of each agent's latest health check; 1 on the current status, 0 on the others. (gauge, {state}; exposed as `ai_arm_agent_health`) */
  readonly agentHealth: { set(value: number, labels: AgentHealthLabels): void; clear(only: { organization_id: string }): void };
  /** Agents in the inventory by provider and lifecycle status. (gauge, {agent}; exposed as `ai_arm_agents`) */
  readonly agents: { set(value: number, labels: AgentsLabels): void; clear(only: { organization_id: string }): void };
  /** Quality alerts not yet resolved (open or acknowledged), by type; 0 for each type of an organisation that pushes telemetry. The Quality and drift page lists them by agent. (gauge, {alert}; exposed as `ai_arm_quality_alerts_open`) */
  readonly qualityAlertsOpen: { set(value: number, labels: QualityAlertsOpenLabels): void; clear(only: { organization_id: string }): void };
  /** Drifts the quality monitor found, by agent and metric (each stored once, GET /api/v1/quality/:agentId/drift). (counter, {event}; exposed as `ai_arm_drift_events_total`) */
  readonly driftEvents: { add(value: number, labels: DriftEventsLabels): void };
  /** Grounding checks run (asked for, or on sampled interactions with retrieved context), by agent and verdict. (counter, {check}; exposed as `ai_arm_grounding_checks_total`) */
  readonly groundingChecks: { add(value: number, labels: GroundingChecksLabels): void };
  /** Poll runs of vendor connections, by result. (counter, {poll}; exposed as `ai_arm_collector_polls_total`) */
  readonly collectorPolls: { add(value: number, labels: CollectorPollsLabels): void };
  /** Seconds between now and the end of the newest complete usage bucket collected per provider. (gauge, s; exposed as `ai_arm_collector_poll_lag_seconds`) */
  readonly collectorPollLag: { set(value: number, labels: CollectorPollLagLabels): void; clear(only: { organization_id: string }): void };
  /** Calls the collector made to vendor admin APIs, by endpoint and outcome. (counter, {request}; exposed as `ai_arm_collector_vendor_api_requests_total`) */
  readonly collectorVendorApiRequests: { add(value: number, labels: CollectorVendorApiRequestsLabels): void };
  /** Latency of the collector's calls to vendor admin APIs. (histogram, s; exposed as `ai_arm_collector_vendor_api_duration_seconds`) */
  readonly collectorVendorApiDuration: { record(value: number, labels: CollectorVendorApiDurationLabels): void };
  /** Rows the collector wrote to ClickHouse (success), or that ClickHouse refused for their content or a full write buffer dropped (failure). (counter, {row}; exposed as `ai_arm_collector_write_rows_total`) */
  readonly collectorWriteRows: { add(value: number, labels: CollectorWriteRowsLabels): void };
  /** Batch writes retried after a transient store error. (counter, {retry}; exposed as `ai_arm_collector_write_retries_total`) */
  readonly collectorWriteRetries: { add(value: number, labels: CollectorWriteRetriesLabels): void };
  /** Rows waiting in the collector's write buffers. (gauge, {row}; exposed as `ai_arm_collector_write_buffered`) */
  readonly collectorWriteBuffered: { set(value: number, labels: CollectorWriteBufferedLabels): void; clear(): void };
  /** Bytes of accepted interactions waiting in the on-disk spool under ARM_DATA_DIR until ClickHouse takes them; at ARM_INGEST_SPOOL_MAX_MB the receivers answer 503. (gauge, By; exposed as `ai_arm_collector_spool_bytes`) */
  readonly collectorSpoolBytes: { set(value: number, labels: CollectorSpoolBytesLabels): void; clear(): void };
  /** Label sets folded into a metric's overflow series because it reached its cardinality cap. (counter, {label_set}; exposed as `ai_arm_metrics_dropped_label_sets_total`) */
  readonly metricsDroppedLabelSets: { add(value: number, labels: MetricsDroppedLabelSetsLabels): void };

  constructor(sink: MetricSink) {
    this.genAiClientTokenUsage = { record: (v, l) => sink.record('gen_ai.client.token.usage', v, l) };
    this.genAiClientOperationDuration = { record: (v, l) => sink.record('gen_ai.client.operation.duration', v, l) };
    this.genAiClientOperationTimeToFirstChunk = { record: (v, l) => sink.record('gen_ai.client.operation.time_to_first_chunk', v, l) };
    this.agentRequestDuration = { record: (v, l) => sink.record('ai_arm.agent.request.duration', v, l) };
    this.tokens = { add: (v, l) => sink.add('ai_arm.tokens', v, l) };
    this.costUsd = { add: (v, l) => sink.add('ai_arm.cost.usd', v, l) };
    this.tokensUnpriced = { add: (v, l) => sink.add('ai_arm.tokens.unpriced', v, l) };
    this.costMonthToDate = { set: (v, l) => sink.set('ai_arm.cost.month_to_date', v, l), clear: (only) => sink.clear('ai_arm.cost.month_to_date', only) };
    this.budgetSpentRatio = { set: (v, l) => sink.set('ai_arm.budget.spent_ratio', v, l), clear: (only) => sink.clear('ai_arm.budget.spent_ratio', only) };
    this.budgetPeriod = { set: (v, l) => sink.set('ai_arm.budget.period', v, l), clear: (only) => sink.clear('ai_arm.budget.period', only) };
    this.costAlertFiring = { set: (v, l) => sink.set('ai_arm.cost.alert.firing', v, l), clear: (only) => sink.clear('ai_arm.cost.alert.firing', only) };
    this.costTrackedUsd = { add: (v, l) => sink.add('ai_arm.cost.tracked.usd', v, l) };
    this.requests = { add: (v, l) => sink.add('ai_arm.requests', v, l) };
    this.errors = { add: (v, l) => sink.add('ai_arm.errors', v, l) };
    this.policyViolations = { add: (v, l) => sink.add('ai_arm.policy.violations', v, l) };
    this.policyEvaluationDuration = { record: (v, l) => sink.record('ai_arm.policy.evaluation.duration', v, l) };
    this.agentHealth = { set: (v, l) => sink.set('ai_arm.agent.health', v, l), clear: (only) => sink.clear('ai_arm.agent.health', only) };
    this.agents = { set: (v, l) => sink.set('ai_arm.agents', v, l), clear: (only) => sink.clear('ai_arm.agents', only) };
    this.qualityAlertsOpen = { set: (v, l) => sink.set('ai_arm.quality.alerts.open', v, l), clear: (only) => sink.clear('ai_arm.quality.alerts.open', only) };
    this.driftEvents = { add: (v, l) => sink.add('ai_arm.drift.events', v, l) };
    this.groundingChecks = { add: (v, l) => sink.add('ai_arm.grounding.checks', v, l) };
    this.collectorPolls = { add: (v, l) => sink.add('ai_arm.collector.polls', v, l) };
    this.collectorPollLag = { set: (v, l) => sink.set('ai_arm.collector.poll.lag', v, l), clear: (only) => sink.clear('ai_arm.collector.poll.lag', only) };
    this.collectorVendorApiRequests = { add: (v, l) => sink.add('ai_arm.collector.vendor_api.requests', v, l) };
    this.collectorVendorApiDuration = { record: (v, l) => sink.record('ai_arm.collector.vendor_api.duration', v, l) };
    this.collectorWriteRows = { add: (v, l) => sink.add('ai_arm.collector.write.rows', v, l) };
    this.collectorWriteRetries = { add: (v, l) => sink.add('ai_arm.collector.write.retries', v, l) };
    this.collectorWriteBuffered = { set: (v, l) => sink.set('ai_arm.collector.write.buffered', v, l), clear: () => sink.clear('ai_arm.collector.write.buffered') };
    this.collectorSpoolBytes = { set: (v, l) => sink.set('ai_arm.collector.spool.bytes', v, l), clear: () => sink.clear('ai_arm.collector.spool.bytes') };
    this.metricsDroppedLabelSets = { add: (v, l) => sink.add('ai_arm.metrics.dropped_label_sets', v, l) };
  }
}
