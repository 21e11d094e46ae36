/**
 * The keyword half of context search: the query's words (stop words left out), each with the few
 * forms it is likely written in (refund: refunds, refunded, refunding), matched against the words
 * of an item as ClickHouse's splitByNonAlpha tokenizer cuts them (the text index of migration 009).
 */

const STOP = new Set(
  ('a an and are as at be been but by can could did do does for from had has have how i if in into is it its me my of on or our ' +
    'should so than that the their them then there these they this to us was we were what when where which who why will with would ' +
    'you your about any all also just not no yes please tell know want need like get use')
    .split(' '),
);

/** A word's stem by the commonest English endings; short words stay whole. */
export function stemOf(word: string): string {
  if (word.length <= 4) return word;
  for (const [end, keep] of [['ies', 'y'], ['ing', ''], ['ed', ''], ['es', ''], ['s', ''], ['ly', '']] as const) {
    if (word.endsWith(end) && word.length - end.length >= 3) return word.slice(0, word.length - end.length) + keep;
  }
  return word;
}

/** The forms a stem is looked up in: the stem and its inflections (a few that never occur cost nothing). */
function formsOf(word: string): string[] {
  const stem = stemOf(word);
  const forms = new Set([word, stem, `${stem}s`, `${stem}es`, `${stem}ed`, `${stem}ing`, `${stem}e`, `${stem}er`, `${stem}ers`]);
  if (stem.endsWith('y')) for (const f of ['ies', 'ied']) forms.add(stem.slice(0, -1) + f);
  if (stem.endsWith('e')) for (const f of ['d', 's', 'r']) forms.add(stem + f);
  return [...forms];
}

export interface QueryWords {
  /** The query's distinct words, stop words left out (all of them when it has nothing else). */
  words: string[];
  /** The forms of each word, in the same order. */
  forms: string[][];
}

/** Lowercase words as splitByNonAlpha cuts text: runs of ASCII letters and digits and any non-ASCII characters. */
export const tokensOf = (text: string): string[] => text.toLowerCase().split(/[^a-z0-9\u0080-\uffff]+/).filter((w) => w.length > 0);

export function queryWords(q: string): QueryWords {
  const all = [...new Set(tokensOf(q))];
  const content = all.filter((w) => !STOP.has(w) && (w.length > 1 || /\d/.test(w)));
  const words = (content.length > 0 ? content : all).slice(0, 32);
  return { words, forms: words.map(formsOf) };
}

/** The query words an item's text holds (any of their forms). */
export function sharedWords(query: QueryWords, text: string): string[] {
  const have = new Set(tokensOf(text));
  return query.words.filter((_, i) => query.forms[i]!.some((f) => have.has(f)));
}

/** Why a hit matched, in plain words. */
export function whyOf(semantic: number | null, shared: readonly string[], note?: string): string {
  const parts: string[] = [];
  if (semantic !== null) parts.push(`${semantic >= 0.5 ? 'similar in meaning' : semantic >= 0.3 ? 'somewhat similar in meaning' : 'little similarity in meaning'} (${semantic.toFixed(2)})`);
  else parts.push('no vector for it yet (keyword match only)');
  parts.push(shared.length > 0 ? `shares the word${shared.length > 1 ? 's' : ''} ${shared.join(', ')}` : 'shares no words with the query');
  if (note) parts.push(note);
  return parts.join('; ');
}
