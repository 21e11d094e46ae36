// Field names whose values never enter the audit trail, at any depth.
const SECRET = /(password|secret|token|credential|api_?key|key_?hash|authorization|cookie)/i;

/** A copy with secret fields replaced by "[redacted]", for before/after snapshots. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET.test(k) && v !== null && v !== undefined ? '[redacted]' : redact(v)]));
  }
  return value;
}
