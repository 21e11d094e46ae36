import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

interface Props<T extends string> {
  id?: string;
  'aria-label'?: string;
  value: T;
  options: ReadonlyArray<{ label: string; value: T }>;
  onChange: (value: T) => void;
  disabled?: boolean;
}

/**
 * A plain <select> drawn like Grafana's inputs: the lists here are short and fixed, and a native
 * control is the one every browser, keyboard and screen reader already knows.
 */
export function NativeSelect<T extends string>({ value, options, onChange, ...rest }: Props<T>) {
  const s = useStyles2(getStyles);
  return (
    <select className={s.select} value={value} onChange={(e) => onChange(e.currentTarget.value as T)} {...rest}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  select: css({
    height: theme.spacing(theme.components.height.md),
    padding: theme.spacing(0, 1),
    color: theme.components.input.text,
    background: theme.components.input.background,
    border: `1px solid ${theme.components.input.borderColor}`,
    borderRadius: theme.shape.radius.default,
    fontSize: theme.typography.body.fontSize,
  }),
});
