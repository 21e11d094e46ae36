import pino, { type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

/**
 * Paths that may carry a secret anywhere in a log line. Redaction is by key, so a
 * credential logged under one of these names never reaches the output.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.apiKey',
  '*.api_key',
  '*.secret',
  '*.token',
  '*.credentials',
  '*.adminKey',
  'password',
  'apiKey',
  'credentials',
  'config.vendorKeys',
  'config.postgresUrl',
  'config.clickhouseUrl',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'ai-arm-collector' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

/** `pretty`: readable lines for a person at a terminal; `json`: one JSON object a line, for everything else. */
export type LogFormat = 'pretty' | 'json';

/**
 * Readable lines only when a person is reading: stdout is a terminal and this is not a test
 * run. Pipes, files and container runtimes (whose log drivers parse JSON) get JSON lines.
 */
export function logFormat(stdout: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): LogFormat {
  return stdout.isTTY === true && env.NODE_ENV !== 'test' ? 'pretty' : 'json';
}

/** The collector's logger, on stdout unless `destination` says otherwise; see logFormat for the format. */
export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = destination ? 'json' : logFormat()): Logger {
  if (format === 'pretty') {
    // Redaction happens in pino, before pino-pretty sees the line. Times stay in UTC whatever TZ says.
    return pino(loggerOptions(level), pretty({ destination: destination ?? 1, sync: true, translateTime: "UTC:yyyy-mm-dd HH:MM:ss.l'Z'", ignore: 'service' }));
  }
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

/** Strip user:password from a URL before it is logged or reported. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
