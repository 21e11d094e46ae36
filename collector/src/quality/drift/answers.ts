import type { QualitySettings } from '@ai-arm/schemas';
import { cachedEmbedder } from '../../embeddings/cache';
import type { Embedder } from '../../embeddings/embedder';
import { contentText } from '../../interactions/content-text';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { millisText } from '../../stores/clickhouse/time-text';
import type { Windows } from './windows';
import { binCount, binCounts, binLevels, centroid, cosineDistance, meanDeviation, momentsOf, psi, quantileEdges } from './stats';

/** Answers embedded per window at most: ~25-50 ms each on one core. */
export const ANSWERS_PER_WINDOW = 200;
/** Characters of an answer embedded: the model reads 256 tokens, about 1,000 characters, and truncates the rest. */
const MAX_CHARS = 2_000;

export interface AnswerDriftDeps {
  telemetry: TelemetryDb;
  embedder?: Embedder | null;
}

export interface AnswerDrift {
  /** Mean cosine distance of the window's answers from the baseline's centroid. */
  baseline: number;
  current: number;
  deviation: number;
  psi: number;
  baselineSamples: number;
  currentSamples: number;
  /** Current answers farthest from the baseline centroid, farthest first. */
  farthest: string[];
}

/** One cache per embedder for the process: checks re-read mostly the same baseline answers (the sample is by hash of the id, stable as the window slides). */
const caches = new WeakMap<Embedder, ReturnType<typeof cachedEmbedder>>();

/**
 * Drift of what the agent answers, where content capture keeps the answers: a sample of each
 * window's answers (the same ones run after run: chosen by a hash of their id) is embedded; the
 * baseline's mean direction is its centroid; each answer's cosine distance from it measures how
 * unlike the baseline's usual answer it is. PSI compares the distances' distributions (answers
 * that move to new topics or forms move away from the centroid; a narrower or wider spread shows
 * too) and the deviation their mean, in the same bucketed sigma as the other metrics. The
 * baseline's answers also make the centroid, which pulls their own distances down a little
 * (each weighs 1/n in it): with a couple of hundred answers that bias is far under the thresholds.
 * Null when either window has fewer than settings.minSamples answers with text.
 */
export async function answerDrift(deps: AnswerDriftDeps, organizationId: string, agentId: string, settings: QualitySettings, w: Windows): Promise<AnswerDrift | null> {
  const embedder = deps.embedder;
  if (!embedder) return null;
  const rows = await deps.telemetry.query<{ id: string; content: string; is_current: number; bucket: number }>(
    `SELECT id, content, started_at >= {cur:DateTime64(3, 'UTC')} AS is_current,
        intDiv({curMs:Int64} - 1 - toUnixTimestamp64Milli(started_at), {bucketMs:Int64}) AS bucket
       FROM {db:Identifier}.interactions FINAL
      WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')}
        AND has_answer = 1 AND content != ''
      ORDER BY is_current, cityHash64(id) LIMIT {k:UInt32} BY is_current`,
    { org: organizationId, agent: agentId, from: millisText(w.baselineFrom), to: millisText(w.now), cur: millisText(w.currentFrom), curMs: w.currentFrom, bucketMs: w.bucketMs, k: ANSWERS_PER_WINDOW },
  );
  const items = rows.map((r) => ({ ...r, text: answerText(r.content) })).filter((r) => r.text.length > 0);
  const base = items.filter((r) => !Number(r.is_current));
  const cur = items.filter((r) => Number(r.is_current));
  if (base.length < settings.minSamples || cur.length < settings.minSamples) return null;

  let cache = caches.get(embedder);
  if (!cache) caches.set(embedder, (cache = cachedEmbedder(embedder)));
  const key = (id: string) => `${organizationId}|${agentId}|${id}`;
  const vectors = await cache.embedKeyed(items.map((r) => ({ key: key(r.id), text: r.text })));
  const byId = new Map(items.map((r, i) => [r.id, vectors[i]!]));
  const center = centroid(base.map((r) => byId.get(r.id)!));
  const distance = (r: { id: string }) => cosineDistance(byId.get(r.id)!, center);
  const baseD = base.map(distance);
  const curD = cur.map(distance);

  const buckets = new Map<number, number[]>();
  base.forEach((r, i) => {
    const b = Number(r.bucket);
    if (!buckets.has(b)) buckets.set(b, []);
    buckets.get(b)!.push(baseD[i]!);
  });
  const d = meanDeviation([...buckets.values()].map(momentsOf), momentsOf(curD));
  const edges = quantileEdges(baseD, binLevels(binCount(Math.min(baseD.length, curD.length))));
  const farthest = cur.map((r, i) => ({ id: r.id, d: curD[i]! })).sort((a, b) => b.d - a.d || (a.id < b.id ? -1 : 1)).map((r) => r.id);
  return {
    baseline: d.baseline,
    current: d.current,
    deviation: d.deviation,
    psi: psi(binCounts(baseD, edges), binCounts(curD, edges)),
    baselineSamples: base.length,
    currentSamples: cur.length,
    farthest,
  };
}

/** The answer's text from stored content ({ system?, input?, output? }, masked). */
function answerText(content: string): string {
  try {
    const c = JSON.parse(content) as { output?: unknown };
    return c.output === undefined ? '' : contentText(c.output).slice(0, MAX_CHARS);
  } catch {
    return '';
  }
}
