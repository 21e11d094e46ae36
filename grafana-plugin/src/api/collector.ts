import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { COLLECTOR_PROXY } from '../constants';

type Params = Record<string, string | number | boolean | undefined>;

export interface CollectorResult<T, M> {
  data: T;
  meta: M;
}

/** A failed collector call, in words an SRE can act on; `code` is the collector's when it answered. */
export class CollectorError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly details?: Record<string, unknown>
  ) {
    super(message);
  }
}

interface FetchFailure {
  status?: number;
  statusText?: string;
  data?: unknown;
}

interface Envelope {
  success?: boolean;
  error?: { code?: string; message?: string; details?: Record<string, unknown> };
  message?: string;
}

/**
 * What the user should read for a failure. The collector's own envelope says it best; failures
 * from Grafana's proxy (no settings, role, unreachable upstream) need saying in the app's terms.
 */
export function describeFailure(err: unknown): CollectorError {
  const f = (err ?? {}) as FetchFailure;
  const status = f.status ?? 0;
  const body = (typeof f.data === 'object' && f.data ? f.data : {}) as Envelope;
  if (body.error?.message) {
    const hint = status === 401 ? ' The collector did not accept the API key saved on the configuration page.' : '';
    const sentence = /[.!?]$/.test(body.error.message) ? body.error.message : `${body.error.message}.`;
    return new CollectorError(`${sentence}${hint}`, status, body.error.code, body.error.details);
  }
  if (status === 500 && body.message === 'Failed to fetch plugin settings') {
    return new CollectorError(
      'AI-ARM is not set up yet: a Grafana admin enters the collector URL and API key on the app configuration page.',
      status,
      'NOT_CONFIGURED'
    );
  }
  if (status === 403) {
    return new CollectorError(
      "Your Grafana role does not allow this action (Grafana sets the least role for each of the app's calls: reading needs Viewer, changes Editor or Admin). Ask a Grafana Admin if you need it.",
      status,
      'FORBIDDEN'
    );
  }
  if (status === 502 || status === 503 || status === 504) {
    return new CollectorError(
      'Grafana could not reach the AI-ARM collector. Check that it is running and that the collector URL on the configuration page is right.',
      status,
      'UNREACHABLE'
    );
  }
  if (status === 0) {
    return new CollectorError(`The request did not complete: ${err instanceof Error ? err.message : String(err)}`, 0);
  }
  return new CollectorError(
    `The collector answered ${status} ${f.statusText ?? ''}`.trim() + (body.message ? `: ${body.message}` : ''),
    status
  );
}

/** One call to the collector through the plugin proxy; resolves to the envelope's data and meta. */
export async function collector<T, M = undefined>(
  path: string,
  options: { method?: 'GET' | 'POST' | 'DELETE' | 'PATCH'; params?: Params; data?: unknown } = {}
): Promise<CollectorResult<T, M>> {
  const params = Object.fromEntries(
    Object.entries(options.params ?? {}).filter(([, v]) => v !== undefined && v !== '')
  );
  try {
    const res = await lastValueFrom(
      getBackendSrv().fetch<{ data: T; meta: M }>({
        url: `${COLLECTOR_PROXY}${path}`,
        method: options.method ?? 'GET',
        params,
        data: options.data,
        showErrorAlert: false,
        showSuccessAlert: false,
      })
    );
    return { data: res.data.data, meta: res.data.meta };
  } catch (err) {
    throw describeFailure(err);
  }
}
