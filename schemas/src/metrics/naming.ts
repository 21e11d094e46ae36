/**
 * The OTel -> Prometheus metric name rules (OTel spec, "Prometheus and OpenMetrics
 * Compatibility"): the catalogue's `prometheus` names are checked against this, so a
 * name can only change together with the metric it comes from.
 */
const UNIT_WORDS: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  min: 'minutes',
  h: 'hours',
  d: 'days',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  '%': 'percent',
};

export function prometheusName(m: { name: string; unit: string; instrument: 'counter' | 'gauge' | 'histogram' }): string {
  let name = sanitize(m.name);
  const unit = unitSuffix(m.unit, m.instrument);
  if (unit && !name.endsWith(`_${unit}`)) name = `${name}_${unit}`;
  if (m.instrument === 'counter' && !name.endsWith('_total')) name = `${name}_total`;
  return name;
}

function unitSuffix(unit: string, instrument: string): string {
  const bare = unit.replace(/\{[^}]*\}/g, '').trim();
  if (bare === '') return '';
  if (bare === '1') return instrument === 'gauge' ? 'ratio' : '';
  const [num, per] = bare.split('/');
  const words = [UNIT_WORDS[num ?? ''] ?? sanitize(num ?? '')];
  if (per) words.push('per', UNIT_WORDS[per] ?? sanitize(per));
  return words.filter(Boolean).join('_');
}

function sanitize(s: string): string {
  return s.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
}
