/**
 * How the page words context items and search hits: types, validity, scores and the query words
 * an item shares (marked in its text). Pure, so the tests pin them down without a collector.
 */
import type { Context, ContextSearchHit, ContextType } from '@ai-arm/schemas';
import { utcTime } from '../../format';

export const TYPE_NAMES: Record<ContextType, string> = {
  FACT: 'Fact',
  PREFERENCE: 'Preference',
  INSTRUCTION: 'Instruction',
  INTENT: 'Intent',
  CONVERSATION: 'Conversation',
};
export const CONTEXT_TYPES = Object.keys(TYPE_NAMES) as ContextType[];

/**
 * A UTC instant typed as `2026-03-01` (its start) or `2026-03-01 14:30[:05]` (a T works too),
 * as RFC 3339; '' for nothing typed, null for text that is not such an instant. Read as UTC
 * whatever the browser's zone, as every time on the page is shown.
 */
export function utcInstant(text: string): string | '' | null {
  const t = text.trim();
  if (t === '') {
    return '';
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?Z?$/.exec(t);
  if (!m) {
    return null;
  }
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1);
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const back = new Date(ms);
  // 2026-02-30 or 25:00 roll over in Date.UTC: not a time anyone meant.
  if (back.getUTCMonth() !== +mo - 1 || back.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) {
    return null;
  }
  return back.toISOString();
}

/** An RFC 3339 instant as the page's UTC fields take it back (`2026-03-01 14:30:00`). */
export const instantText = (iso: string | null) => (iso ? utcTime(iso) : '');

/** Whether an item holds at `atMs`: from validFrom, until (not at) validUntil. */
export const validAt = (item: Pick<Context, 'validFrom' | 'validUntil'>, atMs: number) =>
  Date.parse(item.validFrom) <= atMs && (item.validUntil === null || Date.parse(item.validUntil) > atMs);

/** The validity window in words: `from 2026-03-01 00:00:00`, `2026-03-01 00:00:00 to 2026-04-01 00:00:00`. */
export const validityText = (item: Pick<Context, 'validFrom' | 'validUntil'>) =>
  item.validUntil === null
    ? `from ${utcTime(item.validFrom)}`
    : `${utcTime(item.validFrom)} to ${utcTime(item.validUntil)}`;

/** What an item is now: superseded (by a newer one with its key), expired, not yet valid, or live. */
export function itemState(item: Context, nowMs: number): 'live' | 'superseded' | 'expired' | 'future' {
  if (item.supersededBy !== null) {
    return 'superseded';
  }
  if (item.validUntil !== null && Date.parse(item.validUntil) <= nowMs) {
    return 'expired';
  }
  return Date.parse(item.validFrom) > nowMs ? 'future' : 'live';
}

/** Where an item came from, in words. */
export function sourceText(item: Context): string {
  switch (item.source.type) {
    case 'INTERACTION':
      return item.source.extractor ? `captured (${item.source.extractor})` : 'captured';
    case 'MANUAL':
      return 'added by hand';
    case 'IMPORT':
      return 'imported';
    case 'TRANSFER':
      return 'transferred';
  }
}

/** A hit's figures as the results table shows them: combined score, similarity, share of query words. */
export function hitFigures(hit: Pick<ContextSearchHit, 'score' | 'semantic' | 'keyword'>) {
  return {
    score: hit.score.toFixed(3),
    semantic: hit.semantic === null ? 'no vector' : hit.semantic.toFixed(2),
    keyword: `${Math.round(hit.keyword * 100)}%`,
  };
}

/**
 * Words that carry no meaning of their own, as the collector's keyword search leaves them out
 * (collector/src/context/index/words.ts): marking every "the" would hide the words that matched.
 */
const STOP = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its me my of on or our ' +
    'should so than that the their them then there these they this to us was we were what when where which who why will with would ' +
    'you your about any all also just not no yes please tell know want need like get use'
  ).split(' ')
);

/** A word's stem by the commonest English endings, as the collector's search takes it (refunded: refund). */
export function stemOf(word: string): string {
  if (word.length <= 4) {
    return word;
  }
  for (const [end, keep] of [
    ['ies', 'y'],
    ['ing', ''],
    ['ed', ''],
    ['es', ''],
    ['s', ''],
    ['ly', ''],
  ] as const) {
    if (word.endsWith(end) && word.length - end.length >= 3) {
      return word.slice(0, word.length - end.length) + keep;
    }
  }
  return word;
}

/**
 * The query's words that count, lower case, once each: stop words left out (all of them when the
 * query has nothing else), and single letters unless digits.
 */
export function queryWords(q: string): string[] {
  const all = [...new Set(q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  const content = all.filter((w) => !STOP.has(w) && (w.length > 1 || /\d/.test(w)));
  return content.length > 0 ? content : all;
}

export interface Segment {
  text: string;
  match: boolean;
}

/**
 * The text cut where a word starts with a query word's stem (case-insensitive: "refunded" marks
 * "Refunds"), so the words an item shares with the query can be marked. Joined again, the
 * segments are the text.
 */
export function markWords(text: string, q: string): Segment[] {
  const words = [...new Set(queryWords(q).map(stemOf))].sort((a, b) => b.length - a.length);
  if (words.length === 0 || text === '') {
    return text === '' ? [] : [{ text, match: false }];
  }
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // The whole word is marked, from the stem to its end.
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const out: Segment[] = [];
  let at = 0;
  for (const m of text.matchAll(re)) {
    if (m.index! > at) {
      out.push({ text: text.slice(at, m.index), match: false });
    }
    out.push({ text: m[0], match: true });
    at = m.index! + m[0].length;
  }
  if (at < text.length) {
    out.push({ text: text.slice(at), match: false });
  }
  return out;
}
