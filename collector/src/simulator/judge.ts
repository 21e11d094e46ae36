import { createHash } from 'node:crypto';

/**
 * The simulator's answers to chat requests (OpenAI chat completions, Anthropic messages). A request
 * whose text carries the collector's grounding marker gets the simulator's own naive judgement, as
 * JSON: a claim is SUPPORTED when every number and capitalised word in it appears in the sources,
 * CONTRADICTED when a number of it is missing but a source sentence sharing most of its words has
 * another number, UNSUPPORTED otherwise. Anything else gets a short canned answer. Deterministic:
 * the same request gets the same answer. A model whose name ends in "-unparseable" answers a
 * grounding request in prose, so clients can be tested on a reply they cannot read.
 *
 * Written apart from the collector's checker on purpose (the simulator shares no code with it).
 */
export const MARKER = 'AI-ARM GROUNDING CHECK v1';

interface Claim {
  id: number;
  text: string;
}

const numbersIn = (s: string) => (s.match(/\d[\d,]*(?:\.\d+)?/g) ?? []).map((n) => n.replace(/,/g, '').replace(/\.0+$/, ''));
const capitalsIn = (s: string) => (s.match(/\b[A-Z][a-zA-Z]+/g) ?? []).map((w) => w.toLowerCase());
const wordsIn = (s: string) => (s.toLowerCase().match(/[a-z]{4,}/g) ?? []);

function judge(claim: Claim, sources: string[]): { id: number; status: string; reason: string; confidence: number; source: number | null; quote: string | null } {
  const all = sources.join('\n');
  const lower = all.toLowerCase();
  const sourceNumbers = new Set(numbersIn(all));
  const missingNumbers = numbersIn(claim.text).filter((n) => !sourceNumbers.has(n));
  const missingNames = capitalsIn(claim.text).filter((w) => !lower.includes(w));
  if (missingNumbers.length === 0 && missingNames.length === 0) {
    const words = wordsIn(claim.text);
    // The source sentence sharing most words is the one quoted.
    let best: { source: number; quote: string; shared: number } | null = null;
    sources.forEach((s, source) => {
      for (const sentence of s.split(/(?<=[.!?])\s+/)) {
        const shared = words.filter((w) => sentence.toLowerCase().includes(w)).length;
        if (!best || shared > best.shared) best = { source, quote: sentence, shared };
      }
    });
    const b = best as { source: number; quote: string; shared: number } | null;
    return { id: claim.id, status: 'SUPPORTED', reason: 'every number and name of the claim appears in the sources', confidence: 0.8, source: b?.source ?? null, quote: b?.quote ?? null };
  }
  if (missingNumbers.length > 0) {
    const words = wordsIn(claim.text);
    for (const [source, s] of sources.entries()) {
      for (const sentence of s.split(/(?<=[.!?])\s+/)) {
        const shared = words.filter((w) => sentence.toLowerCase().includes(w)).length;
        if (words.length > 0 && shared / words.length >= 0.5 && numbersIn(sentence).length > 0) {
          return { id: claim.id, status: 'CONTRADICTED', reason: `the sources give another figure than ${missingNumbers[0]}`, confidence: 0.7, source, quote: sentence };
        }
      }
    }
  }
  return { id: claim.id, status: 'UNSUPPORTED', reason: `the sources do not mention ${[...missingNumbers, ...missingNames].slice(0, 3).join(', ')}`, confidence: 0.7, source: null, quote: null };
}

/** The reply's text to a conversation, given all its message text and the model asked. */
export function simulatedReply(text: string, model: string): string {
  const at = text.indexOf(MARKER);
  if (at < 0) return `This is the AI-ARM vendor simulator answering ${model}: a canned reply (${createHash('sha256').update(text).digest('hex').slice(0, 8)}).`;
  if (model.endsWith('-unparseable')) return 'I looked at the claims and most of them seem fine to me.';
  const start = text.indexOf('<<<INPUT', at);
  const end = text.indexOf('INPUT>>>', start);
  let input: { claims?: Claim[]; sources?: string[] } = {};
  try {
    input = JSON.parse(text.slice(start + '<<<INPUT'.length, end)) as typeof input;
  } catch {
    return JSON.stringify({ error: 'the grounding request carries no readable input' });
  }
  const sources = Array.isArray(input.sources) ? input.sources.filter((s): s is string => typeof s === 'string') : [];
  const claims = Array.isArray(input.claims) ? input.claims.filter((c) => c && typeof c.text === 'string' && typeof c.id === 'number') : [];
  return JSON.stringify({ claims: claims.map((c) => judge(c, sources)) });
}

/** A rough token count (four characters a token), for the usage block. */
export const tokensOf = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/** A stable id for a reply. */
export const replyId = (prefix: string, body: unknown) => `${prefix}${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 24)}`;
