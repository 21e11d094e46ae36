import { RE2JS } from 're2js';

/** False only when the text cannot hold a match; true says nothing (the pattern then runs). */
export interface Prefilter {
  /** Whether the literals are lower-cased, to be looked for in the lower-cased text (a case-insensitive pattern), or as they are. */
  readonly folded: boolean;
  /** Every literal the filter may look for. */
  readonly literals: readonly string[];
  /** `has` says whether the (lower-cased, when folded) text holds a literal. */
  mayMatch(has: (literal: string) => boolean): boolean;
}

// re2js's own literal requirements of a pattern (its PrefilterTree): which strings every match
// holds, as an AND/OR tree. re2js checks them with an automaton written in JavaScript, which on a
// 4 KB text costs as much as matching does, and builds none for a case-insensitive pattern.
// String.prototype.includes does the same check some fifty times faster.
interface Tree {
  type: number;
  str: string;
  subs: Tree[];
}
const EXACT = 1;
const AND = 2;
const OR = 3;

type Has = (literal: string) => boolean;
type Test = (has: Has) => boolean;

/**
 * A cheap test that rules out most texts before RE2 runs a MATCHES pattern, or null when the
 * pattern requires no literal (or is one this does not read: flags set inside the pattern).
 * A case-insensitive pattern (a leading (?i)) is tested on the lower-cased text with its
 * literals lower-cased, taken from the same pattern compiled without the flag: every match of
 * the case-insensitive pattern is, letter case aside, a match of that one, so holds its literals.
 */
export function prefilterOf(pattern: string, compiled: RE2JS): Prefilter | null {
  const lead = /^\(\?([imsU]+)\)/.exec(pattern);
  const flags = lead?.[1] ?? '';
  const rest = pattern.slice(lead?.[0].length ?? 0);
  // Flags switched inside the pattern ((?i:...), a(?i)b): not read here; the pattern runs alone.
  if (/\(\?(?!:|P?<[A-Za-z_])/.test(rest)) return null;
  const folded = flags.includes('i');
  let tree: Tree | null;
  try {
    const plain = flags.replace('i', '');
    tree = folded ? treeOf(RE2JS.compile(`${plain ? `(?${plain})` : ''}${rest}`)) : treeOf(compiled);
  } catch {
    return null;
  }
  const literals: string[] = [];
  const test = tree && testOf(tree, folded, literals);
  if (!test) return null;
  if (!folded) return { folded, literals, mayMatch: test };
  // ſ (long s) is an s to a case-insensitive match, but lower-casing leaves it as it is.
  literals.push(LONG_S);
  return { folded, literals, mayMatch: (has) => test(has) || has(LONG_S) };
}

const LONG_S = 'ſ';

const treeOf = (re: RE2JS): Tree | null => (re.re2Input as unknown as { prefilter: Tree | null }).prefilter;

/** The tree as a test (its literals added to `literals`); null when it requires nothing this can check. */
function testOf(t: Tree, folded: boolean, literals: string[]): Test | null {
  switch (t.type) {
    case EXACT: {
      // Only ASCII literals are lower-cased with certainty of matching what case folding matches.
      if (folded && !/^[\x20-\x7e]+$/.test(t.str)) return null;
      const literal = folded ? t.str.toLowerCase() : t.str;
      literals.push(literal);
      return (has) => has(literal);
    }
    case AND: {
      // Each requirement dropped leaves the rest still required.
      const all = t.subs.map((s) => testOf(s, folded, literals)).filter((s): s is Test => s !== null);
      if (all.length === 0) return null;
      return all.length === 1 ? all[0]! : (has) => all.every((s) => s(has));
    }
    case OR: {
      // One alternative with no requirement means the whole alternation has none.
      const any: Test[] = [];
      for (const s of t.subs) {
        const test = testOf(s, folded, literals);
        if (!test) return null;
        any.push(test);
      }
      return any.length === 0 ? null : (has) => any.some((s) => s(has));
    }
    default:
      return null;
  }
}
