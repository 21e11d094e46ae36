/**
 * What the rules checker compares between a claim and a passage: dates (normalised from the
 * common ways of writing them), numbers (with their unit, "1,000" = "1000" = "1k", "5%" = "5
 * percent", "$2.5 million" = "$2,500,000"), names (runs of capitalised words) and content words
 * (lower-cased, stop words dropped, light stemming and a few synonyms, so a paraphrase still meets
 * its source).
 */

export interface DateFact {
  year: number | null;
  month: number | null;
  day: number | null;
  /** Other readings of an ambiguous numeric date (03/04/2024: 3 April or 4 March). */
  alternatives?: DateFact[];
  text: string;
}

export interface NumberFact {
  value: number;
  /** '%', a currency ('$', '€', '£', '¥'), the unit word that follows ('km', 'employees'), or ''. */
  unit: string;
  text: string;
}

export interface Facts {
  dates: DateFact[];
  numbers: NumberFact[];
  /** Names, lower-cased ("marie curie"), but a capitalised first word on its own. */
  entities: string[];
  /** A capitalised first word on its own ("Revenue grew", "Tesla spoke"): a name only if the sources write it capitalised too. */
  initial: string | null;
  /** Content words, normalised. */
  tokens: string[];
  negated: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6, jul: 7, july: 7, aug: 8, august: 8,
  sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};
const MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const DAY = String.raw`(\d{1,2})(?:st|nd|rd|th)?`;
const YEAR = String.raw`(\d{4})`;

/** Date patterns, most specific first; each gives (year, month, day) from its groups. */
const DATE_PATTERNS: { re: RegExp; read: (m: RegExpExecArray) => DateFact | null }[] = [
  { re: new RegExp(String.raw`\b${YEAR}-(\d{1,2})-(\d{1,2})\b`, 'giu'), read: (m) => ymd(+m[1]!, +m[2]!, +m[3]!, m[0]) },
  { re: new RegExp(String.raw`\b(\d{1,2})[/.](\d{1,2})[/.]${YEAR}\b`, 'giu'), read: (m) => numericDate(+m[1]!, +m[2]!, +m[3]!, m[0]) },
  { re: new RegExp(String.raw`\b${YEAR}/(\d{1,2})/(\d{1,2})\b`, 'giu'), read: (m) => ymd(+m[1]!, +m[2]!, +m[3]!, m[0]) },
  { re: new RegExp(String.raw`\b${MONTH}\s+${DAY},?\s+${YEAR}\b`, 'giu'), read: (m) => ymd(+m[3]!, MONTHS[m[1]!.toLowerCase()]!, +m[2]!, m[0]) },
  { re: new RegExp(String.raw`\b${DAY}\s+(?:of\s+)?${MONTH},?\s+${YEAR}\b`, 'giu'), read: (m) => ymd(+m[3]!, MONTHS[m[2]!.toLowerCase()]!, +m[1]!, m[0]) },
  { re: new RegExp(String.raw`\b${MONTH}\s+(?:of\s+)?${YEAR}\b`, 'giu'), read: (m) => ymd(+m[2]!, MONTHS[m[1]!.toLowerCase()]!, null, m[0]) },
  { re: new RegExp(String.raw`\b${MONTH}\s+${DAY}\b(?!\s*(?:%|percent))`, 'giu'), read: (m) => ymd(null, MONTHS[m[1]!.toLowerCase()]!, +m[2]!, m[0]) },
  { re: new RegExp(String.raw`\b${DAY}\s+(?:of\s+)?${MONTH}\b`, 'giu'), read: (m) => ymd(null, MONTHS[m[2]!.toLowerCase()]!, +m[1]!, m[0]) },
  // A month on its own after a preposition ("in June"); "may" alone is the verb.
  { re: /(?<=\b(?:in|by|until|from|since|during|before|after|of|early|late|mid|next|last|this)\s)(january|february|march|april|june|july|august|september|october|november|december)\b/giu, read: (m) => ymd(null, MONTHS[m[1]!.toLowerCase()]!, null, m[0]) },
  // A year on its own: four digits from 1800 to 2100, not part of a bigger number or an amount.
  { re: /(?<![\d,.$€£¥])\b(1[89]\d\d|20\d\d|2100)\b(?![,.]\d|\s*(?:%|percent|[kmb]\b|million|billion|thousand))/giu, read: (m) => ymd(+m[1]!, null, null, m[0]) },
];
const LONE_YEAR = DATE_PATTERNS[DATE_PATTERNS.length - 1]!;
/** Words before a year that make it one ("in 2019"); without one, "2000 employees" is a count. */
const YEAR_BEFORE = new Set(['in', 'since', 'by', 'from', 'until', 'till', 'to', 'before', 'after', 'during', 'of', 'early', 'late', 'mid', 'year', 'fiscal', 'fy', 'and', 'or', 'between', 'through', 'circa', 'c', 'around', 'as']);

/** Whether four digits read as a year there: after a preposition, or not followed by what they count. */
function readsAsYear(text: string, at: number, length: number): boolean {
  const before = /([\p{L}]+)[\s(]*$/u.exec(text.slice(Math.max(0, at - 20), at))?.[1]?.toLowerCase();
  if (before !== undefined && YEAR_BEFORE.has(before)) return true;
  const after = /^\s+([\p{L}]+)/u.exec(text.slice(at + length, at + length + 24))?.[1]?.toLowerCase();
  return after === undefined || STOP.has(after) || !(after.endsWith('s') || UNIT_ALIASES[after] !== undefined);
}

function ymd(year: number | null, month: number | null, day: number | null, text: string): DateFact | null {
  if (month !== null && (month < 1 || month > 12)) return null;
  if (day !== null && (day < 1 || day > 31)) return null;
  return { year, month, day, text };
}

/** 03/04/2024 is 3 April in most of the world and March 4 in the US: both readings are kept unless one is impossible. */
function numericDate(a: number, b: number, year: number, text: string): DateFact | null {
  const dayFirst = ymd(year, b, a, text);
  const monthFirst = ymd(year, a, b, text);
  if (dayFirst && monthFirst && a !== b) return { ...dayFirst, alternatives: [monthFirst] };
  return dayFirst ?? monthFirst;
}

const SCALE: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mn: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9, t: 1e12, trillion: 1e12 };
const WORD_NUMBERS: Record<string, number> = {
  two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, fifty: 50, hundred: 100,
  dozen: 12, half: 0.5, twice: 2, double: 2, triple: 3,
};
/** Unit words that are the same unit written differently. */
const UNIT_ALIASES: Record<string, string> = {
  percent: '%', per: '%', 'per cent': '%', pct: '%', usd: '$', dollars: '$', dollar: '$', eur: '€', euros: '€', euro: '€', gbp: '£', pounds: '£',
  kilometres: 'km', kilometers: 'km', kilometre: 'km', kilometer: 'km', metres: 'm', meters: 'm', metre: 'm', meter: 'm', kilograms: 'kg', kilogram: 'kg', kgs: 'kg',
  miles: 'mi', mile: 'mi', hours: 'h', hour: 'h', hrs: 'h', minutes: 'min', minute: 'min', mins: 'min', seconds: 's', second: 's', secs: 's', days: 'day', years: 'year',
  day: 'day', year: 'year', weeks: 'week', week: 'week', months: 'month', month: 'month', milliseconds: 'ms', millisecond: 'ms', ms: 'ms',
  tb: 'tb', terabytes: 'tb', gb: 'gb', gigabytes: 'gb', mb: 'mb', megabytes: 'mb', kb: 'kb', kilobytes: 'kb', km: 'km', kg: 'kg', mi: 'mi',
  employees: 'person', employee: 'person', staff: 'person', workers: 'person', people: 'person', persons: 'person', users: 'user', customers: 'customer',
};
const NUMBER = /(?:([$€£¥])\s?)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(k|m|mn|b|bn|t|thousand|million|billion|trillion)\b)?(?:\s?(%|percent|per cent|pct)|\s?([$€£¥]|usd|eur|gbp|dollars?|euros?|pounds)\b|\s+([a-z]{1,12}))?/giu;

function unitWord(word: string | undefined): string {
  if (!word) return '';
  const w = word.toLowerCase();
  if (STOP.has(w) || w === 'and' || w === 'or') return '';
  return UNIT_ALIASES[w] ?? stem(w);
}

/** Numbers of a text not already read as dates (`taken` marks their spans). */
function numbersOf(text: string, taken: boolean[]): NumberFact[] {
  const out: NumberFact[] = [];
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(text); m; m = NUMBER.exec(text)) {
    const at = m.index + (m[1] ? m[0].indexOf(m[2]!) : 0);
    if (taken[at]) continue;
    // A unit word that is a function word ("5 in 2023") is not the number's.
    let written = m[0];
    if (m[6] && unitWord(m[6]) === '') written = written.slice(0, written.length - m[6].length).trimEnd();
    // A minus sign that starts a word ("-5 degrees", "−200"): the value is negative, not 5.
    const before = text[m.index - 1];
    const negative = !m[1] && (before === '-' || before === '\u2212') && !/[\p{L}\p{N}_]/u.test(text[m.index - 2] ?? ' ');
    // Part of a word or an identifier (GPT-4, A320, v2): not a quantity.
    if (!negative && before !== undefined && /[\p{L}_-]/u.test(before) && !m[1]) continue;
    let value = (negative ? -1 : 1) * Number(m[2]!.replace(/,/g, ''));
    if (negative) written = `-${written}`;
    if (m[3]) value *= SCALE[m[3].toLowerCase()]!;
    const currency = m[1] ?? (m[5] ? (UNIT_ALIASES[m[5].toLowerCase()] ?? m[5]) : '');
    const unit = m[4] ? '%' : currency || unitWord(m[6]);
    out.push({ value, unit, text: written.trim() });
  }
  // "five employees", "a dozen": numbers written as words count as numbers too.
  for (const m of text.matchAll(/\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|dozen|twice|double|triple)\b(?:\s+([a-z]{1,12}))?/giu)) {
    out.push({ value: WORD_NUMBERS[m[1]!.toLowerCase()]!, unit: unitWord(m[2]), text: m[0] });
  }
  return out;
}

function datesOf(text: string, taken: boolean[]): DateFact[] {
  const out: DateFact[] = [];
  for (const p of DATE_PATTERNS) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
      if (taken[m.index]) continue;
      if (p === LONE_YEAR && !readsAsYear(text, m.index, m[0].length)) continue;
      const d = p.read(m);
      if (!d) continue;
      out.push(d);
      for (let i = m.index; i < m.index + m[0].length; i++) taken[i] = true;
    }
  }
  return out;
}

/** Function words: they say nothing about the subject. */
export const STOP = new Set(
  ('a an the and or but if then than that this these those there here of in on at to for from by with without about into onto over under as is are was were be been being ' +
    'has have had having do does did done it its it\'s they them their he him his she her we our you your i me my which who whom whose what when where why how ' +
    'also very just only so such not no nor can could would should may might must will shall all any some each every both either neither more most other another ' +
    'own same too up down out off again further once per via according said says get gets got go goes went gone back come came make made well now currently today').split(/\s+/),
);

/** Words a paraphrase swaps for each other, mapped to one. */
const SYNONYMS: Record<string, string> = {
  establish: 'found', create: 'found', start: 'begin', launch: 'begin', open: 'begin', acquire: 'buy', purchase: 'buy', bought: 'buy',
  rise: 'increase', rose: 'increase', grow: 'increase', grew: 'increase', up: 'increase', climb: 'ascent', climbed: 'ascent', ascend: 'ascent', summit: 'ascent', fall: 'decrease', fell: 'decrease', drop: 'decrease',
  decline: 'decrease', shrink: 'decrease', staff: 'employ', worker: 'employ', headcount: 'employ', sale: 'revenue', turnover: 'revenue', income: 'revenue',
  ceo: 'chief', head: 'chief', lead: 'chief', leader: 'chief', locate: 'base', headquarter: 'base', hq: 'base', situate: 'base', big: 'large', huge: 'large',
  small: 'little', tiny: 'little', begun: 'begin', began: 'begin', built: 'build', construct: 'build', construction: 'build', die: 'death', died: 'death',
  born: 'birth', cost: 'price', costs: 'price', priced: 'price', hire: 'employ', employ: 'employ', user: 'customer', client: 'customer', approximately: 'about',
  around: 'about', roughly: 'about', nearly: 'about', almost: 'about', total: 'sum', released: 'release', unveiled: 'release', announce: 'release', publish: 'release',
  acquisition: 'buy', loan: 'borrow', lend: 'borrow', height: 'high', tall: 'high', given: 'give', gave: 'give', entry: 'enter', admission: 'enter', admit: 'enter',
  employee: 'employ', job: 'employ', chief: 'chief', executive: 'chief', manager: 'chief', president: 'chief', closed: 'close', shut: 'close',
  won: 'win', awarded: 'win', receive: 'win', received: 'win', wrote: 'write', written: 'write', author: 'write', invented: 'invent', discover: 'invent', discovered: 'invent',
};

/** Light stemming: enough for "employees" to meet "employee" and "founded" to meet "founding". */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/[’']s$/, '');
  if (SYNONYMS[w]) return SYNONYMS[w]!;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && /(?:ss|sh|ch|x)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, w.endsWith('ied') ? -3 : -2) + (w.endsWith('ied') ? 'y' : '');
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return SYNONYMS[w] ?? SYNONYMS[`${w}e`] ?? w;
}

const NEGATION = /\b(?:not|never|no|none|nothing|without|no longer|isn'?t|wasn'?t|aren'?t|weren'?t|doesn'?t|didn'?t|don'?t|hasn'?t|haven'?t|hadn'?t|won'?t|cannot|can'?t|neither|nor)\b|n't\b/i;

/** Runs of capitalised words (allowing "de", "van" inside: "Guido van Rossum"); the first word of the text on its own apart. */
function entitiesOf(text: string): { entities: string[]; initial: string | null } {
  const entities: string[] = [];
  let initial: string | null = null;
  const re = /(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{N}&'’.-]*(?:\s+(?:(?:de|du|van|von|der|la|le|del|da|di|&)\s+)?\p{Lu}[\p{L}\p{N}&'’.-]*)*/gu;
  for (const m of text.matchAll(re)) {
    let words = m[0].replace(/[’']s$/, '').replace(/[.'’]+$/, '').split(/\s+/);
    const first = /^[\s"'“(\-*•]*$/.test(text.slice(0, m.index)) || /[.!?:]\s*$/.test(text.slice(0, m.index));
    // "The Eiffel Tower" keeps "Eiffel Tower".
    if (first) while (words.length > 0 && STOP.has(words[0]!.toLowerCase())) words = words.slice(1);
    const name = words.join(' ');
    if (name === '' || STOP.has(name.toLowerCase())) continue;
    if (/^[\p{Lu}\p{N}]+$/u.test(name) && name.length <= 3) continue; // "I", "A", "AC", "IPO", "Q3": letters, not names
    if (MONTHS[name.toLowerCase().replace(/\.$/, '')] !== undefined) continue;
    if (first && words.length === 1 && m[0].split(/\s+/).length === 1) initial = name.toLowerCase();
    else entities.push(name.toLowerCase());
  }
  return { entities, initial };
}

/** Words of amounts and units: the number comparison reads them, overlap should not. */
const NOT_CONTENT = new Set(['percent', 'pct', 'usd', 'eur', 'gbp', 'dollar', 'dollars', 'euro', 'euros', 'pounds', 'million', 'billion', 'thousand', 'trillion', 'bn', 'mn']);

export function tokensOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}][\p{L}\p{N}'’-]*/gu)) {
    const w = m[0].replace(/[’']s$/, '');
    if (STOP.has(w) || w.length < 2 || MONTHS[w] !== undefined || NOT_CONTENT.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}

export function factsOf(text: string): Facts {
  const taken: boolean[] = [];
  const dates = datesOf(text, taken);
  return { dates, numbers: numbersOf(text, taken), ...entitiesOf(text), tokens: tokensOf(text), negated: NEGATION.test(text) };
}

/** Whether two dates can be the same day: every part both give agrees, under some reading of each. */
export function datesAgree(a: DateFact, b: DateFact): boolean {
  const readings = (d: DateFact) => [d, ...(d.alternatives ?? [])];
  return readings(a).some((x) => readings(b).some((y) => (x.year === null || y.year === null || x.year === y.year) && (x.month === null || y.month === null || x.month === y.month) && (x.day === null || y.day === null || x.day === y.day)));
}

/** Whether two dates say something about the same part (both name a year, or both a month): then disagreeing is a contradiction. */
export const datesComparable = (a: DateFact, b: DateFact): boolean => (a.year !== null && b.year !== null) || (a.month !== null && b.month !== null);

/** Equal values, allowing for the rounding of the coarser one ("3.2 million" meets 3,184,000), and never more than 2% apart. */
export function numbersAgree(a: NumberFact, b: NumberFact): boolean {
  if (a.value === b.value) return true;
  const big = Math.max(Math.abs(a.value), Math.abs(b.value));
  if (big === 0) return true;
  // The coarser figure rounds the finer one: 3.2 million against 3,184,000.
  const step = Math.max(stepOf(a), stepOf(b));
  return Math.abs(a.value - b.value) <= step / 2 + 1e-9 && Math.abs(a.value - b.value) / big <= 0.02;
}

const decimals = (n: NumberFact) => /\.(\d+)/.exec(n.text.replace(/,/g, ''))?.[1]?.length ?? 0;

/** The smallest change the number as written can show: "3.2 million" 100,000; "41%" 1. */
function stepOf(n: NumberFact): number {
  const scale = /\b(k|m|mn|b|bn|t|thousand|million|billion|trillion)\b/i.exec(n.text)?.[1];
  return 10 ** -decimals(n) * (scale ? SCALE[scale.toLowerCase()]! : 1);
}

/**
 * Units that can be compared: the same, one of them unknown, or two unit words ("1,200 staff"
 * against "1,200 employees"), but never two different symbols or measures: 15 minutes are not
 * 15 hours, nor 5 km 5 miles.
 */
export const unitsMatch = (a: NumberFact, b: NumberFact): boolean =>
  a.unit === b.unit || a.unit === '' || b.unit === '' || (!FIXED.has(a.unit) && !FIXED.has(b.unit));
/** Units written as symbols (percent and currencies) and units of measure (as UNIT_ALIASES names them). */
const FIXED = new Set(['%', '$', '€', '£', '¥', 'km', 'm', 'kg', 'mi', 'h', 'min', 's', 'ms', 'day', 'week', 'month', 'year', 'tb', 'gb', 'mb', 'kb']);
