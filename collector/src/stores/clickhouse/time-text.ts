/**
 * Instants as ClickHouse writes and reads them in text: `2026-01-02 03:04:05.123` without a zone,
 * which both engines take as UTC (the client's session_timezone), whatever the process's TZ.
 */

/** Epoch milliseconds as the DateTime64(3) text ClickHouse reads. */
export const millisText = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

/** ClickHouse's `2026-01-02 03:04:05[.123456]` (a DateTime's text, UTC) as RFC 3339. */
export const iso = (text: string): string => `${text.replace(' ', 'T')}Z`;
