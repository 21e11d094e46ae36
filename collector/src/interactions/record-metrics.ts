import { attoToNumber, type Atto } from '../costs/money';
import {
  LABEL_VALUES,
  type AgentRequestDurationLabels,
  type CostTrackedUsdLabels,
  type ErrorsLabels,
  type ErrorType,
  type GenAiClientOperationDurationLabels,
  type GenAiClientOperationTimeToFirstChunkLabels,
  type GenAiClientTokenUsageLabels,
  type GenAiOperationName,
  type GenAiProviderName,
  type GenAiTokenType,
  type Instruments,
  type RequestsLabels,
} from '../metrics/instruments.generated';
import type { InteractionInput } from './interaction';

const OTHER = '_OTHER';
const ATTO_PER_USD = 1e18;

/** An enumerated label's value as pushed, or `_OTHER`: the sink would fold it the same way, this keeps the types honest. */
function enumLabel<T extends string>(label: string, value: string): T {
  return ((LABEL_VALUES[label] ?? []).includes(value) ? value : OTHER) as T;
}

/**
 * error.type as instrumentations send it (an HTTP status, an exception class such as
 * `openai.RateLimitError` or `anthropic.APITimeoutError`, or our own class names) to the
 * catalogue's classes, so an alert can tell throttling from outages. Order matters: a
 * timeout class also names the connection it timed out on.
 */
const ERROR_CLASSES: readonly [RegExp, ErrorType][] = [
  [/timeout|timed.?out|deadline/i, 'timeout'],
  [/^429$|rate.?limit|too.?many.?requests|quota|resource.?exhausted/i, 'rate_limited'],
  [/^529$|overload/i, 'overloaded'],
  [/^40[13]$|auth|permission|forbidden|unauthori[sz]ed|api.?key/i, 'auth_error'],
  [/connect|network|socket|econn|enotfound|dns|fetch.?failed/i, 'network_error'],
  [/^5\d\d$|internal.?server|server.?error|service.?unavailable|bad.?gateway|unavailable/i, 'server_error'],
  [/^4\d\d$|bad.?request|not.?found|unprocessable|invalid|conflict|content.?filter|context.?length/i, 'client_error'],
];

export function errorTypeLabel(raw: string | undefined): ErrorType {
  if (!raw) return OTHER;
  const exact = raw.trim().toLowerCase();
  if ((LABEL_VALUES.error_type ?? []).includes(exact)) return exact as ErrorType;
  return ERROR_CLASSES.find(([re]) => re.test(raw))?.[1] ?? OTHER;
}

const seconds = (ms: number | undefined): number | undefined => (ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined);

/** The label sets one kind of request is counted under, built once and frozen so a sink may find their series by identity. */
interface LabelBundle {
  organizationId: string;
  provider: string;
  operation: string;
  model: string;
  /** error.type as pushed, undefined for a success. */
  rawError: string | undefined;
  failed: boolean;
  requests: Readonly<RequestsLabels>;
  errors: Readonly<ErrorsLabels> | undefined;
  duration: Readonly<GenAiClientOperationDurationLabels>;
  agentDuration: Readonly<AgentRequestDurationLabels>;
  ttft: Readonly<GenAiClientOperationTimeToFirstChunkLabels>;
  input: Readonly<GenAiClientTokenUsageLabels>;
  output: Readonly<GenAiClientTokenUsageLabels>;
  cacheRead: Readonly<GenAiClientTokenUsageLabels>;
  cacheWrite: Readonly<GenAiClientTokenUsageLabels>;
  cost: Readonly<CostTrackedUsdLabels>;
}

const BUNDLES_PER_AGENT = 16;
const MAX_BUNDLES = 20_000;
/** Per agent id, the bundles of its recent kinds of request: an agent sends few (a model or two, ok or an error class). */
const bundles = new Map<string, LabelBundle[]>();
let bundleCount = 0;

function bundleOf(org: string, agentId: string, item: InteractionInput): LabelBundle {
  const operationRaw = item.operation || 'chat';
  const model = item.requestModel || item.responseModel || 'unknown';
  const failed = item.status === 'error';
  const rawError = failed ? item.errorType : undefined;
  let list = bundles.get(agentId);
  if (list) {
    for (const b of list) if (b.model === model && b.provider === item.provider && b.operation === operationRaw && b.failed === failed && b.rawError === rawError && b.organizationId === org) return b;
  }
  const provider = enumLabel<GenAiProviderName>('gen_ai_provider_name', item.provider);
  const operation = enumLabel<GenAiOperationName>('gen_ai_operation_name', operationRaw);
  const errorType = failed ? errorTypeLabel(rawError) : undefined;
  const tokens = { organization_id: org, gen_ai_operation_name: operation, gen_ai_provider_name: provider, gen_ai_request_model: model };
  const token = (type: GenAiTokenType) => Object.freeze({ ...tokens, gen_ai_token_type: type });
  const b: LabelBundle = {
    organizationId: org,
    provider: item.provider,
    operation: operationRaw,
    model,
    rawError,
    failed,
    requests: Object.freeze({ organization_id: org, gen_ai_provider_name: provider, gen_ai_request_model: model, gen_ai_operation_name: operation, gen_ai_agent_id: agentId, source: 'push', status: failed ? 'error' : 'ok' }),
    errors: errorType ? Object.freeze({ organization_id: org, gen_ai_provider_name: provider, gen_ai_request_model: model, error_type: errorType, gen_ai_agent_id: agentId, source: 'push' }) : undefined,
    duration: Object.freeze({ organization_id: org, gen_ai_operation_name: operation, gen_ai_provider_name: provider, gen_ai_request_model: model, error_type: errorType }),
    agentDuration: Object.freeze({ organization_id: org, gen_ai_agent_id: agentId }),
    ttft: Object.freeze({ ...tokens }),
    input: token('input'),
    output: token('output'),
    cacheRead: token('cache_read'),
    cacheWrite: token('cache_write'),
    cost: Object.freeze({ organization_id: org, gen_ai_provider_name: provider, gen_ai_request_model: model, gen_ai_agent_id: agentId }),
  };
  if (bundleCount >= MAX_BUNDLES) {
    bundles.clear();
    bundleCount = 0;
    list = undefined;
  }
  if (!list) bundles.set(agentId, (list = []));
  list.unshift(b);
  bundleCount++;
  if (list.length > BUNDLES_PER_AGENT) {
    list.pop();
    bundleCount--;
  }
  return b;
}

/**
 * Counts one accepted pushed request on /metrics; the pipeline calls it once per item it
 * accepts (never for a re-delivery it recognised), so a client retry is not counted twice.
 *
 * Pushed requests go to `source="push"` series of ai_arm_requests_total and ai_arm_errors_total:
 * the vendor's usage report counts the same requests under `source="vendor_report"`, so the two
 * are never added. Pushed tokens go to the gen_ai_client_token_usage histogram and pushed cost to
 * ai_arm_cost_tracked_usd_total, never to ai_arm_tokens_total / ai_arm_cost_usd_total: those are
 * the vendor's figures, what budgets and the bill reconcile against.
 *
 * Tokens the price book could not price go to ai_arm_tokens_unpriced_total under `source="push"`.
 * The label sets are built once per agent and kind of request (bundleOf), not per request.
 * @param price the item priced at ingest; cost is null when the price book cannot price it.
 */
export function recordInteraction(metrics: Instruments, organizationId: string, agentId: string, item: InteractionInput, price: { cost: Atto | null; costMicros?: number; unpricedTokens?: number }): void {
  const b = bundleOf(organizationId, agentId, item);
  metrics.requests.add(1, b.requests);
  if (b.errors) metrics.errors.add(1, b.errors);

  const duration = seconds(item.durationMs);
  if (duration !== undefined) {
    metrics.genAiClientOperationDuration.record(duration, b.duration);
    metrics.agentRequestDuration.record(duration, b.agentDuration);
  }
  // The semconv records time to first chunk for streaming calls only; a pushed TTFT is what says it streamed.
  const ttft = seconds(item.timeToFirstTokenMs);
  if (ttft !== undefined) metrics.genAiClientOperationTimeToFirstChunk.record(ttft, b.ttft);

  // A zero is no observation (a failed request, embeddings' output, no cache): recording it would drag every percentile to 1.
  const t = item.tokens;
  if (t.input > 0) metrics.genAiClientTokenUsage.record(t.input, b.input);
  if (t.output > 0) metrics.genAiClientTokenUsage.record(t.output, b.output);
  if (t.cacheRead > 0) metrics.genAiClientTokenUsage.record(t.cacheRead, b.cacheRead);
  if (t.cacheWrite > 0) metrics.genAiClientTokenUsage.record(t.cacheWrite, b.cacheWrite);

  // costMicros * 1e6 is the same double as Number(cost) (both round the same whole number once): no BigInt per request.
  if (price.costMicros !== undefined) {
    if (price.cost !== null && price.costMicros > 0) metrics.costTrackedUsd.add((price.costMicros * 1e6) / ATTO_PER_USD, b.cost);
  } else if (price.cost !== null && price.cost > 0n) metrics.costTrackedUsd.add(attoToNumber(price.cost), b.cost);
  if (price.unpricedTokens) {
    metrics.tokensUnpriced.add(price.unpricedTokens, { organization_id: organizationId, gen_ai_provider_name: enumLabel<GenAiProviderName>('gen_ai_provider_name', item.provider), gen_ai_request_model: item.requestModel, source: 'push' });
  }
}
