/**
 * The deterministic extractor: what a user says about themselves (FACT), how they want to be
 * answered (PREFERENCE, with the key a later one supersedes it by), standing orders (INSTRUCTION)
 * and what they came for (INTENT), found by patterns in their own messages; from the agent's
 * answers only facts it states about the user ("your plan is Enterprise"), with less confidence.
 *
 * Each pattern has its confidence: how often what it matches is what it claims. Sentences that
 * are questions state no fact, and a negation before a preference or intent ("I don't want a
 * refund") cancels it. Items are phrased in a canonical third person so the same thing said in
 * other words by the same user ("I live in Berlin." / "i live in berlin") merges.
 */
import type { ContextType } from '@ai-arm/schemas';
import type { Turn } from './turns';

export interface ExtractedItem {
  type: ContextType;
  content: string;
  key: string | null;
  confidence: number;
  tags: string[];
}

const LANGUAGES = [
  'English', 'French', 'German', 'Spanish', 'Italian', 'Portuguese', 'Dutch', 'Polish', 'Swedish', 'Norwegian', 'Danish', 'Finnish', 'Greek', 'Turkish', 'Russian', 'Ukrainian',
  'Czech', 'Hungarian', 'Romanian', 'Arabic', 'Hebrew', 'Hindi', 'Japanese', 'Korean', 'Chinese', 'Mandarin', 'Cantonese', 'Vietnamese', 'Thai', 'Indonesian', 'Malay', 'Swahili',
];
const LANG = `(${LANGUAGES.join('|')})`;
/** Capitalised words that are not names or places (days, months, pronouns, fillers). */
const NOT_NAMES = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'i', 'the', 'a', 'an', 'please', 'thanks', 'asap', 'today', 'tomorrow', 'tonight', 'back', 'later', 'when', 'if', 'now', 'again']);
const NEGATION = /\b(?:not|no|never|don'?t|do not|doesn'?t|does not|didn'?t|did not|won'?t|wouldn'?t|no longer|without|stop)\b/i;
/** A sentence start that makes what follows a question or a supposition, not a statement. */
const HYPOTHETICAL = /^(?:if|what if|suppose|imagine|when|whether|unless)\b/i;
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Sentences of a message: split at . ! ? and new lines, keeping the mark (so questions show). */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 1);
}

/** The part of a sentence before `index`, for the negation test: the clause it is in. */
const before = (s: string, index: number) => s.slice(0, index).split(/[,;]|\bbut\b/i).pop() ?? '';

/** A place or name: capitalised words, not a day or month. */
function properNoun(raw: string | undefined): string | null {
  if (!raw) return null;
  const words = raw.trim().split(/\s+/);
  const kept: string[] = [];
  for (const w of words) {
    const clean = w.replace(/[,.;:!?]+$/, '');
    if (!/^[A-Z][\p{L}'’-]*$/u.test(clean) || NOT_NAMES.has(clean.toLowerCase())) break;
    kept.push(clean);
    if (w !== clean) break;
  }
  return kept.length ? kept.join(' ') : null;
}

interface Rule {
  type: ContextType;
  re: RegExp;
  confidence: number;
  /** The item, or null when the match does not hold up. */
  make(m: RegExpExecArray, sentence: string): Omit<ExtractedItem, 'type' | 'confidence'> | null;
  /** Questions count (a request phrased as one: "can you answer in French?"). */
  questions?: boolean;
  /** Kept when a negation precedes the match (the pattern itself is negative). */
  negatable?: boolean;
}

const IDENTIFIER_KINDS: Record<string, string> = { order: 'order_number', account: 'account_number', customer: 'customer_number', ticket: 'ticket_number', invoice: 'invoice_number', booking: 'booking_reference', reference: 'reference_number', case: 'case_number', membership: 'membership_number', member: 'membership_number', policy: 'policy_number', tracking: 'tracking_number', reservation: 'booking_reference' };

/** Facts a user states about themselves, and (with `your`) an answer states about the user. */
function factRules(person: 'my' | 'your'): Rule[] {
  const P = person === 'my' ? '(?:[Mm]y|[Oo]ur)' : '[Yy]our';
  const I = person === 'my' ? "(?:I|[Ww]e)(?:'m| am| are|'re)" : "[Yy]ou(?:'re| are)";
  return [
    {
      type: 'FACT',
      confidence: 0.9,
      re: new RegExp(`\\b${P} (order|account|customer|ticket|invoice|booking|reference|case|membership|member|policy|tracking|reservation)(?: (?:number|no\\.?|id|code|reference|#))?\\s*(?:is|=|:)\\s*#?([A-Z0-9][A-Z0-9-]{2,})\\b`, 'i'),
      make: (m) => {
        if (!/\d/.test(m[2]!)) return null;
        const kind = IDENTIFIER_KINDS[m[1]!.toLowerCase()]!;
        return { content: `The user's ${kind.replace(/_/g, ' ')} is ${m[2]!.toUpperCase()}`, key: null, tags: [kind] };
      },
    },
    {
      type: 'FACT',
      confidence: 0.85,
      re: person === 'my' ? /\b(?:I|[Ww]e) (?:live|reside|am based|'m based|are based|'re based) in ((?:[A-Z][\p{L}'’-]*[ ,]*){1,3})/u : /\b[Yy]ou (?:live|are based|'re based) in ((?:[A-Z][\p{L}'’-]*[ ,]*){1,3})/u,
      make: (m) => {
        const place = properNoun(m[1]);
        return place ? { content: `The user lives in ${place}`, key: null, tags: ['location'] } : null;
      },
    },
    {
      type: 'FACT',
      confidence: 0.85,
      re: new RegExp(`\\b(?:${P} (?:plan|subscription|tier) is(?: the)?|${I} on the) ([A-Z][\\w-]*|[a-z][\\w-]*(?= plan| tier))(?: (?:plan|tier))?`, ''),
      make: (m) => {
        const plan = m[1]!;
        if (['not', 'a', 'an', 'the', 'going', 'about', 'too', 'very', 'expensive', 'cheap', 'fine', 'ok', 'okay'].includes(plan.toLowerCase())) return null;
        return { content: `The user's plan is ${cap(plan)}`, key: null, tags: ['plan'] };
      },
    },
    {
      type: 'FACT',
      confidence: 0.8,
      re: person === 'my' ? /\bI (?:work|am working|'m working) (?:at|for) ((?:[A-Z][\w&'’.-]*\s?){1,4})/ : /\byou work (?:at|for) ((?:[A-Z][\w&'’.-]*\s?){1,4})/,
      make: (m) => {
        const employer = properNoun(m[1]);
        return employer ? { content: `The user works at ${employer}`, key: null, tags: ['employer'] } : null;
      },
    },
    {
      type: 'FACT',
      confidence: 0.9,
      re: new RegExp(`\\b${P} (?:e-?mail|email address|e-mail address) is ([\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+)`, 'i'),
      make: (m) => ({ content: `The user's email address is ${m[1]!.toLowerCase()}`, key: null, tags: ['email'] }),
    },
    {
      type: 'FACT',
      confidence: 0.85,
      re: new RegExp(`\\b${P} (?:phone|phone number|mobile|mobile number|number) is (\\+?\\d[\\d ()-]{5,}\\d)`, 'i'),
      make: (m) => ({ content: `The user's phone number is ${m[1]!.replace(/\s+/g, ' ')}`, key: null, tags: ['phone'] }),
    },
    {
      type: 'FACT',
      confidence: 0.85,
      re: new RegExp(`\\b${P} name is ([A-Z][\\p{L}'’-]+(?: [A-Z][\\p{L}'’-]+)?)`, 'u'),
      make: (m) => {
        const name = properNoun(m[1]);
        return name ? { content: `The user's name is ${name}`, key: null, tags: ['name'] } : null;
      },
    },
    {
      type: 'FACT',
      confidence: 0.75,
      re: new RegExp(`\\b${I} an? (software engineer|engineer|developer|programmer|data scientist|designer|teacher|student|doctor|nurse|lawyer|accountant|manager|product manager|consultant|researcher|journalist|pharmacist|architect|founder|freelancer)\\b`, 'i'),
      make: (m) => ({ content: `The user is a ${m[1]!.toLowerCase()}`, key: null, tags: ['occupation'] }),
    },
    {
      type: 'FACT',
      confidence: 0.8,
      re: new RegExp(`\\b${P} (?:time ?zone|timezone) is ([A-Z]{2,5}|[A-Z][a-z]+/[A-Z][\\w/]+|UTC[+-]\\d{1,2})`, ''),
      make: (m) => ({ content: `The user's time zone is ${m[1]}`, key: null, tags: ['timezone'] }),
    },
  ];
}

const FORMATS: [RegExp, string][] = [
  [/bullet(?:ed)?[- ]?points?|bullets|bulleted list/i, 'Use bullet points'],
  [/numbered (?:list|steps)/i, 'Use numbered lists'],
  [/\btables?\b/i, 'Use tables'],
  [/plain text|no markdown|without markdown/i, 'Answer in plain text'],
  [/\bmarkdown\b/i, 'Answer in Markdown'],
  [/\bjson\b/i, 'Answer in JSON'],
];

const PREFERENCE_RULES: Rule[] = [
  {
    type: 'PREFERENCE',
    confidence: 0.9,
    questions: true,
    re: new RegExp(`\\b(?:answer|reply|respond|write|speak|talk|communicate)(?: to me| back)?(?: only)? in ${LANG}\\b|\\bin ${LANG},? please\\b|\\bprefer (?:to (?:speak|talk|communicate|write)(?: in)? |answers in |replies in )?${LANG}\\b|\\b${LANG} (?:answers|replies|only) please\\b`, 'i'),
    make: (m) => {
      const lang = cap((m[1] ?? m[2] ?? m[3] ?? m[4])!.toLowerCase());
      return { content: `Answer in ${lang}`, key: 'language', tags: ['language'] };
    },
  },
  {
    type: 'PREFERENCE',
    confidence: 0.8,
    questions: true,
    re: /\b(?:keep (?:it|them|your (?:answers|replies|responses)|answers|things) (?:short|brief|concise)|(?:be|please be) (?:brief|concise|succinct)|(?:short(?:er)?|brief(?:er)?|concise) (?:answers|replies|responses)(?: please)?|(?:in|with) (?:a few|fewer) words|too long|tl;?dr|less verbose)/i,
    make: () => ({ content: 'Keep answers short', key: 'response_length', tags: ['response_length'] }),
  },
  {
    type: 'PREFERENCE',
    confidence: 0.75,
    questions: true,
    re: /\b(?:(?:more|lots of|full|greater) detail(?:ed)?|in (?:great |more |full )?detail|(?:longer|detailed|thorough|in-depth) (?:answers|replies|responses|explanations)|(?:please )?elaborate|go deeper)\b/i,
    make: () => ({ content: 'Give detailed answers', key: 'response_length', tags: ['response_length'] }),
  },
  {
    type: 'PREFERENCE',
    confidence: 0.8,
    questions: true,
    re: /\b(?:use|using|in|as|with|give me|prefer|format (?:it|them|answers|the answer) (?:as|in|with)|(?:answer|reply|respond) (?:with|in|as))(?: a| an)? (bullet(?:ed)?[- ]?points?|bullets|bulleted list|numbered (?:list|steps)|tables?|plain text|markdown|json)\b|\b(bullet(?:ed)?[- ]?points?|bullets|plain text|no markdown|numbered lists?) please\b/i,
    make: (m) => {
      const what = (m[1] ?? m[2])!;
      const label = FORMATS.find(([re]) => re.test(what))?.[1];
      return label ? { content: label, key: 'response_format', tags: ['response_format'] } : null;
    },
  },
  {
    type: 'PREFERENCE',
    confidence: 0.9,
    re: /\b(?:[Pp]lease )?[Cc]all me ([A-Z][\p{L}'’-]+)/u,
    make: (m) => {
      const name = properNoun(m[1]);
      return name ? { content: `Call the user ${name}`, key: 'name', tags: ['name'] } : null;
    },
  },
  {
    type: 'PREFERENCE',
    confidence: 0.75,
    questions: true,
    re: /\b(?:be (?:more )?(formal|casual|informal|friendly|polite)|(?:use|in) an? (formal|casual|informal|friendly) (?:tone|style|register)|(formal|casual|informal) tone(?: please)?)\b/i,
    make: (m) => {
      const tone = (m[1] ?? m[2] ?? m[3])!.toLowerCase();
      return { content: `Use a ${tone === 'informal' ? 'casual' : tone} tone`, key: 'tone', tags: ['tone'] };
    },
  },
  {
    type: 'PREFERENCE',
    confidence: 0.8,
    re: /\b(?:I prefer (?:to be contacted |being contacted |contact )?(?:by|via|over) |contact me (?:only )?(?:by|via|over) |I prefer )(e-?mail|phone|sms|text messages?|whatsapp)\b/i,
    make: (m) => {
      const raw = m[1]!.toLowerCase();
      const channel = raw.startsWith('e') ? 'email' : raw.startsWith('text') || raw === 'sms' ? 'SMS' : raw === 'whatsapp' ? 'WhatsApp' : 'phone';
      return { content: `Contact the user by ${channel}`, key: 'contact_channel', tags: ['contact_channel'] };
    },
  },
  {
    type: 'PREFERENCE',
    confidence: 0.8,
    questions: true,
    re: /\b(?:use|in|prefer) (metric|imperial) units\b/i,
    make: (m) => ({ content: `Use ${m[1]!.toLowerCase()} units`, key: 'units', tags: ['units'] }),
  },
];

/** Words after "always"/"never" that make it no order ("never mind", "always the same"). */
const NOT_VERBS = new Set(['mind', 'the', 'a', 'an', 'this', 'that', 'these', 'those', 'it', 'its', 'same', 'so', 'too', 'been', 'had', 'have', 'has', 'was', 'is', 'were', 'did', 'does', 'got', 'gets', 'works', 'worked', 'happens', 'happened', 'again', 'ever', 'before', 'late', 'on', 'in', 'at', 'my', 'i', 'we', 'you', 'they', 'he', 'she', 'received', 'arrives', 'arrived', 'heard', 'seen', 'thought', 'knew', 'know', 'liked', 'like', 'wanted', 'want']);
const DETERMINERS = new Set(['the', 'a', 'an', 'my', 'our', 'your', 'their', 'any', 'all', 'every', 'to', 'me', 'us', 'them', 'him', 'her', 'about', 'of', 'in', 'on', 'with', 'for', 'from', 'by']);
const ONE_OFF_OBJECTS = new Set(['it', 'that', 'this', 'me', 'so', 'worry', 'bother']);
const DONT_VERBS = 'mention|share|send|include|use|contact|call|email|e-mail|cc|bcc|disclose|reveal|discuss|recommend|suggest|offer|promise|quote|bring up|text|message';

/** What an instruction is about: its verb and the first word of its object (values such as addresses left out). */
function instructionKey(verb: string, rest: string): string {
  const words = rest.toLowerCase().split(/\s+/).filter(Boolean);
  let object = '';
  for (const w of words) {
    const clean = w.replace(/[^\p{L}\d_-]/gu, '');
    if (!clean || DETERMINERS.has(clean)) continue;
    if (/@|\d/.test(w)) break;
    object = clean;
    break;
  }
  return `${verb.toLowerCase()}${object ? `:${object}` : ''}`.slice(0, 128);
}

const INSTRUCTION_RULES: Rule[] = [
  {
    type: 'INSTRUCTION',
    confidence: 0.85,
    negatable: true,
    re: /^(?:(?:please|and|also|so),? )?(?:(?:from now on|in (?:the )?future|going forward|for future reference),? )?(?:please )?(always|never|don'?t ever|do not ever)(?: ever)? ([a-z][a-z-]*)\b(.*)$/i,
    make: (m) => {
      const verb = m[2]!.toLowerCase();
      if (NOT_VERBS.has(verb)) return null;
      const polarity = /^always$/i.test(m[1]!) ? 'Always' : 'Never';
      const rest = m[3]!.trim().replace(/[.!]+$/, '');
      return { content: `${polarity} ${verb}${rest ? ` ${rest}` : ''}`, key: instructionKey(verb, rest), tags: ['instruction'] };
    },
  },
  {
    type: 'INSTRUCTION',
    confidence: 0.8,
    negatable: true,
    re: /^(?:(?:please|and|also|so),? )?(?:from now on|in (?:the )?future|going forward|for future reference),? (?:please )?(?:(do not|don'?t) )?([a-z][a-z-]*)\b(.*)$/i,
    make: (m) => {
      const verb = m[2]!.toLowerCase();
      if (NOT_VERBS.has(verb) || verb === 'always' || verb === 'never' || verb === 'i' || verb === 'we') return null;
      const rest = m[3]!.trim().replace(/[.!]+$/, '');
      return { content: `${m[1] ? 'Never' : 'Always'} ${verb}${rest ? ` ${rest}` : ''}`, key: instructionKey(verb, rest), tags: ['instruction'] };
    },
  },
  {
    type: 'INSTRUCTION',
    confidence: 0.6,
    negatable: true,
    re: new RegExp(`^(?:please )?(?:do not|don'?t) (${DONT_VERBS})\\b(.*)$`, 'i'),
    make: (m) => {
      const rest = m[2]!.trim().replace(/[.!]+$/, '');
      const first = rest.split(/\s+/)[0]?.toLowerCase().replace(/[^a-z]/g, '') ?? '';
      if (!rest || ONE_OFF_OBJECTS.has(first)) return null;
      const verb = m[1]!.toLowerCase();
      return { content: `Never ${verb} ${rest}`, key: instructionKey(verb, rest), tags: ['instruction'] };
    },
  },
];

const WANT = /\b(?:want|need|would like|'d like|like to|request|requesting|get|give me|asking for|ask for|can i|could i|how (?:do|can) i|help me|trying to|please|i wish to|wish to|how to)\b/i;

interface IntentRule {
  intent: string;
  label: string;
  re: RegExp;
  confidence: number;
  /** Needs a word of wanting in the sentence (else "your refund policy" would count). */
  wanting?: boolean;
}

const INTENT_RULES: IntentRule[] = [
  { intent: 'refund', label: 'wants a refund', re: /\b(?:refund|money back|reimburse(?:ment)?|chargeback)\b/i, confidence: 0.8, wanting: true },
  { intent: 'reset_password', label: 'wants to reset their password', re: /\b(?:reset|forgot|forgotten|recover|change)\b[\w\s']{0,20}\bpassword\b/i, confidence: 0.85 },
  { intent: 'account_access', label: 'cannot get into their account', re: /\b(?:can'?t|cannot|unable to|not able to) (?:log ?in|sign ?in|access my account)|\blocked out\b/i, confidence: 0.8 },
  { intent: 'cancel_subscription', label: 'wants to cancel their subscription', re: /\bcancel\b[\w\s']{0,20}\b(?:subscription|plan|membership|account)\b/i, confidence: 0.85 },
  { intent: 'cancel_order', label: 'wants to cancel an order', re: /\bcancel\b[\w\s']{0,20}\border\b/i, confidence: 0.85 },
  { intent: 'change_plan', label: 'wants to change their plan', re: /\b(?:upgrade|downgrade|switch|change)\b[\w\s']{0,20}\b(?:plan|subscription|tier)\b/i, confidence: 0.75, wanting: true },
  { intent: 'track_order', label: 'wants to know where their order is', re: /\bwhere(?:'s| is) my (?:order|package|parcel|delivery)|\btrack(?:ing)? (?:my |the )?(?:order|package|parcel|delivery)|\b(?:order|package|parcel|delivery) (?:hasn'?t|has not|never) (?:arrived|come|shipped)/i, confidence: 0.8 },
  { intent: 'billing_issue', label: 'has a billing problem', re: /\b(?:charged twice|double[- ]charged|overcharged|wrong (?:charge|amount)|incorrect (?:charge|invoice|bill)|unexpected charge)\b/i, confidence: 0.8 },
  { intent: 'update_address', label: 'wants to change their address', re: /\b(?:change|update)\b[\w\s']{0,20}\b(?:address)\b/i, confidence: 0.75, wanting: true },
  { intent: 'human_agent', label: 'wants to talk to a person', re: /\b(?:speak|talk|chat) (?:to|with) (?:a |an |someone|somebody)?\s*(?:human|person|real person|agent|representative|manager|supervisor)|\bhuman agent\b/i, confidence: 0.85 },
  { intent: 'technical_issue', label: 'reports something not working', re: /\b(?:isn'?t|is not|doesn'?t|does not|stopped|not) working\b|\bkeeps crashing\b|\bgetting an error\b/i, confidence: 0.6 },
];

function apply(rules: readonly Rule[], sentence: string, out: ExtractedItem[], scale = 1): boolean {
  let found = false;
  const question = /\?\s*$/.test(sentence);
  for (const r of rules) {
    if (question && !r.questions) continue;
    const m = r.re.exec(sentence);
    if (!m) continue;
    if (!r.negatable && NEGATION.test(before(sentence, m.index))) continue;
    const made = r.make(m, sentence);
    if (!made) continue;
    out.push({ type: r.type, confidence: Math.round(r.confidence * scale * 100) / 100, ...made });
    found = true;
  }
  return found;
}

const USER_FACTS = factRules('my');
const ANSWER_FACTS = factRules('your');

/** Context items in the turns of one interaction; the same item found twice is kept once (the surer). */
export function extractByRules(turns: readonly Turn[]): ExtractedItem[] {
  const out: ExtractedItem[] = [];
  for (const turn of turns) {
    for (const sentence of sentencesOf(turn.text)) {
      if (HYPOTHETICAL.test(sentence)) continue;
      if (turn.role === 'assistant') {
        // An answer is not the user: only what it says the user's details are, and less surely.
        apply(ANSWER_FACTS, sentence, out, 0.8);
        continue;
      }
      if (apply(INSTRUCTION_RULES, sentence, out)) continue;
      apply(PREFERENCE_RULES, sentence, out);
      apply(USER_FACTS, sentence, out);
      for (const r of INTENT_RULES) {
        const m = r.re.exec(sentence);
        if (!m || NEGATION.test(before(sentence, m.index).replace(/\b(?:can'?t|cannot|unable)\b/gi, ''))) continue;
        if (r.wanting && !WANT.test(sentence) && !/\brefund me\b/i.test(sentence)) continue;
        out.push({ type: 'INTENT', content: `The user ${r.label}`, key: null, confidence: r.confidence, tags: [r.intent] });
      }
    }
  }
  const best = new Map<string, ExtractedItem>();
  for (const item of out) {
    const k = `${item.type}\u0000${item.key ?? ''}\u0000${item.content.toLowerCase()}`;
    const had = best.get(k);
    if (!had || had.confidence < item.confidence) best.set(k, item);
  }
  return [...best.values()];
}
