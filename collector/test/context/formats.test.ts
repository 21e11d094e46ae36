import type { Context, ContextType } from '@ai-arm/schemas';
import { ApiError } from '../../src/errors';
import { canonicalJson, checksumOf } from '../../src/context/portability/canonical';
import { exportAs, parseExport } from '../../src/context/portability/formats';
import { portableSet, toArmNative } from '../../src/context/portability/formats/arm-native';
import { entryText, parseEntries } from '../../src/context/portability/formats/markdown';
import { MAX_IMPORT_ENTRIES, type ParsedImport } from '../../src/context/portability/formats/portable';
import { categoryOf, fenceStart, FENCE_END, instructionsWith, toPreference } from '../../src/context/portability/preferences';

const AGENT = '11111111-1111-4111-8111-111111111111';
const ORG = '22222222-2222-4222-8222-222222222222';
let n = 0;
function item(type: ContextType, content: string, o: Partial<Context> = {}): Context {
  n++;
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    id,
    agentId: AGENT,
    type,
    content,
    key: null,
    confidence: 0.9,
    source: { type: 'INTERACTION', interactionId: `chat-${n}`, extractor: 'rules', importedFrom: null },
    userId: null,
    validFrom: '2025-03-01T10:00:00.000Z',
    validUntil: null,
    tags: [],
    supersededBy: null,
    mergedCount: 1,
    metadata: {},
    createdAt: '2025-03-01T10:00:00.000Z',
    updatedAt: '2025-03-02T10:00:00.000Z',
    ...o,
  };
}

const ITEMS: Context[] = [
  item('INSTRUCTION', 'Cite the policy number in every answer.', { key: 'citations', confidence: 1, tags: ['policy'] }),
  item('INSTRUCTION', 'Never promise refunds.\nEscalate refund questions to a person.'),
  item('PREFERENCE', 'Answers as short bullet points.', { key: 'response_format', metadata: { examples: ['- one\n- two'] }, validUntil: '2026-01-01T00:00:00.000Z' }),
  item('PREFERENCE', 'Writes in French.', { key: 'language', userId: 'u-42', confidence: 0.75 }),
  item('FACT', "The customer's plan is Enterprise.", { userId: 'u-42', tags: ['billing', 'plan'] }),
  item('FACT', '**bold claim**: starts like a key, and \\ backslashes stay.'),
  item('INTENT', 'Wants to migrate from Zendesk.', { key: 'migration' }),
  item('CONVERSATION', 'Asked about SSO twice last week.'),
];
const meta = { organizationId: ORG, agent: { id: AGENT, name: 'Support bot', vendor: 'OPENAI' }, items: ITEMS, exportedAtMs: Date.UTC(2025, 3, 1) };
const valid = (p: ParsedImport) => p.items.map((x) => ({ type: x.item.type, key: x.item.key, userId: x.item.userId, content: x.item.content }));
const shape = (i: Context) => ({ type: i.type, key: i.key, userId: i.userId, content: i.content });
const refusal = (fn: () => unknown): ApiError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('canonical JSON and the checksum', () => {
  it('sorts keys at every depth, keeps array order, drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, b: null }, 'x'], c: { z: true, y: 'é' } })).toBe('{"a":[{"b":null,"d":2},"x"],"b":1,"c":{"y":"é","z":true}}');
    expect(checksumOf([{ a: 1, b: 2 }])).toBe(checksumOf([{ b: 2, a: 1 }]));
    expect(checksumOf([{ a: 1 }, { a: 2 }])).not.toBe(checksumOf([{ a: 2 }, { a: 1 }]));
    // The hash of the canonical text, as `sha256:<hex>`, reproducible by anyone with sha256sum.
    expect(checksumOf([])).toBe('sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
  });
});

describe('ARM_NATIVE', () => {
  it('keeps every item whole with a checksum that an import verifies', () => {
    const out = toArmNative(meta);
    expect(out).toMatchObject({ format: 'ARM_NATIVE', version: 1, organizationId: ORG, sourceAgent: meta.agent, exportedAt: '2025-04-01T00:00:00.000Z' });
    expect(out.items).toEqual(ITEMS);
    expect(out.checksum).toBe(checksumOf(ITEMS));
    // Through JSON text and back, as a file would travel.
    const parsed = parseExport('ARM_NATIVE', JSON.parse(JSON.stringify(out)));
    expect(parsed.checksumVerified).toBe(true);
    expect(parsed.importedFrom).toBe(out.checksum);
    expect(parsed.invalid).toEqual([]);
    expect(parsed.items.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const third = parsed.items[2]!.item;
    expect(third).toEqual({ type: 'PREFERENCE', content: 'Answers as short bullet points.', key: 'response_format', userId: null, confidence: 0.9, validFromMs: Date.UTC(2025, 2, 1, 10), validUntilMs: Date.UTC(2026, 0, 1), tags: [], metadata: { examples: ['- one\n- two'] }, mergedCount: 1 });
    expect(parsed.provenance!.get(4)).toEqual({ interactionId: 'chat-5', extractor: 'rules' });
  });

  it('refuses a tampered export whole, naming both checksums', () => {
    const out = JSON.parse(JSON.stringify(toArmNative(meta)));
    out.items[3].content = 'Writes in German.';
    const err = refusal(() => parseExport('ARM_NATIVE', out));
    expect(err.statusCode).toBe(400);
    expect(err.message).toContain('the checksum does not match the items');
    expect(err.details).toEqual({ field: 'body/data/checksum', expected: out.checksum, computed: checksumOf(out.items) });
    // A key order change is not a change: the checksum is over canonical JSON.
    const reordered = JSON.parse(JSON.stringify(toArmNative(meta)));
    reordered.items = reordered.items.map((i: Record<string, unknown>) => Object.fromEntries(Object.entries(i).reverse()));
    expect(parseExport('ARM_NATIVE', reordered).checksumVerified).toBe(true);
    // A removed item is.
    const shorter = JSON.parse(JSON.stringify(toArmNative(meta)));
    shorter.items.pop();
    expect(refusal(() => parseExport('ARM_NATIVE', shorter)).details).toMatchObject({ field: 'body/data/checksum' });
  });

  it('refuses documents of the wrong shape with the field named', () => {
    const good = toArmNative(meta);
    expect(refusal(() => parseExport('ARM_NATIVE', 'x')).details).toEqual({ field: 'body/data' });
    expect(refusal(() => parseExport('ARM_NATIVE', { ...good, format: 'JSON' })).message).toContain('data.format is "JSON", not ARM_NATIVE');
    expect(refusal(() => parseExport('ARM_NATIVE', { ...good, version: 2 })).details).toEqual({ field: 'body/data/version' });
    expect(refusal(() => parseExport('ARM_NATIVE', { ...good, checksum: 'md5:abc' })).details).toEqual({ field: 'body/data/checksum' });
    const many = Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, () => ({}));
    expect(refusal(() => parseExport('ARM_NATIVE', { ...good, items: many, checksum: checksumOf(many) })).message).toContain(`at most ${MAX_IMPORT_ENTRIES}`);
  });

  it('reports each invalid item by index and reason, and reads the rest', () => {
    const items = [
      ITEMS[0],
      { ...ITEMS[1], type: 'OPINION' },
      { ...ITEMS[2], content: '   ' },
      { ...ITEMS[3], confidence: 1.5 },
      { ...ITEMS[4], validFrom: 'yesterday' },
      { ...ITEMS[5], validUntil: '2025-02-01T00:00:00Z' },
      { ...ITEMS[6], tags: ['ok', ''] },
      { ...ITEMS[7], key: 'k'.repeat(129) },
      'not an item',
      { ...ITEMS[7], metadata: [1] },
      { ...ITEMS[0], mergedCount: 0 },
    ];
    const parsed = parseExport('ARM_NATIVE', { ...toArmNative(meta), items, checksum: checksumOf(items) });
    expect(parsed.checksumVerified).toBe(true);
    expect(parsed.items.map((x) => x.index)).toEqual([0]);
    expect(parsed.invalid).toEqual([
      { index: 1, reason: 'items[1]: type must be one of CONVERSATION, PREFERENCE, FACT, INSTRUCTION, INTENT' },
      { index: 2, reason: 'items[2]: content must be a non-empty string' },
      { index: 3, reason: 'items[3]: confidence must be a number from 0 to 1' },
      { index: 4, reason: 'items[4]: validFrom must be an RFC 3339 timestamp with a zone (e.g. 2025-03-01T12:00:00Z)' },
      { index: 5, reason: 'items[5]: validUntil must be after validFrom' },
      { index: 6, reason: 'items[6]: tags must be a list of at most 32 strings of 1 to 64 characters' },
      { index: 7, reason: 'items[7]: key must be null or a string of 1 to 128 characters' },
      { index: 8, reason: 'items[8]: an entry must be an object' },
      { index: 9, reason: 'items[9]: metadata must be an object' },
      { index: 10, reason: 'items[10]: mergedCount must be a whole number from 1' },
    ]);
  });

  it('defines identical items as equal portable fields in any order, ids and vault times aside', () => {
    const again = ITEMS.map((i, k) => ({ ...i, id: `99999999-0000-4000-8000-${String(k).padStart(12, '0')}`, agentId: ORG, createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z', source: { type: 'IMPORT' as const, interactionId: null, extractor: null, importedFrom: 'sha256:x' } })).reverse();
    expect(portableSet(again)).toEqual(portableSet(ITEMS));
    expect(portableSet([{ ...ITEMS[0]!, confidence: 0.5 }, ...ITEMS.slice(1)])).not.toEqual(portableSet(ITEMS));
    expect(portableSet([{ ...ITEMS[0]!, metadata: { a: 1 } }, ...ITEMS.slice(1)])).not.toEqual(portableSet(ITEMS));
    expect(portableSet([{ ...ITEMS[0]!, mergedCount: 4 }, ...ITEMS.slice(1)])).not.toEqual(portableSet(ITEMS));
  });
});

describe('OPENAI', () => {
  const out = exportAs('OPENAI', meta) as { format: 'OPENAI'; instructions: string; files: { filename: string; content: string }[] };

  it('writes instructions and preferences as the instructions, other types as one file each', () => {
    expect(out.instructions).toBe(
      [
        '## Instructions',
        '- **citations**: Cite the policy number in every answer.',
        '- Never promise refunds.',
        '  Escalate refund questions to a person.',
        '',
        '## Preferences',
        '- **response_format**: Answers as short bullet points.',
        '',
        '### For user "u-42"',
        '- **language**: Writes in French.',
      ].join('\n'),
    );
    expect(out.files.map((f) => f.filename)).toEqual(['facts.md', 'intents.md', 'conversations.md']);
    expect(out.files[0]!.content).toBe(['# Facts', '', '- \\**bold claim**: starts like a key, and \\ backslashes stay.', '', '### For user "u-42"', "- The customer's plan is Enterprise.", ''].join('\n'));
  });

  it('reads back type, key, user and content of every item', () => {
    const parsed = parseExport('OPENAI', JSON.parse(JSON.stringify(out)));
    expect(parsed).toMatchObject({ checksumVerified: null, importedFrom: expect.stringMatching(/^OPENAI sha256:[0-9a-f]{64}$/), invalid: [], entries: 8 });
    expect(valid(parsed).sort((a, b) => a.content.localeCompare(b.content))).toEqual(ITEMS.map(shape).sort((a, b) => a.content.localeCompare(b.content)));
    // The text says nothing of confidence: every entry gets the same.
    expect(new Set(parsed.items.map((x) => x.item.confidence))).toEqual(new Set([0.8]));
  });

  it('reads hand-written text: prose paragraphs, headings in any case, a file of another name with sections', () => {
    const parsed = parseExport('OPENAI', {
      format: 'OPENAI',
      instructions: 'Be nice.\n\n## preferences\nLikes tables.\nAnd charts.\n\n## Hobbies\n- Golf',
      files: [
        { filename: 'notes.txt', content: '## Facts\n- HQ is in Lyon.\n- no section?' },
        { filename: 'misc.txt', content: '- orphan' },
        { filename: 'FACTS.md', content: '### For user u-7\n- unquoted user' },
      ],
    });
    expect(valid(parsed)).toEqual([
      { type: 'PREFERENCE', key: null, userId: null, content: 'Likes tables.\nAnd charts.' },
      { type: 'FACT', key: null, userId: null, content: 'HQ is in Lyon.' },
      { type: 'FACT', key: null, userId: null, content: 'no section?' },
    ]);
    expect(parsed.invalid).toEqual([
      { index: 0, reason: 'instructions line 1: the entry is not under a section heading (## Instructions, ## Preferences, ## Facts, ## Intents, ## Conversations)' },
      { index: 2, reason: 'instructions line 8: the section "Hobbies" is not one of Instructions, Preferences, Facts, Intents, Conversations' },
      { index: 5, reason: 'files[1] (misc.txt), not one of instructions.md, preferences.md, facts.md, intents.md, conversations.md, line 1: the entry is not under a section heading (## Instructions, ## Preferences, ## Facts, ## Intents, ## Conversations)' },
      { index: 6, reason: 'files[2] (FACTS.md) line 2: the heading on line 1 names its user as a JSON string, e.g. For user "u-42"' },
    ]);
  });

  it('refuses documents of the wrong shape', () => {
    expect(refusal(() => parseExport('OPENAI', { format: 'OPENAI', files: [] })).details).toEqual({ field: 'body/data/instructions' });
    expect(refusal(() => parseExport('OPENAI', { format: 'OPENAI', instructions: '', files: [{ filename: 'a.md' }] })).details).toEqual({ field: 'body/data/files' });
    expect(refusal(() => parseExport('OPENAI', { format: 'ANTHROPIC', system: '' })).details).toEqual({ field: 'body/data/format' });
  });
});

describe('ANTHROPIC', () => {
  const out = exportAs('ANTHROPIC', meta) as { format: 'ANTHROPIC'; system: string; memories: { key: string | null; type: ContextType; content: string }[] };

  it('writes the system prompt as OPENAI writes instructions, and the rest as memories', () => {
    expect(out.system).toBe((exportAs('OPENAI', meta) as { instructions: string }).instructions);
    expect(out.memories).toEqual([
      { key: null, type: 'FACT', content: "The customer's plan is Enterprise." },
      { key: null, type: 'FACT', content: '**bold claim**: starts like a key, and \\ backslashes stay.' },
      { key: 'migration', type: 'INTENT', content: 'Wants to migrate from Zendesk.' },
      { key: null, type: 'CONVERSATION', content: 'Asked about SSO twice last week.' },
    ]);
  });

  it('reads back every item (a memory keeps no user) and reports bad memories by index', () => {
    const parsed = parseExport('ANTHROPIC', JSON.parse(JSON.stringify(out)));
    expect(parsed.invalid).toEqual([]);
    expect(valid(parsed).sort((a, b) => a.content.localeCompare(b.content))).toEqual(ITEMS.map((i) => ({ ...shape(i), userId: i.type === 'FACT' ? null : i.userId })).sort((a, b) => a.content.localeCompare(b.content)));
    const bad = parseExport('ANTHROPIC', { format: 'ANTHROPIC', system: '## Instructions\n- Be brief.', memories: [{ type: 'FACT', content: 'ok', key: null }, { type: 'FACT', content: '' }, 7, { type: 'MOOD', content: 'x' }] });
    expect(valid(bad)).toEqual([
      { type: 'INSTRUCTION', key: null, userId: null, content: 'Be brief.' },
      { type: 'FACT', key: null, userId: null, content: 'ok' },
    ]);
    expect(bad.invalid).toEqual([
      { index: 2, reason: 'memories[1]: content must be a non-empty string' },
      { index: 3, reason: 'memories[2]: an entry must be an object' },
      { index: 4, reason: 'memories[3]: type must be one of CONVERSATION, PREFERENCE, FACT, INSTRUCTION, INTENT' },
    ]);
    expect(refusal(() => parseExport('ANTHROPIC', { format: 'ANTHROPIC', system: '', memories: {} })).details).toEqual({ field: 'body/data/memories' });
  });
});

describe('JSON', () => {
  it('keeps the portable fields and nothing of this installation', () => {
    const out = exportAs('JSON', meta) as { format: 'JSON'; items: Record<string, unknown>[] };
    expect(out.items).toHaveLength(8);
    expect(Object.keys(out.items[0]!).sort()).toEqual(['confidence', 'content', 'key', 'tags', 'type', 'userId', 'validFrom', 'validUntil']);
    expect(JSON.stringify(out)).not.toContain(AGENT);
    const parsed = parseExport('JSON', JSON.parse(JSON.stringify(out)));
    expect(parsed.invalid).toEqual([]);
    expect(parsed.items.map((x) => x.item)).toEqual(
      ITEMS.map((i) => ({ type: i.type, content: i.content, key: i.key, userId: i.userId, confidence: i.confidence, validFromMs: Date.parse(i.validFrom), validUntilMs: i.validUntil === null ? null : Date.parse(i.validUntil), tags: i.tags, metadata: {} })),
    );
  });

  it('takes hand-written entries without validFrom, and reports bad ones by index', () => {
    const parsed = parseExport('JSON', { format: 'JSON', items: [{ type: 'FACT', content: 'a', confidence: 1 }, { type: 'FACT', content: 'b' }, { type: 'FACT', content: 'c', confidence: 0.5, userId: '' }] });
    expect(parsed.items.map((x) => x.item)).toEqual([{ type: 'FACT', content: 'a', key: null, userId: null, confidence: 1, tags: [], metadata: {} }]);
    expect(parsed.invalid).toEqual([
      { index: 1, reason: 'items[1]: confidence must be a number from 0 to 1' },
      { index: 2, reason: 'items[2]: userId must be null or a string of 1 to 255 characters' },
    ]);
    expect(refusal(() => parseExport('JSON', { format: 'JSON' })).details).toEqual({ field: 'body/data/items' });
  });
});

describe('entries as text', () => {
  it('survives contents that look like markup', () => {
    const tricky = ['- a list inside', '## not a heading', '\\ starts with a backslash', '**x**: keyed-looking', 'para one\n\npara two', 'trailing  spaces  '];
    for (const content of tricky) {
      const parsed = parseEntries(`## Facts\n${entryText({ key: null, content })}`, null);
      expect(parsed).toEqual([{ entry: { type: 'FACT', key: null, userId: null, content }, line: 2 }]);
    }
    // An editor that strips the indentation of an empty line loses nothing either.
    expect(parseEntries('## Facts\n- one\n\n  two', null)).toEqual([{ entry: { type: 'FACT', key: null, userId: null, content: 'one\n\ntwo' }, line: 2 }]);
  });
});

describe('preferences', () => {
  it('takes the category from the key before "." or else "_"', () => {
    expect(categoryOf('communication_style.tone')).toBe('communication_style');
    expect(categoryOf('response_format')).toBe('response');
    expect(categoryOf('language')).toBe('language');
    expect(categoryOf(null)).toBe('general');
    expect(toPreference(ITEMS[2]!)).toEqual({ id: ITEMS[2]!.id, agentId: AGENT, userId: null, category: 'response', key: 'response_format', value: 'Answers as short bullet points.', examples: ['- one\n- two'], confidence: 0.9, lastObserved: '2025-03-02T10:00:00.000Z' });
  });

  it('puts them in a fenced block that a second injection replaces and an empty one removes', () => {
    const prefs = [toPreference(ITEMS[2]!)];
    const once = instructionsWith('You are the support agent.\n', prefs, null);
    expect(once).toBe(`You are the support agent.\n\n${fenceStart(null)}\nThe user's preferences (kept by AI-ARM; follow them unless told otherwise):\n- **response_format**: Answers as short bullet points.\n${FENCE_END}`);
    const edited = `${once}\nA line the owner added after.`;
    const twice = instructionsWith(edited, [{ ...prefs[0]!, value: 'Numbered lists.' }], null);
    expect(twice.split(fenceStart(null))).toHaveLength(2);
    expect(twice).toContain('- **response_format**: Numbered lists.');
    expect(twice).not.toContain('short bullet points');
    expect(twice.endsWith(`${FENCE_END}\nA line the owner added after.`)).toBe(true);
    // One user's block sits beside the agent's, and each is replaced on its own.
    const user = instructionsWith(twice, [toPreference(ITEMS[3]!)], 'u-42');
    expect(user).toContain(`${fenceStart('u-42')}\nPreferences of user "u-42"`);
    expect(instructionsWith(user, [], 'u-42')).toBe(twice);
    expect(instructionsWith(once, [], null)).toBe('You are the support agent.');
    expect(instructionsWith('', prefs, null).startsWith(fenceStart(null))).toBe(true);
    expect(instructionsWith('Plain.', [], null)).toBe('Plain.');
  });
});
