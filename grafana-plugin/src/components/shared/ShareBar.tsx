import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

/** A horizontal bar for a 0..1 share (cost share, budget burn); red past 1. */
export function ShareBar({ ratio, label }: { ratio: number; label: string }) {
  const s = useStyles2(getStyles);
  const width = `${Math.min(1, Math.max(0, ratio)) * 100}%`;
  return (
    <div
      className={s.track}
      role="meter"
      aria-label={label}
      aria-valuenow={Math.round(ratio * 100)}
      aria-valuemin={0}
      aria-valuemax={100}
    >
      <div className={ratio > 1 ? s.over : s.fill} style={{ width }} />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  track: css({
    background: theme.colors.background.secondary,
    height: theme.spacing(1),
    borderRadius: theme.shape.radius.default,
    minWidth: 80,
  }),
  fill: css({ background: theme.colors.primary.main, height: '100%', borderRadius: theme.shape.radius.default }),
  over: css({ background: theme.colors.error.main, height: '100%', borderRadius: theme.shape.radius.default }),
});
