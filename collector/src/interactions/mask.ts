/**
 * Masking of message content before it is stored: secrets and card numbers become a marker
 * (`[REDACTED:<kind>]`) so a captured prompt never keeps a credential or a PAN. It runs on
 * every string leaf of the content (never on serialised JSON, where a replacement could eat
 * an escape and break the document), and on attribute values.
 */

const marker = (kind: string) => `[REDACTED:${kind}]`;

/** Most specific first: an Anthropic key is also an `sk-` key, and is named as such. */
const SECRETS: readonly [kind: string, pattern: RegExp, keep?: (m: string, ...groups: string[]) => string][] = [
  ['private_key', /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g],
  ['jwt', /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g],
  ['bearer', /\b(Bearer)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi, (_m, word, space) => `${word}${space}${marker('bearer')}`],
  ['arm_key', /\barm_sk_[A-Za-z0-9_]{16,}/g],
  ['anthropic_key', /\bsk-ant-[A-Za-z0-9_-]{16,}/g],
  ['openai_key', /\bsk-[A-Za-z0-9_-]{16,}/g],
  ['aws_key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g],
  ['github_token', /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})/g],
  [
    'password',
    /\b(password|passwd|pwd|secret|api[_-]?key|access[_-]?token|client[_-]?secret)(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi,
    (_m, key, sep) => `${key}${sep}${marker('password')}`,
  ],
];

/** 13 to 19 digits, single spaces or dashes between them allowed. */
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A cheap test first: most text has none of these, and the regexes then never run. */
const MAYBE = /\d{4}|sk-|arm_sk_|AKIA|ASIA|gh[pousr]_|github_pat_|bearer|eyJ|PRIVATE KEY|passw|pwd|secret|api[_-]?key|token/i;

/** `text` with every secret and every Luhn-valid card number replaced by its marker. */
export function maskText(text: string): string {
  if (!MAYBE.test(text)) return text;
  let out = text;
  for (const [kind, pattern, keep] of SECRETS) {
    out = out.replace(pattern, (m: string, ...groups: unknown[]) => (keep ? keep(m, ...(groups as string[])) : marker(kind)));
  }
  return out.replace(CARD_CANDIDATE, (m) => {
    const digits = m.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? marker('card') : m;
  });
}

/** Keys whose value is a secret whatever it looks like (`{"password": "hunter2"}`). */
const SECRET_KEY = /^(password|passwd|pwd|secret|api[_-]?key|access[_-]?token|client[_-]?secret|authorization)$/i;

/** A copy of `value` (JSON-like) with every string masked; depth-bounded so hostile nesting cannot recurse forever. */
export function maskValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object' || depth > 32) return depth > 32 ? null : value;
  if (Array.isArray(value)) return value.map((v) => maskValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' && SECRET_KEY.test(k) ? marker('password') : maskValue(v, depth + 1);
  return out;
}
