import pino, { type Logger, type LoggerOptions } from 'pino';

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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
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
