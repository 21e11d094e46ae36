import { createHash } from 'node:crypto';
import { contentText } from './content-text';
import type { InteractionInput } from './interaction';

/**
 * What quality reads of an answer, taken at ingest while the content is in hand, whether or not
 * the organisation keeps the content: a refusal flag, the answer's length and a 64-bit simhash
 * (answers to the same prompt compared for consistency; it cannot give the text back). The
 * prompt's key is a hash of the prompt, so it is kept only with content capture on, when the
 * prompt itself is stored anyway; so is the simhash, which is only compared within a prompt key.
 */
export interface AnswerSignals {
  refusal: 0 | 1;
  output_chars: number;
  has_answer: 0 | 1;
  prompt_key: string;
  /** UInt64 as decimal text (JSONEachRow reads it exactly). */
  answer_simhash: string;
}

/**
 * Openings of an answer that declines the task, in the phrasings models use. Only the start of the
 * answer is read: a refusal says so first, and a long answer quoting "I can't" is not one. An
 * apology may come first ("I'm sorry, but", "Unfortunately,", "I'm afraid"); then "I" with a
 * negative ("can't", "won't", "am unable to", "am not going to") and a verb of the task ("help",
 * "provide", ...), so "I can't wait to help" and "I cannot stress enough" are not refusals; or
 * "I must decline"; or, after an apology, "that's not something I can ...".
 */
const APOLOGY = String.raw`(?:(?:i'?m|i am)\s+(?:so\s+|very\s+|really\s+|truly\s+)?(?:sorry|afraid)|sorry|i apologi[sz]e|my apologies|apologies|unfortunately)`;
const CANNOT = String.raw`(?:can(?:no|')?t|can\s+not|cannot|won'?t|will not|must not|(?:am|'m)\s+(?:not\s+(?:able|allowed|permitted|going)|unable)\s+to)`;
const ADVERB = String.raw`(?:(?:really|actually|currently|directly|personally|legally|ethically|safely|in good conscience)\s+)?`;
const TASK = String.raw`(?:help|assist|provide|do|comply|answer|fulfil|fulfill|support|share|create|generate|write|complete|engage|give|offer|process|continue|participate|make|produce)\b`;
const REFUSAL = new RegExp(
  String.raw`^\W*(?:${APOLOGY}[\s,.!]*(?:but[\s,]*)?)?(?:` +
    String.raw`i\s*${CANNOT}\s+${ADVERB}${TASK}|` +
    String.raw`i\s+(?:must|have to|need to)\s+(?:respectfully\s+|politely\s+)?(?:decline|refuse)|` +
    String.raw`as an ai(?:\s+(?:language\s+)?model)?,?\s+i\s*(?:${CANNOT}|do not|don'?t|am not able))|` +
    String.raw`^\W*${APOLOGY}[\s,.!]*(?:but[\s,]*)?(?:i|that|this)\b[^.!?\n]{0,40}?\b(?:${CANNOT}|unable|not able|not something i)`,
  'i',
);
const HEAD = 300;

export const isRefusal = (answer: string): boolean => REFUSAL.test(answer.slice(0, HEAD).replace(/[’‘]/g, "'"));

/** The most of an answer the simhash reads: enough to tell answers apart, bounded per span on the push path. */
const SIMHASH_CHARS = 8192;

/** A word's 32-bit FNV-1a hash from an offset (two offsets give two independent halves of the 64 bits). */
function fnv1a32(word: string, offset: number): number {
  let h = offset;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h;
}

/** Mixes two words' hashes into their pair's (murmur3's finaliser): no string per pair. */
function pair(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Charikar's simhash over word pairs: near answers differ in few of the 64 bits. Number arithmetic only, about 100 µs for 300 words. */
export function simhash(text: string): bigint {
  const words = text.slice(0, SIMHASH_CHARS).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return 0n;
  const weights = new Int32Array(64);
  const vote = (lo: number, hi: number) => {
    for (let bit = 0; bit < 32; bit++) {
      weights[bit]! += ((lo >>> bit) & 1) * 2 - 1;
      weights[bit + 32]! += ((hi >>> bit) & 1) * 2 - 1;
    }
  };
  let lo0 = fnv1a32(words[0]!, 0x811c9dc5);
  let hi0 = fnv1a32(words[0]!, 0x050c5d1f);
  if (words.length === 1) vote(lo0 >>> 0, hi0 >>> 0);
  for (let i = 1; i < words.length; i++) {
    const lo1 = fnv1a32(words[i]!, 0x811c9dc5);
    const hi1 = fnv1a32(words[i]!, 0x050c5d1f);
    vote(pair(lo0, lo1), pair(hi0, hi1));
    lo0 = lo1;
    hi0 = hi1;
  }
  let lo = 0;
  let hi = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (weights[bit]! > 0) lo |= 1 << bit;
    if (weights[bit + 32]! > 0) hi |= 1 << bit;
  }
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** A prompt's key within its organisation: the same words, whatever the case and spacing, give the same key. */
export const promptKey = (organizationId: string, prompt: string): string =>
  createHash('sha256').update(organizationId).update('\0').update(prompt.toLowerCase().replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 32);

const NONE: AnswerSignals = { refusal: 0, output_chars: 0, has_answer: 0, prompt_key: '', answer_simhash: '0' };

export function answerSignals(organizationId: string, item: InteractionInput, capture: boolean): AnswerSignals {
  const output = item.content?.output;
  if (output === undefined) return NONE;
  const answer = contentText(output);
  if (answer.length === 0) return NONE;
  const prompt = capture && item.content?.input !== undefined ? contentText(item.content.input) : '';
  // Consistency compares answers to the same prompt (same prompt_key): without one, a simhash is never read.
  return {
    refusal: isRefusal(answer) ? 1 : 0,
    output_chars: answer.length,
    has_answer: 1,
    prompt_key: prompt ? promptKey(organizationId, prompt) : '',
    answer_simhash: prompt ? simhash(answer).toString() : '0',
  };
}
