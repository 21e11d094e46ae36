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

/** Query parameters whose values are masked in a URL that is logged or shown: `?token=`, `?api_key=`, `&sig=`, ... */
const SECRET_PARAM = /token|key|secret|pass|pwd|auth|sig|credential|session|code/i;

/**
 * A URL as it may be logged, shown or reported: its password masked (or its user name,
 * when that stands alone, as a token does), and so the values of query parameters named
 * like secrets. A URL with nothing to hide comes back as it was given.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const before = u.toString();
    if (u.password) u.password = '***';
    else if (u.username) u.username = '***';
    for (const name of new Set(u.searchParams.keys())) if (SECRET_PARAM.test(name)) u.searchParams.set(name, '***');
    return u.toString() === before ? url : u.toString();
  } catch {
    return '[unparseable url]';
  }
}

/** Every URL in a text (an error message) passed through redactUrl. */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, (url) => {
    const redacted = redactUrl(url);
    // Unparseable, it may still hold user:password@: keep only the scheme.
    return redacted === '[unparseable url]' ? `${url.slice(0, url.indexOf('://') + 3)}[redacted]` : redacted;
  });
}
