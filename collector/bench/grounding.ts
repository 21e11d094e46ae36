/**
 * npm run bench:grounding: the grounding checkers on the labelled set
 * (testdata/grounding/labelled.jsonl; regenerate it with testdata/grounding/build-labelled.py).
 * Prints, per checker, claim-level precision and recall of flagging (flagged = CONTRADICTED or
 * UNSUPPORTED), exact-status accuracy, verdict accuracy, the confusion counts and the time taken.
 *
 * The second checker is the LLM judge path (prompt, the official OpenAI SDK, reply parsing) against
 * the vendor simulator, whose "model" is a naive judge of its own (every number and capitalised
 * word found in the sources = SUPPORTED): its figures measure that plumbing and that naive judge,
 * not any real model. Point ARM_BENCH_JUDGE_URL / _KEY / _MODEL at a real OpenAI-compatible
 * endpoint to measure a model.
 */
import { checkByRules } from '../src/quality/grounding/check-rules';
import { splitClaims } from '../src/quality/grounding/claims';
import { judgeByModel, type JudgeTarget } from '../src/quality/grounding/judge';
import { verdictOf } from '../src/quality/grounding/verdict';
import { startSimulator } from '../src/simulator/server';
import { loadLabelled, score, type Figures, type LabelledCase } from './grounding-score';

function report(name: string, f: Figures, ms: number, verbose: boolean): void {
  console.log(`\n${name}`);
  console.log(`  cases ${f.cases}, claims ${f.claims} (unmatched ${f.unmatched}), ${ms.toFixed(0)} ms (${(ms / f.cases).toFixed(2)} ms per case)`);
  console.log(`  flagging precision ${f.precision.toFixed(3)}  recall ${f.recall.toFixed(3)}  status accuracy ${f.statusAccuracy.toFixed(3)}  verdict accuracy ${f.verdictAccuracy.toFixed(3)}`);
  console.log(`  labelled -> checked: ${Object.entries(f.confusion).sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (verbose) for (const m of f.misses) console.log(`    ${m.id}: ${m.expected} -> ${m.got}: ${m.claim}`);
}

async function main(): Promise<void> {
  const verbose = process.argv.includes('--misses');
  const cases = loadLabelled();
  let t = performance.now();
  const rules = await score(cases, (c) => {
    const claims = checkByRules(c.response, c.sources);
    return { claims, verdict: verdictOf(claims) };
  });
  report('rules checker (check-rules.ts)', rules, performance.now() - t, verbose);

  const external = process.env.ARM_BENCH_JUDGE_URL;
  const sim = external ? null : await startSimulator({ agents: 2, rateLimit: { requests: 100_000, windowSeconds: 60 } });
  const target: JudgeTarget = external
    ? { vendor: 'OPENAI', baseUrl: external, apiKey: process.env.ARM_BENCH_JUDGE_KEY ?? '', model: process.env.ARM_BENCH_JUDGE_MODEL ?? 'gpt-4o-mini' }
    : { vendor: 'OPENAI', baseUrl: sim!.openaiBaseUrl, apiKey: sim!.state.opts.keys.openaiAdmin, model: 'simulator-naive-judge' };
  const byJudge = async (c: LabelledCase) => {
    const spans = splitClaims(c.response);
    const judged = await judgeByModel(target, spans, c.sources);
    // As the service does: a claim the judge skipped keeps the rules' status.
    const rulesOf = checkByRules(c.response, c.sources, spans);
    const claims = spans.map((s, i) => ({ ...s, ...(judged.get(i) ?? rulesOf[i]!) }));
    return { claims, verdict: verdictOf(claims) };
  };
  t = performance.now();
  const llm = await score(cases, byJudge);
  report(external ? `LLM judge at ${external} (${target.model})` : "LLM judge path against the vendor simulator: the simulator's NAIVE judge, not a real model", llm, performance.now() - t, verbose);
  await sim?.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
