/**
 * Scoring of a grounding checker on the labelled set (testdata/grounding/labelled.jsonl): each
 * labelled claim is matched to the checked claim that overlaps it most in the response; a claim
 * is flagged when CONTRADICTED or UNSUPPORTED. Shared by bench/grounding.ts and the test that
 * holds the figures above their floors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GroundedClaim, GroundingVerdict } from '@ai-arm/schemas';

export interface LabelledCase {
  id: string;
  response: string;
  sources: string[];
  claims: { text: string; status: GroundedClaim['status'] }[];
  verdict: GroundingVerdict;
}

export interface Checked {
  claims: Pick<GroundedClaim, 'start' | 'end' | 'status'>[];
  verdict: GroundingVerdict;
}

export interface Figures {
  cases: number;
  claims: number;
  /** Of the claims the checker flagged, the share labelled flagged. */
  precision: number;
  /** Of the claims labelled flagged, the share the checker flagged. */
  recall: number;
  /** Claims given exactly their labelled status. */
  statusAccuracy: number;
  verdictAccuracy: number;
  /** Labelled claims no checked claim overlapped (the splitter dropped or merged them). */
  unmatched: number;
  confusion: Record<string, number>;
  misses: { id: string; claim: string; expected: string; got: string }[];
}

export const LABELLED_PATH = join(__dirname, '..', 'testdata', 'grounding', 'labelled.jsonl');

export function loadLabelled(path = LABELLED_PATH): LabelledCase[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LabelledCase);
}

const flagged = (s: string) => s === 'CONTRADICTED' || s === 'UNSUPPORTED';

export async function score(cases: readonly LabelledCase[], check: (c: LabelledCase) => Promise<Checked> | Checked): Promise<Figures> {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let exact = 0;
  let claims = 0;
  let verdicts = 0;
  let unmatched = 0;
  const confusion: Record<string, number> = {};
  const misses: Figures['misses'] = [];
  for (const c of cases) {
    const got = await check(c);
    if (got.verdict === c.verdict) verdicts++;
    for (const label of c.claims) {
      claims++;
      const start = c.response.indexOf(label.text);
      const end = start + label.text.length;
      let best: Checked['claims'][number] | null = null;
      let bestOverlap = 0;
      for (const g of got.claims) {
        const overlap = Math.min(end, g.end) - Math.max(start, g.start);
        if (overlap > bestOverlap) [best, bestOverlap] = [g, overlap];
      }
      // A labelled claim the checker did not check counts as not flagged.
      const status = best?.status ?? 'SUPPORTED';
      if (!best) unmatched++;
      const key = `${label.status}->${status}`;
      confusion[key] = (confusion[key] ?? 0) + 1;
      if (status === label.status) exact++;
      else misses.push({ id: c.id, claim: label.text, expected: label.status, got: best ? status : 'not checked' });
      if (flagged(status) && flagged(label.status)) tp++;
      else if (flagged(status)) fp++;
      else if (flagged(label.status)) fn++;
    }
  }
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    cases: cases.length,
    claims,
    precision: r3(tp + fp === 0 ? 1 : tp / (tp + fp)),
    recall: r3(tp + fn === 0 ? 1 : tp / (tp + fn)),
    statusAccuracy: r3(exact / claims),
    verdictAccuracy: r3(verdicts / cases.length),
    unmatched,
    confusion,
    misses,
  };
}
