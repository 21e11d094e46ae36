import React, { useId, type ReactNode } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

interface Props {
  label: string;
  value: ReactNode;
  /** The exact figure when `value` is rounded (compact token counts). */
  title?: string;
  large?: boolean;
}

/** A labelled number; the value is named by its label, so "Billed" next to "Computed" is never ambiguous. */
export function Figure({ label, value, title, large }: Props) {
  const s = useStyles2(getStyles);
  const id = useId();
  return (
    <div className={s.figure}>
      <span id={id} className={s.label}>
        {label}
      </span>
      <span aria-labelledby={id} title={title} className={cx(s.value, large && s.large)}>
        {value}
      </span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  figure: css({ display: 'flex', flexDirection: 'column' }),
  label: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  value: css({ fontVariantNumeric: 'tabular-nums' }),
  large: css({ fontSize: theme.typography.h3.fontSize, fontWeight: theme.typography.fontWeightMedium }),
});
