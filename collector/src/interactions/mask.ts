/**
 * Masking of message content before it is stored: secrets and government or financial
 * identifiers (card numbers, SSNs, IBANs) become a marker (`[REDACTED:<kind>]`) so a captured
 * prompt never keeps a credential or a PAN. The governance detectors decide what these are, so
 * what a policy calls a card number is what gets masked. E-mail addresses and phone numbers are
 * kept: context extraction needs them, and a policy can still detect them. It runs on every
 * string leaf of the content (never on serialised JSON, where a replacement could eat an escape
 * and break the document), and on attribute values.
 */
import { anyHint, DETECTORS, findSpans, luhnValid, maskSpans, redactionMarker } from '../governance/detectors';

export { luhnValid };

const STORED_PII = new Set(['pii.card', 'pii.ssn', 'pii.iban']);

/** What stored content never keeps. */
export const MASKED_IN_STORED_CONTENT = DETECTORS.filter((d) => d.family === 'secret' || STORED_PII.has(d.name));

/** A cheap test first: most text has none of these, and no detector then runs. */
const MAYBE = anyHint(MASKED_IN_STORED_CONTENT);

/** `text` with every secret, Luhn-valid card number, SSN and IBAN replaced by its marker. */
export function maskText(text: string): string {
  if (MAYBE && !MAYBE(text)) return text;
  const spans = findSpans(text, MASKED_IN_STORED_CONTENT);
  return spans.length === 0 ? text : maskSpans(text, spans);
}

/** Keys whose value is a secret whatever it looks like (`{"password": "hunter2"}`). */
const SECRET_KEY = /^(password|passwd|pwd|secret|api[_-]?key|access[_-]?token|client[_-]?secret|authorization)$/i;
const SECRET_VALUE = redactionMarker('secret.password');

/** A copy of `value` (JSON-like) with every string masked; depth-bounded so hostile nesting cannot recurse forever. */
export function maskValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object' || depth > 32) return depth > 32 ? null : value;
  if (Array.isArray(value)) return value.map((v) => maskValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' && SECRET_KEY.test(k) ? SECRET_VALUE : maskValue(v, depth + 1);
  return out;
}
