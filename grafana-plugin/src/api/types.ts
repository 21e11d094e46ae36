/** The collector API's shapes, as far as the pages read them (the collector's OpenAPI has the rest). */

export type Health = 'HEALTHY' | 'DEGRADED' | 'DOWN' | 'UNKNOWN';

export interface Agent {
  id: string;
  connectionId: string | null;
  name: string;
  vendor: string;
  vendorAgentId: string;
  type: string;
  status: string;
  health: Health;
  healthScore: number | null;
  lastHealthCheck: string | null;
  lastError: string | null;
  activeProbe: boolean;
  vanishedAt: string | null;
  config: Record<string, unknown>;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface AgentsMeta {
  total: number;
  totalCapped: boolean;
  countsByVendor: Record<string, number>;
  limit: number;
  nextCursor: string | null;
}

export interface HealthCheck {
  timestamp: string;
  status: Health;
  latencyMs: number | null;
  errorRate: number | null;
  error?: string | null;
  details?: Record<string, unknown>;
}

export interface HealthHistory {
  agent: Pick<Agent, 'id' | 'status' | 'health' | 'healthScore' | 'lastHealthCheck' | 'lastError'>;
  checks: HealthCheck[];
}

export interface CredentialField {
  name: string;
  label: string;
  secret: boolean;
  required: boolean;
  pattern?: string;
  placeholder?: string;
  help?: string;
}

export interface VendorSpec {
  vendor: string;
  name: string;
  defaultBaseUrl: string;
  fields: CredentialField[];
}

export interface Connection {
  id: string;
  vendor: string;
  name: string;
  status: string;
  credentialHint: string | null;
  baseUrl: string | null;
  lastSyncAt: string | null;
  lastError: string | null;
  source: 'api' | 'env' | 'demo';
}

/** What DELETE /api/v1/connections/:id did with the connection's history (merged into another connection to the same account, kept or deleted). */
export interface ConnectionRemoval {
  id: string;
  historyKept: boolean;
  history?: { action: 'merged' | 'kept' | 'deleted'; into: string | null };
}

export interface ConnectionCheck {
  ok: boolean;
  status?: number;
  error?: string;
  latencyMs?: number;
  connectionStatus: string;
}

export interface PeriodTotal {
  period: 'today' | 'week' | 'month';
  from: string;
  to: string;
  computedCost: string;
  billedCost: string;
  tokens: number;
  requests: number;
  unpricedTokens: number;
  currency: string;
}

export interface BreakdownRow {
  key: string;
  name: string;
  vendor: string;
  cost: string;
  share: number;
  tokens: number;
  requests: number;
  unpricedTokens: number;
}

export interface ForecastHorizon {
  days: number;
  total: string;
  lower: string;
  upper: string;
  daily: string[];
}

export interface Forecast {
  method: string;
  historyDays: number;
  dailyErrorSigma: string;
  horizons: ForecastHorizon[];
}

export interface Budget {
  id: string;
  name: string;
  agentId: string | null;
  vendor: string | null;
  period: string;
  amount: string;
  currency: string;
  alertThresholds: number[];
  status: {
    period: { from: string; to: string };
    spent: string;
    remaining: string;
    spentRatio: number;
    crossed: number | null;
  };
}

export interface Optimization {
  id: string;
  agentId: string | null;
  optimizationType: string;
  currentCost: string;
  projectedSavings: string;
  recommendation: string;
  implementation: string;
  effort: string;
  impact: string;
}

export interface Reconciliation {
  id: string;
  vendor: string;
  date: string;
  projectId: string | null;
  computedCost: string;
  billedCost: string;
  unpricedCost: string;
  unattributedCost: string;
  /** Billed minus computed minus unpriced; null until the day is billed. */
  unexplainedCost: string | null;
  unpricedReasons: string[];
  currency: string;
}

export interface UsageDay {
  agentId: string | null;
  timestamp: string;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  totalTokens: number;
  totalCost: string;
  requestCount: number;
  modelBreakdown: Array<{ model: string; tokens: number; cost: string; requests: number }>;
}
