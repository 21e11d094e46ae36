import type { Endpoint, GenAiProviderName, Instruments, Outcome } from '../metrics/instruments.generated';

const ENDPOINTS: [RegExp, Endpoint][] = [
  [/\/(usage_report|usage)\//, 'usage'],
  [/\/(costs|cost_report)\b/, 'costs'],
  [/\/(messages|chat\/completions)\b/, 'health_probe'],
  [/\/api_keys\b/, 'api_keys'],
  [/\/workspaces\b/, 'workspaces'],
  [/\/projects\b/, 'projects'],
  [/\/models\b/, 'models'],
  [/\/(assistants|agents)\b/, 'agents'],
];

export function endpointOf(url: string): Endpoint {
  const path = new URL(url).pathname;
  for (const [re, endpoint] of ENDPOINTS) if (re.test(path)) return endpoint;
  return 'agents';
}

function outcomeOf(status: number): Outcome {
  if (status < 400) return 'ok';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'server_error' : 'client_error';
}

/**
 * The fetch handed to the vendor SDKs: every call they make, retries included, is counted
 * by endpoint and outcome and timed, without touching the SDKs, under the organisation the
 * connection belongs to.
 */
export function instrumentedFetch(organizationId: string, provider: GenAiProviderName, metrics: Instruments, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const endpoint = endpointOf(url);
    const started = performance.now();
    try {
      const res = await inner(input, init);
      metrics.collectorVendorApiRequests.add(1, { organization_id: organizationId, gen_ai_provider_name: provider, endpoint, outcome: outcomeOf(res.status) });
      return res;
    } catch (err) {
      const name = (err as Error).name;
      metrics.collectorVendorApiRequests.add(1, { organization_id: organizationId, gen_ai_provider_name: provider, endpoint, outcome: name === 'AbortError' || name === 'TimeoutError' ? 'timeout' : 'network_error' });
      throw err;
    } finally {
      metrics.collectorVendorApiDuration.record((performance.now() - started) / 1000, { organization_id: organizationId, gen_ai_provider_name: provider, endpoint });
    }
  };
}
