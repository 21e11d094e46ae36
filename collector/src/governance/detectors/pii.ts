/**
 * Personal data: e-mail addresses, phone numbers, payment card numbers, US social security
 * numbers and IBANs. Each finds candidates with a strict pattern and then validates them (the
 * Luhn digit, the SSN ranges, the IBAN's country length and mod-97 check, libphonenumber's
 * numbering plan), because a bare digit run is far more often an order number or a date.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ibanLength, ibanValid } from './iban';
import { luhnValid } from './luhn';
import { patternDetector, type HintedDetector } from './scan';

/** Names that look like an address but are an image at a pixel density (`icon@2x.png`). */
const FILE_SUFFIX = /^(?:png|jpe?g|gif|svg|webp|avif|ico|bmp|tiff?)$/i;

/**
 * `postgres://user:secret@db.internal` holds `secret@db.internal`: the password and host of a
 * URL (secret.url_password finds the password), not an address. True when the token the match
 * sits in (back to a space, at most 256 characters) holds `://` before it.
 */
function inUrlUserInfo(text: string, at: number): boolean {
  const from = Math.max(0, at - 256);
  for (let i = at - 1; i >= from; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) return false;
    if (c === 47 && text.charCodeAt(i - 1) === 47 && text.charCodeAt(i - 2) === 58) return true;
  }
  return false;
}

export const email: HintedDetector = patternDetector(
  'pii.email',
  // The local part is anchored at its first character and bounded (64, as RFC 5321 allows), so
  // a long run without an @ is tried once; every domain label ends at a dot, so labels cannot
  // be split two ways.
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}([A-Za-z]{2,63})(?![A-Za-z0-9-])/g,
  { hint: /@/, accept: (m, text) => (FILE_SUFFIX.test(m[1]!) || inUrlUserInfo(text, m.index) ? null : { start: m.index, end: m.index + m[0].length }) },
);

/**
 * Phone numbers in the formats people write them: international with a leading + (any
 * country), and North American national numbers with separators ((415) 555-2671, 415-555-2671,
 * 415.555.2671). A bare run of ten digits is not taken: it is more often an id. Every candidate
 * must be a valid number of its country's plan (libphonenumber-js, full metadata).
 */
/**
 * Candidates already judged: a parse costs some 10 µs, and the same numbers recur (a support
 * line, a signature). Bounded by emptying it when full.
 */
const phoneValidity = new Map<string, boolean>();

export const phone: HintedDetector = patternDetector(
  'pii.phone',
  new RegExp(
    [
      '(?<![\\w+])(?:',
      // +44 20 7946 0958, +1 (415) 555-2671, +49 (0)30 901820, +81 3-1234-5678
      '\\+\\d{1,3}(?:[ .-]?\\(\\d{1,4}\\))?[ .-]?\\d{1,8}(?:[ .-]\\d{1,8}){0,6}',
      '|\\+\\d{7,15}',
      // (415) 555-2671, 415-555-2671, 415.555.2671
      '|(?:\\(\\d{3}\\)[ .-]?|\\d{3}[.-])\\d{3}[.-]\\d{4}',
      ')(?![\\w-])',
    ].join(''),
    'g',
  ),
  {
    hint: /\+\d|\d{3}[).-]/,
    accept: (m) => {
      let digits = 0;
      for (let i = 0; i < m[0].length; i++) if (m[0].charCodeAt(i) >= 48 && m[0].charCodeAt(i) <= 57) digits++;
      if (digits < 7 || digits > 15) return null;
      let valid = phoneValidity.get(m[0]);
      if (valid === undefined) {
        if (phoneValidity.size >= 4096) phoneValidity.clear();
        valid = parsePhoneNumberFromString(m[0], 'US')?.isValid() ?? false;
        phoneValidity.set(m[0], valid);
      }
      return valid ? { start: m.index, end: m.index + m[0].length } : null;
    },
  },
);

/**
 * Payment card numbers: 13 to 19 digits starting with an issuer's first digit (2 to 6: Visa,
 * Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro), the first four together and
 * single spaces or dashes allowed after, passing the Luhn check. Millisecond timestamps start
 * with 1 and are not taken.
 */
export const card: HintedDetector = patternDetector('pii.card', /(?<![\d-])[2-6]\d{3}(?:[ -]?\d){9,15}(?![\d-])/g, {
  hint: /\d{4}/,
  accept: (m) => (luhnValid(m[0].replace(/[ -]/g, '')) ? { start: m.index, end: m.index + m[0].length } : null),
});

/**
 * US social security numbers written AAA-GG-SSSS, without the ranges never issued: area 000,
 * 666 and 900-999, group 00, serial 0000. Nine bare digits are not taken (too many ids).
 */
export const ssn: HintedDetector = patternDetector('pii.ssn', /(?<![\w-])(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])/g, {
  // The serial's four digits: the same first test as card numbers, so masking runs it once.
  hint: /\d{4}/,
});

/**
 * IBANs, electronic (DE89370400440532013000) or printed in groups (DE89 3704 0044 0532 0130 00):
 * a country of the IBAN registry, exactly that country's length and the mod-97 check digits.
 * The candidate reads ahead up to 34 characters; the span keeps only the country's length,
 * and the scan goes on right after the country code when a candidate fails,
 * so an IBAN just after something IBAN-like is still found.
 */
export const iban: HintedDetector = patternDetector('pii.iban', /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/g, {
  hint: /[A-Z]{2}\d\d/,
  accept: (m, text) => {
    const length = ibanLength(m[0].slice(0, 2));
    if (!length) return { next: m.index + 2 };
    let compact = '';
    let end = m.index;
    for (; end < m.index + m[0].length && compact.length < length; end++) if (text[end] !== ' ') compact += text[end];
    if (compact.length !== length || /[A-Za-z0-9]/.test(text[end] ?? '') || !ibanValid(compact)) return { next: m.index + 2 };
    return { start: m.index, end, next: end };
  },
});

export const PII_DETECTORS: readonly HintedDetector[] = [email, phone, card, ssn, iban];
