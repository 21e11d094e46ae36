// Field names whose values never enter the audit trail, at any depth.
// Matched on the whole field name, so `passwordChanged` or `maxTokens` stay readable.
const SECRET = /^(.*_)?((password|passwd)(_?hash)?|secret|client_?secret|credentials?|api_?key|admin_?key|private_?key|access_?key|key_?hash|authorization|cookie|(session|access|refresh|bearer)?_?token)$/i;

/** A copy with secret fields replaced by "[redacted]", for before/after snapshots. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET.test(k.replace(/([a-z])([A-Z])/g, '$1_$2')) && v !== null && v !== undefined ? '[redacted]' : redact(v)]));
  }
  return value;
}
