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

/**
 * ClickHouse codes for a row whose content the server cannot read into its column: a parse
 * or type failure. Only these are worth splitting a batch over to find the bad rows; any other
 * refusal (unknown table, no permission) refuses every row alike, and splitting would only
 * repeat it once per row.
 */
const ROW_DATA_CLICKHOUSE_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '25', // CANNOT_PARSE_ESCAPE_SEQUENCE
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '32', // ATTEMPT_TO_READ_AFTER_EOF
  '33', // CANNOT_READ_ALL_DATA
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '131', // TOO_LARGE_STRING_SIZE
  '321', // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  '349', // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  '376', // CANNOT_PARSE_UUID
  '407', // DECIMAL_OVERFLOW
  '441', // CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING
  '467', // CANNOT_PARSE_BOOL
  '469', // VIOLATED_CONSTRAINT
]);

export function isRowDataError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; cause?: unknown };
  if (e.code !== undefined && ROW_DATA_CLICKHOUSE_CODES.has(String(e.code))) return true;
  return e.cause ? isRowDataError(e.cause) : false;
}
