import type { Connector, VendorAccount } from '../connectors/types';
import { redactUrl, redactUrlsIn } from '../logger';
import { createConnector, type VendorEndpoint } from '../connectors/registry';

export interface AccessCheck {
  ok: boolean;
  latencyMs: number;
  /** The vendor's HTTP status when it answered with an error. */
  status: number | null;
  error: string | null;
  /** The account the key reads, as the vendor reports it; null when it failed or the vendor did not say. */
  account: VendorAccount | null;
}

/** One admin call through the connector, with what went wrong in words a person can act on (the URL's secrets masked). */
export async function checkAccess(connector: Connector, baseUrl: string, timeoutMs = 15_000): Promise<AccessCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const account = await Promise.race([connector.verifyAccess(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs)))]);
    return { ok: true, latencyMs: Math.round(performance.now() - started), status: null, error: null, account };
  } catch (err) {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : null;
    const error =
      status === 401 || status === 403
        ? `the vendor refused this admin key (HTTP ${status}): check that it is an organisation admin key and not revoked`
        : status !== null
          ? `the vendor answered HTTP ${status}`
          : `could not reach ${redactUrl(baseUrl)}: ${redactUrlsIn((err as Error).message)}`;
    return { ok: false, latencyMs: Math.round(performance.now() - started), status, error, account: null };
  } finally {
    clearTimeout(timer);
  }
}

/** A connector to check credentials with: no retries, since someone waits for the answer. */
export const checkingConnector = (spec: VendorEndpoint): Connector => createConnector(spec.vendor, { adminKey: spec.adminKey, baseUrl: spec.baseUrl, maxRetries: 0 });
