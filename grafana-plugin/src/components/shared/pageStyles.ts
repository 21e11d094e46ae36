import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { getTableStyles } from './tableStyles';

/**
 * The look the sections of the Context, Quality and Governance pages share (tables as everywhere
 * in the app); each page's styles add their own to it.
 */
export const getPageStyles = (theme: GrafanaTheme2) => ({
  table: getTableStyles(theme),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  fields: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
    '& > *': { marginBottom: 0 },
  }),
  form: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5) }),
  panel: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
    padding: theme.spacing(2),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
  // Texts as they were sent (responses, sources, masked texts): line breaks kept, never wider than the page.
  text: css({
    margin: 0,
    padding: theme.spacing(1),
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.canvas,
    borderRadius: theme.shape.radius.default,
  }),
  stale: css({ opacity: 0.5, transition: 'opacity 0.2s' }),
  heading: css({ margin: 0 }),
  list: css({ listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) }),
  actions: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1), alignItems: 'center' }),
});

/** Figures as a grid of label over number; `minColumn` px the narrowest a figure may get. */
export const getFiguresStyle = (theme: GrafanaTheme2, minColumn: number) =>
  css({
    display: 'grid',
    gridTemplateColumns: `repeat(auto-fill, minmax(${minColumn}px, 1fr))`,
    gap: theme.spacing(1, 2),
    margin: 0,
    dt: { color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize },
    dd: { margin: 0, fontVariantNumeric: 'tabular-nums', fontSize: theme.typography.h4.fontSize },
  });
