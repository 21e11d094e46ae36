/**
 * Whether a failed write may succeed if tried again. Transient: the network, a busy or
 * restarting server, too many parts. Anything else (bad type, unknown table) fails the
 * same way every time, so it is not retried.
 */
const TRANSIENT_CLICKHOUSE_CODES = new Set([
  '159', // TIMEOUT_EXCEEDED
  '164', // READONLY (replica recovering)
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '241', // MEMORY_LIMIT_EXCEEDED
  '242', // TABLE_IS_READ_ONLY
  '252', // TOO_MANY_PARTS
  '319', // UNKNOWN_STATUS_OF_INSERT
  '425', // SYSTEM_ERROR
  '999', // KEEPER_EXCEPTION
]);
const TRANSIENT_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);

export function isTransientWriteError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  const code = e.code === undefined ? undefined : String(e.code);
  if (code && (TRANSIENT_CLICKHOUSE_CODES.has(code) || TRANSIENT_NET.has(code))) return true;
  if (typeof e.message === 'string' && /socket hang up|timeout|ECONNRESET|ECONNREFUSED/i.test(e.message)) return true;
  return e.cause ? isTransientWriteError(e.cause) : false;
}
