import { loadCatalogue } from '@ai-arm/schemas';

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads. Strings, label matchers, ranges and label lists
 * are removed first (label names share the metrics' prefixes); what remains that is neither a
 * function (followed by `(`), a keyword nor a number is a metric name.
 */
export function promqlMetricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w.$])([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    if (!m[2] && !KEYWORDS.has(m[1]!.toLowerCase())) names.add(m[1]!);
  }
  return [...names];
}

/** Every series name the collector exposes for the catalogue's metrics, histograms as their three series. */
export function catalogueSeriesNames(): Set<string> {
  return new Set(loadCatalogue().metrics.flatMap((m) => (m.instrument === 'histogram' ? ['_bucket', '_count', '_sum'].map((s) => `${m.prometheus}${s}`) : [m.prometheus])));
}
