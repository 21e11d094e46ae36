/**
 * The simulator's answers to context extraction requests (a chat request whose text carries the
 * collector's extraction marker), on both vendors' chat endpoints: its own naive extractor, as
 * JSON {"items": [...]}. It reads the user's turns sentence by sentence with a handful of phrases
 * ("answer in <language>", "keep it short", "bullet points", "call me <Name>", "my name is",
 * "I live in", "my <thing> is <value>", sentences opening with always/never, refunds and
 * passwords) and phrases its items its own way ("Reply in French"), so a client can tell them
 * from its rules'. Deterministic. A model whose name ends in "-unparseable" answers in prose, so
 * clients can be tested on a reply they cannot read.
 *
 * Written apart from the collector's extractors on purpose (the simulator shares no code with it).
 */
export const EXTRACTION_MARKER = 'AI-ARM CONTEXT EXTRACTION v1';

interface Item {
  type: string;
  content: string;
  key: string | null;
  confidence: number;
  tags: string[];
}

function itemsOf(sentence: string): Item[] {
  const out: Item[] = [];
  const s = sentence.trim();
  const lang = /\b(?:answer|reply|respond|write)(?: to me)? in ([A-Z][a-z]+)|\bin ([A-Z][a-z]+),? please/i.exec(s);
  if (lang) {
    const l = (lang[1] ?? lang[2])!;
    out.push({ type: 'PREFERENCE', content: `Reply in ${l[0]!.toUpperCase()}${l.slice(1).toLowerCase()}`, key: 'language', confidence: 0.95, tags: ['language'] });
  }
  if (/\b(?:keep it (?:short|brief)|be brief|be concise)\b/i.test(s)) out.push({ type: 'PREFERENCE', content: 'Reply briefly', key: 'response_length', confidence: 0.9, tags: ['length'] });
  if (/\bbullet/i.test(s)) out.push({ type: 'PREFERENCE', content: 'Reply with bullet points', key: 'response_format', confidence: 0.9, tags: ['format'] });
  const call = /\bcall me ([A-Z][a-z]+)/.exec(s);
  if (call) out.push({ type: 'PREFERENCE', content: `Address the user as ${call[1]}`, key: 'name', confidence: 0.95, tags: ['name'] });
  const name = /\bmy name is ([A-Z][a-z]+)/i.exec(s);
  if (name) out.push({ type: 'FACT', content: `User is called ${name[1]}`, key: null, confidence: 0.9, tags: ['name'] });
  const live = /\bI live in ([A-Z][a-z]+)/.exec(s);
  if (live) out.push({ type: 'FACT', content: `User lives in ${live[1]}`, key: null, confidence: 0.9, tags: ['location'] });
  const thing = /\bmy ([a-z]+)(?: number)? is #?([A-Z0-9-]*\d[A-Z0-9-]*)/i.exec(s);
  if (thing) out.push({ type: 'FACT', content: `User's ${thing[1]!.toLowerCase()} is ${thing[2]}`, key: null, confidence: 0.9, tags: [thing[1]!.toLowerCase()] });
  const order = /^(always|never) ([a-z]+)\b(.*?)[.!]?$/i.exec(s);
  if (order && order[2]!.toLowerCase() !== 'mind') out.push({ type: 'INSTRUCTION', content: `${order[1]![0]!.toUpperCase()}${order[1]!.slice(1).toLowerCase()} ${order[2]!.toLowerCase()}${order[3]}`, key: order[2]!.toLowerCase(), confidence: 0.9, tags: ['rule'] });
  if (/\brefund\b/i.test(s) && !/\b(?:don'?t|not|no)\b/i.test(s)) out.push({ type: 'INTENT', content: 'User asks for a refund', key: null, confidence: 0.85, tags: ['refund'] });
  if (/\bpassword\b/i.test(s)) out.push({ type: 'INTENT', content: 'User needs a password reset', key: null, confidence: 0.85, tags: ['password'] });
  return out;
}

/** The reply's text to an extraction request, or null when `text` is not one. */
export function extractionReply(text: string, model: string): string | null {
  const at = text.indexOf(EXTRACTION_MARKER);
  if (at < 0) return null;
  if (model.endsWith('-unparseable')) return 'This user seems to like French and short answers, I think.';
  const start = text.indexOf('<<<TURNS', at);
  const end = text.indexOf('TURNS>>>', start);
  let input: { turns?: { role?: unknown; text?: unknown }[] } = {};
  try {
    input = JSON.parse(text.slice(start + '<<<TURNS'.length, end)) as typeof input;
  } catch {
    return JSON.stringify({ error: 'the extraction request carries no readable turns' });
  }
  const items: Item[] = [];
  for (const t of Array.isArray(input.turns) ? input.turns : []) {
    if (!t || t.role !== 'user' || typeof t.text !== 'string') continue;
    for (const sentence of t.text.split(/(?<=[.!?])\s+|\n+/)) items.push(...itemsOf(sentence));
  }
  return JSON.stringify({ items });
}
