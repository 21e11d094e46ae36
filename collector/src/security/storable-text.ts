/** A lone half of a UTF-16 surrogate pair: no database, jsonb column or log line can hold it. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Why `s` cannot be stored as text (a NUL byte or a lone surrogate), or null when it can. */
export const unstorableBecause = (s: string): string | null =>
  s.includes('\u0000') ? 'must not contain a NUL byte' : LONE_SURROGATE.test(s) ? 'must not contain an unpaired UTF-16 surrogate' : null;

/** `s` with NUL bytes and lone surrogates replaced by U+FFFD, so a store can hold it. */
export const storableText = (s: string) => s.replace(LONE_SURROGATES, '\uFFFD').replace(/\u0000/g, '\uFFFD');
