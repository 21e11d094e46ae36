import { attoToNumber, type Atto } from '../costs/money';
import { LABEL_VALUES, type ErrorType, type GenAiOperationName, type GenAiProviderName, type Instruments } from '../metrics/instruments.generated';
import type { InteractionInput } from './interaction';

const OTHER = '_OTHER';

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
 * Its shape fits the pipeline's InteractionCounter, so `pipeline.countWith(recordInteraction)`.
 * @param price the item priced at ingest; cost is null when the price book cannot price it.
 */
export function recordInteraction(metrics: Instruments, organizationId: string, agentId: string, item: InteractionInput, price: { cost: Atto | null }): void {
  const provider = enumLabel<GenAiProviderName>('gen_ai_provider_name', item.provider);
  const operation = enumLabel<GenAiOperationName>('gen_ai_operation_name', item.operation || 'chat');
  const model = item.requestModel || item.responseModel || 'unknown';
  const failed = item.status === 'error';
  const errorType = failed ? errorTypeLabel(item.errorType) : undefined;
  const org = organizationId;

  metrics.requests.add(1, { organization_id: org, gen_ai_provider_name: provider, gen_ai_request_model: model, gen_ai_operation_name: operation, gen_ai_agent_id: agentId, source: 'push', status: failed ? 'error' : 'ok' });
  if (errorType) metrics.errors.add(1, { organization_id: org, gen_ai_provider_name: provider, gen_ai_request_model: model, error_type: errorType, gen_ai_agent_id: agentId, source: 'push' });

  const duration = seconds(item.durationMs);
  if (duration !== undefined) {
    metrics.genAiClientOperationDuration.record(duration, { organization_id: org, gen_ai_operation_name: operation, gen_ai_provider_name: provider, gen_ai_request_model: model, error_type: errorType });
    metrics.agentRequestDuration.record(duration, { organization_id: org, gen_ai_agent_id: agentId });
  }
  // The semconv records time to first chunk for streaming calls only; a pushed TTFT is what says it streamed.
  const ttft = seconds(item.timeToFirstTokenMs);
  if (ttft !== undefined) metrics.genAiClientOperationTimeToFirstChunk.record(ttft, { organization_id: org, gen_ai_operation_name: operation, gen_ai_provider_name: provider, gen_ai_request_model: model });

  // A zero is no observation (a failed request, embeddings' output, no cache): recording it would drag every percentile to 1.
  const tokenLabels = { organization_id: org, gen_ai_operation_name: operation, gen_ai_provider_name: provider, gen_ai_request_model: model };
  const t = item.tokens;
  if (t.input > 0) metrics.genAiClientTokenUsage.record(t.input, { ...tokenLabels, gen_ai_token_type: 'input' });
  if (t.output > 0) metrics.genAiClientTokenUsage.record(t.output, { ...tokenLabels, gen_ai_token_type: 'output' });
  if (t.cacheRead > 0) metrics.genAiClientTokenUsage.record(t.cacheRead, { ...tokenLabels, gen_ai_token_type: 'cache_read' });
  if (t.cacheWrite > 0) metrics.genAiClientTokenUsage.record(t.cacheWrite, { ...tokenLabels, gen_ai_token_type: 'cache_write' });

  if (price.cost !== null && price.cost > 0n) {
    metrics.costTrackedUsd.add(attoToNumber(price.cost), { organization_id: org, gen_ai_provider_name: provider, gen_ai_request_model: model, gen_ai_agent_id: agentId });
  }
}
