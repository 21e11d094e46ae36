import { place, segments, unplaced, type Span } from './highlight';

type Named = Span & { name: string };
const span = (name: string, start: number, end: number): Named => ({ name, start, end });
/** Each run as [text, names of the spans covering it]. */
const runs = (text: string, spans: Named[]) => segments(text, spans).map((r) => [r.text, r.spans.map((s) => s.name)]);

describe('segments: a response cut where flagged claims start and end', () => {
  test('one span in the middle: before, the claim, after; the runs join back to the text', () => {
    const text = 'Paris is the capital of Germany.';
    expect(runs(text, [span('a', 24, 31)])).toEqual([
      ['Paris is the capital of ', []],
      ['Germany', ['a']],
      ['.', []],
    ]);
    expect(
      segments(text, [span('a', 24, 31)])
        .map((r) => r.text)
        .join('')
    ).toBe(text);
  });

  test('spans at the very start and end, and the whole text', () => {
    expect(runs('abcdef', [span('s', 0, 2), span('e', 4, 6)])).toEqual([
      ['ab', ['s']],
      ['cd', []],
      ['ef', ['e']],
    ]);
    expect(runs('abcdef', [span('all', 0, 6)])).toEqual([['abcdef', ['all']]]);
  });

  test('overlapping spans: the overlap is its own run, covered by both, in the order given', () => {
    expect(runs('0123456789', [span('x', 2, 6), span('y', 4, 8)])).toEqual([
      ['01', []],
      ['23', ['x']],
      ['45', ['x', 'y']],
      ['67', ['y']],
      ['89', []],
    ]);
  });

  test('a nested span and a duplicate: the outer run is not cut where nothing changes', () => {
    expect(runs('0123456789', [span('outer', 1, 9), span('inner', 3, 5), span('twin', 3, 5)])).toEqual([
      ['0', []],
      ['12', ['outer']],
      ['34', ['outer', 'inner', 'twin']],
      ['5678', ['outer']],
      ['9', []],
    ]);
  });

  test('adjacent spans stay two runs (two claims, two marks), though nothing lies between them', () => {
    expect(runs('aaabbb', [span('a', 0, 3), span('b', 3, 6)])).toEqual([
      ['aaa', ['a']],
      ['bbb', ['b']],
    ]);
  });

  test('unsorted input gives the same runs as sorted', () => {
    const spans = [span('late', 6, 8), span('early', 1, 3)];
    const texts = (list: Named[]) => segments('0123456789', list).map((r) => r.text);
    expect(texts(spans)).toEqual(texts([...spans].reverse()));
    expect(runs('0123456789', spans)).toEqual([
      ['0', []],
      ['12', ['early']],
      ['345', []],
      ['67', ['late']],
      ['89', []],
    ]);
  });

  test('offsets past the end are clamped; a span wholly past the end, empty or reversed marks nothing', () => {
    const text = 'short';
    expect(runs(text, [span('over', 3, 99)])).toEqual([
      ['sho', []],
      ['rt', ['over']],
    ]);
    const bad = [span('past', 10, 12), span('empty', 2, 2), span('reversed', 4, 1), span('nan', NaN, 3)];
    expect(runs(text, bad)).toEqual([['short', []]]);
    expect(unplaced(text, [...bad, span('ok', 0, 1)]).map((s) => s.name)).toEqual(['past', 'empty', 'reversed', 'nan']);
    expect(runs(text, [span('negative', -5, 2)])).toEqual([
      ['sh', ['negative']],
      ['ort', []],
    ]);
  });

  test('UTF-16 offsets: an emoji counts two, and a boundary inside one is widened to keep it whole', () => {
    // '🚀' is two code units: the collector's offsets count them as JavaScript does.
    const text = 'Go 🚀 now';
    expect(runs(text, [span('rocket', 3, 5)])).toEqual([
      ['Go ', []],
      ['🚀', ['rocket']],
      [' now', []],
    ]);
    // Start and end both between the rocket's halves: the span grows to the whole character.
    expect(place(text, { start: 4, end: 4 })).toBeNull();
    expect(place(text, { start: 4, end: 6 })).toEqual({ start: 3, end: 6 });
    expect(place(text, { start: 0, end: 4 })).toEqual({ start: 0, end: 5 });
    for (const [start, end] of [
      [4, 6],
      [0, 4],
      [4, 9],
    ]) {
      for (const r of segments(text, [span('cut', start, end)])) {
        expect(r.text).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/);
      }
    }
  });

  test('combining marks and line breaks are plain code units: kept as they are', () => {
    const text = 'cafe\u0301\nline two';
    expect(runs(text, [span('accent', 3, 5)])).toEqual([
      ['caf', []],
      ['e\u0301', ['accent']],
      ['\nline two', []],
    ]);
  });

  test('an empty text has no runs, and no spans gives the text as one plain run', () => {
    expect(segments('', [span('a', 0, 3)])).toEqual([]);
    expect(runs('plain', [])).toEqual([['plain', []]]);
  });
});
