import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import type { QualityPoint } from '@ai-arm/schemas';
import { utcTime } from '../../format';
import { chars, decimal, ms, ratio, version as v } from './figures';

export const SERIES = [
  { value: 'latencyP95Ms', label: 'p95 latency', format: ms },
  { value: 'errorRate', label: 'Error rate', format: ratio },
  { value: 'refusalRate', label: 'Refusal rate', format: ratio },
  { value: 'tokensPerRequest', label: 'Tokens per request', format: decimal },
  { value: 'outputLength', label: 'Answer length', format: chars },
] as const;
export type Series = (typeof SERIES)[number]['value'];

const W = 600;
const H = 160;
const PAD = 4;

/** Where each version first appears in the trend: the marks drawn across the chart. */
export function versionStarts(points: QualityPoint[]): Array<{ version: number | null; at: string }> {
  const seen = new Set<number | null>();
  const starts: Array<{ version: number | null; at: string }> = [];
  for (const p of [...points].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    if (!seen.has(p.version)) {
      seen.add(p.version);
      starts.push({ version: p.version, at: p.at });
    }
  }
  return starts;
}

/**
 * One figure of the trend, a line per agent version (its own colour) so a change that came with a
 * new version shows as a new line, and a dashed mark where each version first appears. Buckets
 * where the figure was not measured are gaps. Drawn here, without a panel (which needs Grafana's
 * runtime): each point carries its time, version and value as a tooltip.
 */
export function TrendChart({
  points,
  series,
  from,
  to,
}: {
  points: QualityPoint[];
  series: Series;
  from: string;
  to: string;
}) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const def = SERIES.find((x) => x.value === series)!;
  const t0 = Date.parse(from);
  const span = Math.max(Date.parse(to) - t0, 1);
  const measured = points.filter((p) => p[series] !== null);
  const max = Math.max(...measured.map((p) => p[series] as number), 0);
  const x = (at: string) => PAD + ((Date.parse(at) - t0) / span) * (W - 2 * PAD);
  const y = (value: number) => H - PAD - (max > 0 ? (value / max) * (H - 2 * PAD) : 0);
  const starts = versionStarts(points);
  const colour = (version: number | null) => {
    const i = starts.findIndex((st) => st.version === version);
    const palette = theme.visualization.palette;
    return theme.visualization.getColorByName(palette[Math.max(i, 0) % palette.length]);
  };
  const title = `${def.label} over time, by version`;
  return (
    <figure className={s.figure}>
      <figcaption className={s.caption}>
        {title} <span className={s.max}>(top of the chart: {def.format(max)})</span>
      </figcaption>
      <svg role="img" aria-label={title} viewBox={`0 0 ${W} ${H}`} className={s.svg}>
        {starts.map((st, i) =>
          i === 0 ? null : (
            <g key={`mark-${st.version}`} data-testid="version-mark">
              <line x1={x(st.at)} x2={x(st.at)} y1={0} y2={H} className={s.mark} />
              <text x={x(st.at) + 3} y={12} className={s.markText}>
                {v(st.version)}
              </text>
            </g>
          )
        )}
        {starts.map((st) => {
          const own = measured
            .filter((p) => p.version === st.version)
            .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
          return (
            <g key={`line-${st.version}`} stroke={colour(st.version)} fill={colour(st.version)}>
              {own.length > 1 && (
                <polyline
                  fill="none"
                  strokeWidth={1.5}
                  vectorEffect="non-scaling-stroke"
                  points={own.map((p) => `${x(p.at)},${y(p[series] as number)}`).join(' ')}
                />
              )}
              {own.map((p) => (
                <circle key={p.at} cx={x(p.at)} cy={y(p[series] as number)} r={2.5}>
                  <title>{`${utcTime(p.at)} ${v(p.version)}: ${def.format(p[series])}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <ul className={s.legend} aria-label="Versions in the chart">
        {starts.map((st) => (
          <li key={String(st.version)}>
            <span className={s.swatch} style={{ background: colour(st.version) }} /> {v(st.version)} from{' '}
            {utcTime(st.at)}
          </li>
        ))}
      </ul>
    </figure>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  figure: css({ margin: 0 }),
  caption: css({ color: theme.colors.text.secondary, marginBottom: theme.spacing(0.5) }),
  max: css({ fontSize: theme.typography.bodySmall.fontSize }),
  svg: css({ width: '100%', height: 'auto', maxHeight: 2 * H, background: theme.colors.background.secondary }),
  mark: css({ stroke: theme.colors.text.secondary, strokeDasharray: '4 3', vectorEffect: 'non-scaling-stroke' }),
  markText: css({ fill: theme.colors.text.secondary, fontSize: 11, stroke: 'none' }),
  legend: css({
    listStyle: 'none',
    margin: theme.spacing(0.5, 0, 0),
    padding: 0,
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  swatch: css({ display: 'inline-block', width: 10, height: 10, borderRadius: 2 }),
});
