/**
 * Credentials: vendor key formats (each vendor's documented prefix and alphabet), private key
 * blocks, JWTs, bearer and basic authorization values, and values given to a password-like
 * label. Where a label or scheme introduces the secret (`password=`, `Bearer `), the span is the
 * value alone, so masking keeps the label and a reader still sees what was there.
 */
import type { TextSpan } from './detector';
import { patternDetector, trailingGroup, type HintedDetector } from './scan';

const PRIVATE_KEY_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ ){0,4})PRIVATE KEY( BLOCK)?-----/g;
/** The base64 body of a key block cut short (no END line): masked too, as far as it goes. */
const PRIVATE_KEY_BODY = /[A-Za-z0-9+/=\s]*/y;

/**
 * PEM and PGP private key blocks, from BEGIN to its matching END. A block whose END is missing
 * (content cut at a length limit) is a span up to the end of its base64 body. The next END
 * marker of each label is looked up once and reused while it lies ahead, so text with many
 * BEGIN lines and no END costs one pass, not one per line.
 */
const privateKey: HintedDetector = {
  name: 'secret.private_key',
  family: 'secret',
  hint: /PRIVATE KEY/,
  find(text: string): TextSpan[] {
    if (!text.includes('PRIVATE KEY-----') && !text.includes('PRIVATE KEY BLOCK-----')) return [];
    const spans: TextSpan[] = [];
    const nextEnd = new Map<string, number>();
    PRIVATE_KEY_BEGIN.lastIndex = 0;
    for (let m = PRIVATE_KEY_BEGIN.exec(text); m !== null; m = PRIVATE_KEY_BEGIN.exec(text)) {
      const endMarker = `-----END ${m[1]}PRIVATE KEY${m[2] ?? ''}-----`;
      const after = PRIVATE_KEY_BEGIN.lastIndex;
      let at = nextEnd.get(endMarker);
      if (at === undefined || (at >= 0 && at < after)) {
        at = text.indexOf(endMarker, after);
        nextEnd.set(endMarker, at);
      }
      let end: number;
      if (at >= 0) end = at + endMarker.length;
      else {
        PRIVATE_KEY_BODY.lastIndex = after;
        PRIVATE_KEY_BODY.exec(text);
        end = PRIVATE_KEY_BODY.lastIndex;
        while (end > after && /\s/.test(text[end - 1]!)) end--;
      }
      spans.push({ start: m.index, end, detector: 'secret.private_key' });
      PRIVATE_KEY_BEGIN.lastIndex = Math.max(end, after);
    }
    return spans;
  },
};

/**
 * A key format: a pattern that starts at a word boundary, and a literal it holds (the hint). Where
 * one hint holds another's (`sk-ant-` holds `sk-`, a webhook URL holds `://`), the shorter serves
 * both: masking's joint first test then has fewer alternatives to try.
 */
const keyFormat = (name: string, pattern: RegExp, hint: RegExp) => patternDetector(name, pattern, { hint });

/** A bearer value is a token, not a word: it has a digit or a token character, or is long. */
const TOKEN_LIKE = /[0-9._~+/=-]/;

/** A basic authorization value is base64 of `user:password`. */
function basicCredentials(value: string): boolean {
  if (value.length % 4 !== 0) return false;
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded);
}

/**
 * Labels whose value is a secret. A label may end a longer name (`DB_PASSWORD`,
 * `aws_secret_access_key`): it must only not follow a letter or digit (`mypassword` is a word).
 */
const SECRET_LABEL =
  'password|passwd|passphrase|pwd|secret|secret[_-]?key|secret[_-]?access[_-]?key|api[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|client[_-]?secret|private[_-]?key';

/** Most specific first: when two find the same span, the first names it (a JWT given as a bearer value is a JWT). */
export const SECRET_DETECTORS: readonly HintedDetector[] = [
  privateKey,
  // The look-behind anchors the start: `-` belongs to the token, so \b would let a run of
  // `eyJ-eyJ-…` start once per segment and be read to its end each time.
  patternDetector('secret.jwt', /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, { hint: /eyJ/ }),
  keyFormat('secret.anthropic_key', /\bsk-ant-[A-Za-z0-9_-]{16,}/g, /sk-/),
  keyFormat('secret.arm_key', /\barm_sk_[A-Za-z0-9_]{16,}/g, /arm_sk_/),
  keyFormat('secret.openai_key', /\bsk-(?!ant-)[A-Za-z0-9_-]{16,}/g, /sk-/),
  keyFormat('secret.aws_key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, /A[KS]IA/),
  keyFormat('secret.github_token', /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})/g, /gh[pousr]_|github_pat_/),
  keyFormat('secret.gitlab_token', /\bglpat-[A-Za-z0-9_-]{20,}/g, /glpat-/),
  keyFormat('secret.google_api_key', /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, /AIza/),
  keyFormat('secret.slack_token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, /xox/),
  keyFormat('secret.slack_webhook', /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_/]{20,}/g, /:\/\//),
  keyFormat('secret.stripe_key', /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, /k_(?:live|test)_/),
  keyFormat('secret.npm_token', /\bnpm_[A-Za-z0-9]{36}\b/g, /npm_/),
  keyFormat('secret.huggingface_token', /\bhf_[A-Za-z0-9]{30,}/g, /hf_/),
  // The password of a URL's user information (postgres://user:password@host); the user stays.
  // The scheme is not read: starting at `://` lets the scan skip to each one.
  patternDetector('secret.url_password', /:\/\/[^\s:/@]{1,256}:([^\s/@]{1,256})(?=@)/g, {
    hint: /:\/\//,
    accept: trailingGroup,
  }),
  patternDetector('secret.basic_auth', /\bBasic\s+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/gi, {
    hint: /basic/i,
    accept: (m) => (basicCredentials(m[1]!) ? trailingGroup(m) : null),
  }),
  patternDetector('secret.bearer', /\bBearer\s+([A-Za-z0-9._~+/=-]{8,})/gi, {
    hint: /bearer/i,
    accept: (m) => (TOKEN_LIKE.test(m[1]!) || m[1]!.length >= 20 ? trailingGroup(m) : null),
  }),
  // The value: quoted (to its closing quote on the same line), or up to a space, a separator,
  // a quote, a backtick or a closing bracket (`{"key":"x"}`, `(password=x)`, Markdown's `password=`).
  patternDetector(
    'secret.password',
    new RegExp(`(?<![A-Za-z0-9])(?:${SECRET_LABEL})["']?\\s*[:=]\\s*("[^"\\r\\n]*"|'[^'\\r\\n]*'|[^\\s,;&"'\`<>)\\]}]+)`, 'gi'),
    // A label word directly before its separator: prose about tokens and secrets skips the pattern.
    { hint: /(?:passw|passphrase|pwd|secret|key|token)\w*["']?\s*[:=]/i, accept: trailingGroup },
  ),
];
