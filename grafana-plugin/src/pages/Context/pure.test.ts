import type { CapturePlan, Context } from '@ai-arm/schemas';
import { browseQuery } from './Browse';
import { diffSummary, lineDiff } from './diff';
import { draftOf, draftProblem, EMPTY_DRAFT, itemInput, itemPatch, tagsOf } from './draft';
import { hitFigures, itemState, markWords, queryWords, stemOf, utcInstant, validityText } from './format';
import { scopesOf } from './InjectPanel';
import { exportEntries, exportFilename, planChanges, planCounts, planSummary, readExport } from './plan';
import { searchQuery } from './Search';

const item = (over: Partial<Context> = {}): Context => ({
  id: '11111111-1111-4111-8111-111111111111',
  agentId: '22222222-2222-4222-8222-222222222222',
  type: 'PREFERENCE',
  content: 'Answers in bullet points',
  key: 'response_format',
  confidence: 0.8,
  source: { type: 'MANUAL', interactionId: null, extractor: null, importedFrom: null },
  userId: null,
  validFrom: '2026-03-01T00:00:00.000Z',
  validUntil: null,
  tags: ['style'],
  supersededBy: null,
  mergedCount: 1,
  metadata: {},
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  ...over,
});

const plan = (over: Partial<CapturePlan> = {}): CapturePlan => ({
  dryRun: true,
  created: [],
  merged: [],
  superseded: [],
  unchanged: 0,
  invalid: [],
  ...over,
});

describe('UTC times typed into the filters and forms', () => {
  test('a date is its start, a time is read as UTC whatever the zone; nothing typed is nothing', () => {
    expect(utcInstant('2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(utcInstant(' 2026-03-01 14:30 ')).toBe('2026-03-01T14:30:00.000Z');
    expect(utcInstant('2026-03-01T14:30:05Z')).toBe('2026-03-01T14:30:05.000Z');
    expect(utcInstant('')).toBe('');
  });

  test('what is not a real time is refused, not rolled over', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-03-01 24:00', '2026-03-01 12:60', 'yesterday', '03/01/2026']) {
      expect([bad, utcInstant(bad)]).toEqual([bad, null]);
    }
  });
});

describe('search hits: score, parts and the words shared with the query', () => {
  test('the figures: score to three places, similarity to two or "no vector", words as a share', () => {
    expect(hitFigures({ score: 0.81234, semantic: 0.7789, keyword: 0.5 })).toEqual({
      score: '0.812',
      semantic: '0.78',
      keyword: '50%',
    });
    expect(hitFigures({ score: 0.2, semantic: null, keyword: 1 / 3 })).toEqual({
      score: '0.200',
      semantic: 'no vector',
      keyword: '33%',
    });
  });

  test('query words: lower case, stop words and single letters left out (all of them when nothing else is left)', () => {
    expect(queryWords('How does the user want Answers? answers, a Ö ÖL 42 7')).toEqual([
      'user',
      'answers',
      'öl',
      '42',
      '7',
    ]);
    expect(queryWords('Where is it?')).toEqual(['where', 'is', 'it']);
    expect(stemOf('refunded')).toBe('refund');
    expect(stemOf('policies')).toBe('policy');
    expect(stemOf('bills')).toBe('bill');
    expect(stemOf('bus')).toBe('bus');
  });

  test("marks: whole words starting with a query word's stem, any case; joined again, the text as it was", () => {
    const text = 'Answers in bullet points; the user answered "bullets".';
    const segments = markWords(text, 'the bullet answers');
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.match).map((s) => s.text)).toEqual(['Answers', 'bullet', 'answered', 'bullets']);
    // Inside a word is not a match: "user" in "reuser" is not marked.
    expect(markWords('reuser user', 'user').filter((s) => s.match)).toEqual([{ text: 'user', match: true }]);
    // A query of stop words only still marks them.
    expect(
      markWords('Where is it', 'where is')
        .filter((s) => s.match)
        .map((s) => s.text)
    ).toEqual(['Where', 'is']);
    expect(markWords('', 'x')).toEqual([]);
    expect(markWords('abc', '')).toEqual([{ text: 'abc', match: false }]);
  });

  test('the search sends only the filters given, the time as RFC 3339 UTC', () => {
    expect(searchQuery({ q: ' format ', type: '', userId: ' ', validAt: '' })).toEqual({
      q: 'format',
      agentId: undefined,
      type: undefined,
      userId: undefined,
      validAt: undefined,
      limit: 20,
    });
    expect(
      searchQuery({ q: 'x', agentId: 'a', type: 'FACT', userId: 'u-1', validAt: '2026-03-01 08:00' })
    ).toMatchObject({ agentId: 'a', type: 'FACT', userId: 'u-1', validAt: '2026-03-01T08:00:00.000Z' });
    expect(browseQuery('a', { type: '', userId: '', validAt: '', includeSuperseded: true })).toEqual({
      agentId: 'a',
      type: undefined,
      userId: undefined,
      validAt: undefined,
      includeSuperseded: 'true',
      limit: 50,
    });
  });
});

describe('items: state, validity and what the forms send', () => {
  const now = Date.parse('2026-03-10T00:00:00Z');
  test('state now: superseded first, then expired, not yet valid, live', () => {
    expect(itemState(item(), now)).toBe('live');
    expect(itemState(item({ supersededBy: 'x', validUntil: '2026-03-05T00:00:00Z' }), now)).toBe('superseded');
    expect(itemState(item({ validUntil: '2026-03-10T00:00:00.000Z' }), now)).toBe('expired');
    expect(itemState(item({ validFrom: '2026-04-01T00:00:00.000Z' }), now)).toBe('future');
    expect(validityText(item())).toBe('from 2026-03-01 00:00:00');
    expect(validityText(item({ validUntil: '2026-04-01T12:00:00.000Z' }))).toBe(
      '2026-03-01 00:00:00 to 2026-04-01 12:00:00'
    );
  });

  test('a new item: required text and a confidence 0..1, valid until after valid from, only what was filled in sent', () => {
    expect(draftProblem(EMPTY_DRAFT)).toMatch(/Write what/);
    const d = { ...EMPTY_DRAFT, content: ' Prefers metric units ' };
    expect(draftProblem(d)).toBeNull();
    expect(draftProblem({ ...d, confidence: '1.5' })).toMatch(/Confidence/);
    expect(draftProblem({ ...d, confidence: '' })).toMatch(/Confidence/);
    expect(draftProblem({ ...d, validFrom: 'soon' })).toMatch(/UTC/);
    expect(draftProblem({ ...d, validFrom: '2026-03-02', validUntil: '2026-03-01' })).toMatch(/after/);
    expect(draftProblem({ ...d, tags: 'x'.repeat(65) })).toMatch(/tags/);
    expect(itemInput('agent-1', d)).toEqual({
      agentId: 'agent-1',
      type: 'FACT',
      content: 'Prefers metric units',
      confidence: 1,
    });
    expect(
      itemInput('agent-1', {
        ...d,
        type: 'PREFERENCE',
        key: ' units ',
        userId: 'u-7',
        confidence: '0.6',
        validUntil: '2026-12-31 23:59',
        tags: 'units, style, units,',
      })
    ).toEqual({
      agentId: 'agent-1',
      type: 'PREFERENCE',
      content: 'Prefers metric units',
      key: 'units',
      userId: 'u-7',
      confidence: 0.6,
      validUntil: '2026-12-31T23:59:00.000Z',
      tags: ['units', 'style'],
    });
    expect(tagsOf(' a, ,b,a ')).toEqual(['a', 'b']);
  });

  test('an edit sends what changed only; a cleared key, user or end as null; nothing changed is nothing to send', () => {
    const it = item({ userId: 'u-1', validFrom: '2026-03-01T00:00:00.250Z', validUntil: '2026-06-01T00:00:00.000Z' });
    const d = draftOf(it);
    expect(d).toMatchObject({ confidence: '0.8', validFrom: '2026-03-01 00:00:00', tags: 'style' });
    expect(itemPatch(it, d)).toBeNull();
    expect(itemPatch(it, { ...d, content: 'Answers in a table ' })).toEqual({ content: 'Answers in a table' });
    expect(itemPatch(it, { ...d, key: '', userId: ' ', validUntil: '' })).toEqual({
      key: null,
      userId: null,
      validUntil: null,
    });
    // The same instant typed another way is no change; a cleared start keeps the item's.
    expect(itemPatch(it, { ...d, validFrom: '2026-03-01', validUntil: '2026-06-01 00:00' })).toBeNull();
    expect(itemPatch(it, { ...d, validFrom: '' })).toBeNull();
    expect(itemPatch(it, { ...d, type: 'INSTRUCTION', confidence: '0.9', tags: 'style, tone' })).toEqual({
      type: 'INSTRUCTION',
      confidence: 0.9,
      tags: ['style', 'tone'],
    });
  });
});

describe('the dry-run plan, the export file and reading one back', () => {
  test('a plan in one sentence: "would" before confirming, done after; zero parts left out', () => {
    const p = plan({
      created: [item(), item({ id: 'b' })],
      superseded: [item({ id: 'c' })],
      unchanged: 3,
      invalid: [{ index: 4, reason: 'content is empty' }],
    });
    expect(planCounts(p)).toEqual({ created: 2, merged: 0, superseded: 1, unchanged: 3, invalid: 1 });
    expect(planSummary(p)).toBe(
      '2 new items would be added, 1 older item would be superseded, 3 items already held and 1 entry refused.'
    );
    expect(planSummary({ ...p, dryRun: false, created: [item()], superseded: [], unchanged: 0, invalid: [] })).toBe(
      '1 new item added.'
    );
    expect(planSummary(plan({ merged: [item()] }))).toBe('1 item would be merged into what the agent holds.');
    expect(planSummary(plan())).toBe('Nothing would change: there is nothing to capture.');
    expect(planChanges(plan({ unchanged: 5, invalid: [{ index: 0, reason: 'x' }] }))).toBe(false);
    expect(planChanges(plan({ merged: [item()] }))).toBe(true);
  });

  test('an export file is named for the agent, format and UTC day, safely', () => {
    const at = new Date('2026-03-01T23:30:00Z');
    expect(exportFilename('Support bot / EU', 'ARM_NATIVE', at)).toBe(
      'Support-bot-EU-context-arm-native-2026-03-01.json'
    );
    expect(exportFilename('../..', 'OPENAI', at)).toBe('agent-context-openai-2026-03-01.json');
    expect(exportFilename('.env', 'OPENAI', at)).toBe('env-context-openai-2026-03-01.json');
    expect(exportFilename('   ', 'JSON', at)).toBe('agent-context-json-2026-03-01.json');
    expect(exportEntries({ format: 'ANTHROPIC', system: '', memories: [{}, {}] })).toEqual({
      count: 2,
      what: 'memory entries',
    });
    expect(exportEntries({ format: 'OPENAI', instructions: '', files: [{}] })).toEqual({ count: 1, what: 'file' });
    expect(exportEntries({ format: 'JSON', items: [] })).toEqual({ count: 0, what: 'items' });
  });

  test('reading an export back: its own format field, the envelope unwrapped, anything else said plainly', () => {
    expect(readExport('{"format":"JSON","items":[]}')).toEqual({ format: 'JSON', data: { format: 'JSON', items: [] } });
    expect(readExport('{"success":true,"data":{"format":"OPENAI","instructions":"","files":[]}}')).toMatchObject({
      format: 'OPENAI',
    });
    expect(readExport('')).toEqual({ problem: 'Choose an export file or paste one.' });
    expect(readExport('{"format":')).toEqual({ problem: expect.stringMatching(/^This is not JSON/) });
    expect(readExport('[1]')).toEqual({ problem: 'An export is a JSON object with a format field.' });
    expect(readExport('{"format":"CSV"}')).toEqual({ problem: expect.stringContaining('this one says "CSV"') });
    expect(readExport('{"items":[]}')).toEqual({ problem: expect.stringContaining('this one says null') });
  });
});

describe('the instructions before and after an injection', () => {
  test('a block appended: the lines kept, then the lines written', () => {
    const before = 'You are a support agent.\nBe brief.';
    const after = `${before}\n\n<!-- ai-arm:preferences -->\n- response_format: bullets\n<!-- /ai-arm:preferences -->`;
    const d = lineDiff(before, after);
    expect(d.map((l) => l.kind)).toEqual(['same', 'same', 'added', 'added', 'added', 'added']);
    expect(diffSummary(d)).toBe('4 lines written');
  });

  test('a block replaced: what was taken out before what replaced it, the rest kept in place', () => {
    const before = 'Intro\n<!-- p -->\n- a\n<!-- /p -->\nOutro';
    const after = 'Intro\n<!-- p -->\n- b\n- c\n<!-- /p -->\nOutro';
    expect(lineDiff(before, after)).toEqual([
      { kind: 'same', text: 'Intro' },
      { kind: 'same', text: '<!-- p -->' },
      { kind: 'removed', text: '- a' },
      { kind: 'added', text: '- b' },
      { kind: 'added', text: '- c' },
      { kind: 'same', text: '<!-- /p -->' },
      { kind: 'same', text: 'Outro' },
    ]);
    expect(diffSummary(lineDiff(before, after))).toBe('2 lines written, 1 line taken out');
    expect(diffSummary(lineDiff('x', 'x'))).toMatch(/^No change/);
    expect(lineDiff('', 'a')).toEqual([{ kind: 'added', text: 'a' }]);
  });

  test('the scopes an Admin can write: the agent-wide block, then each user with preferences, once each', () => {
    const pref = (userId: string | null) => ({
      id: 'p',
      agentId: 'a',
      userId,
      category: 'response',
      key: 'response_format',
      value: 'bullets',
      examples: [],
      confidence: 1,
      lastObserved: '2026-03-01T00:00:00Z',
    });
    expect(scopesOf([pref('u-2'), pref(null), pref('u-1'), pref('u-2')]).map((s) => s.value)).toEqual([
      '',
      'u-1',
      'u-2',
    ]);
  });
});
