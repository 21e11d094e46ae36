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
