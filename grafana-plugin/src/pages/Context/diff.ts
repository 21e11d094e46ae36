/**
 * The lines of an agent's instructions before and after an injection, side by side as a diff: the
 * lines both keep, the ones taken out and the ones written. An injection puts in or replaces one
 * fenced block, so the longest common subsequence of lines (small texts, a few hundred lines)
 * shows exactly that block.
 */
export interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/** Most lines compared line by line; past it, the whole texts are shown as removed and added. */
const MAX_LINES = 2000;

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  if (a.length > MAX_LINES || b.length > MAX_LINES) {
    return [
      ...a.map((text) => ({ kind: 'removed' as const, text })),
      ...b.map((text) => ({ kind: 'added' as const, text })),
    ];
  }
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i] });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      // What was taken out is listed before what replaced it.
      out.push({ kind: 'removed', text: a[i++] });
    } else {
      out.push({ kind: 'added', text: b[j++] });
    }
  }
  return out;
}

/** "4 lines written, 1 taken out" for the diff's caption. */
export function diffSummary(lines: DiffLine[]): string {
  const added = lines.filter((l) => l.kind === 'added').length;
  const removed = lines.filter((l) => l.kind === 'removed').length;
  if (added === 0 && removed === 0) {
    return 'No change: the instructions already hold these preferences.';
  }
  const n = (k: number) => `${k} ${k === 1 ? 'line' : 'lines'}`;
  return [added && `${n(added)} written`, removed && `${n(removed)} taken out`].filter(Boolean).join(', ');
}
