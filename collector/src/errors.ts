import type { ErrorCode } from '@ai-arm/schemas';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  VENDOR_ERROR: 502,
  UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

/** An error meant for the API caller: its code, message and details go out in the envelope. */
export class ApiError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.statusCode = STATUS[code];
  }
}

export const statusOf = (code: ErrorCode) => STATUS[code];

/** The seconds an ApiError tells its caller to wait before trying again (a 429 or 503), if it says. */
export function retryAfterOf(err: unknown): number | undefined {
  const wait = err instanceof ApiError ? (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds : undefined;
  return typeof wait === 'number' ? wait : undefined;
}

/** Seconds a client is told to wait when a store is down (Retry-After). */
export const OUTAGE_RETRY_SECONDS = 5;

// Node's socket errors, PostgreSQL's connection_exception (08) and operator_intervention (57P)
// classes, and the drivers' own words for a pool or database that is gone.
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const GONE = /Connection terminated|Cannot use a pool after calling end|PGlite is clos(ed|ing)|connection (is )?closed|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i;

/** Whether `err` says a store cannot be reached (an outage: 503), rather than that the request was wrong. */
export function isStoreOutage(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (NET_CODES.has(code) || /^08/.test(code) || /^57P0[1-3]$/.test(code)) return true;
    if (typeof e.message === 'string' && GONE.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some(isStoreOutage)) return true;
  }
  return false;
}
