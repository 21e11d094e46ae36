import { count, percent } from '../../format';

/** A figure the collector could not measure (no requests, no content, no feedback) is null: a dash, not 0. */
const or = <T>(v: T | null | undefined, f: (v: T) => string) => (v === null || v === undefined ? '—' : f(v));

export const ms = (v: number | null | undefined) => or(v, (n) => `${count(Math.round(n))} ms`);
export const ratio = (v: number | null | undefined) => or(v, percent);
export const decimal = (v: number | null | undefined) =>
  or(v, (n) => (Math.abs(n) >= 100 ? count(Math.round(n)) : n.toFixed(1)));
export const chars = (v: number | null | undefined) => or(v, (n) => `${count(Math.round(n))} chars`);
export const version = (v: number | null | undefined) => or(v, (n) => `v${n}`);
/** A value of a drift metric in its unit: latency in ms, rates as percentages, the rest as numbers. */
export function metricValue(metric: string, v: number): string {
  if (metric === 'latency') {
    return ms(v);
  }
  if (metric.endsWith('_rate')) {
    return ratio(v);
  }
  if (metric === 'output_length') {
    return chars(v);
  }
  return v.toFixed(metric === 'answer_embedding' ? 3 : 1);
}

/**
 * An alert's value against its threshold. A drift alert's are the test's own figures (a shift
 * in baseline standard deviations, or a PSI; its message names which), not the metric's unit:
 * 273 σ read as "273 ms" otherwise.
 */
export function alertFigures(a: { type: string; metric: string; actualValue: number; threshold: number; message: string }): string {
  if (a.type !== 'DRIFT') {
    return `${metricValue(a.metric, a.actualValue)} / ${metricValue(a.metric, a.threshold)}`;
  }
  if (a.message.includes('(PSI ')) {
    return `PSI ${a.actualValue.toFixed(2)} / ${a.threshold.toFixed(2)}`;
  }
  return `${a.actualValue >= 0 ? '+' : ''}${a.actualValue.toFixed(1)} σ / ${a.threshold.toFixed(1)} σ`;
}

export const METRIC_NAMES: Record<string, string> = {
  latency: 'Latency',
  error_rate: 'Error rate',
  refusal_rate: 'Refusal rate',
  tokens_per_request: 'Tokens per request',
  output_length: 'Answer length',
  answer_embedding: 'Answer content',
  grounding_failure_rate: 'Grounding failures',
};
