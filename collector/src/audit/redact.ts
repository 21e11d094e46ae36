import { storableText } from '../security/storable-text';

// Field names whose values never enter the audit trail, at any depth.
// Matched on the whole field name, so `passwordChanged` or `maxTokens` stay readable.
const SECRET = /^(.*_)?((password|passwd)(_?hash)?|secret|client_?secret|credentials?|api_?key|admin_?key|private_?key|access_?key|key_?hash|authorization|cookie|(session|access|refresh|bearer)?_?token)$/i;

/** Snapshots deeper than this are cut ("[too deep]"): walking further risks the stack and says nothing an auditor reads. */
export const MAX_AUDIT_DEPTH = 32;

// A jsonb column holds neither NUL nor a lone surrogate: each is replaced with U+FFFD.
const clean = storableText;

/** A copy with secret fields replaced by "[redacted]", for before/after snapshots. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return clean(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_AUDIT_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [clean(k), SECRET.test(k.replace(/([a-z])([A-Z])/g, '$1_$2')) && v !== null && v !== undefined ? '[redacted]' : redact(v, depth + 1)]),
  );
}
