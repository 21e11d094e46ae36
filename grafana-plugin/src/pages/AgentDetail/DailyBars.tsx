import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

export interface DayValue {
  day: string;
  value: number;
  label: string;
}

const HEIGHT = 80;

/** A bar per day: enough to see a trend without a panel (which needs Grafana's runtime). */
export function DailyBars({ title, days }: { title: string; days: DayValue[] }) {
  const s = useStyles2(getStyles);
  const max = Math.max(...days.map((d) => d.value), 0);
  const width = 100 / Math.max(days.length, 1);
  return (
    <figure className={s.figure}>
      <figcaption className={s.caption}>{title}</figcaption>
      <svg role="img" aria-label={title} viewBox={`0 0 100 ${HEIGHT}`} preserveAspectRatio="none" className={s.svg}>
        {days.map((d, i) => {
          const h = max > 0 ? (d.value / max) * (HEIGHT - 2) : 0;
          return (
            <rect
              key={d.day}
              x={i * width + width * 0.1}
              width={width * 0.8}
              y={HEIGHT - h}
              height={h}
              className={s.bar}
            >
              <title>{`${d.day}: ${d.label}`}</title>
            </rect>
          );
        })}
      </svg>
    </figure>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  figure: css({ margin: 0, flex: 1, minWidth: 240 }),
  caption: css({ color: theme.colors.text.secondary, marginBottom: theme.spacing(0.5) }),
  svg: css({ width: '100%', height: HEIGHT, background: theme.colors.background.secondary }),
  bar: css({ fill: theme.colors.primary.main }),
});
