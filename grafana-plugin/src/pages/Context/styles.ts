import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { getTableStyles } from '../../components/shared/tableStyles';

/** The look the context sections share (tables as everywhere in the app). */
export const getContextStyles = (theme: GrafanaTheme2) => ({
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
  stale: css({ opacity: 0.5, transition: 'opacity 0.2s' }),
  heading: css({ margin: 0 }),
  // Item text as captured: line breaks kept, never wider than the page.
  content: css({ whiteSpace: 'pre-wrap', wordBreak: 'break-word', maxWidth: '60ch' }),
  mark: css({ background: theme.colors.primary.transparent, color: 'inherit', padding: 0 }),
  why: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  figures: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(130px, 1fr))',
    gap: theme.spacing(1, 2),
    margin: 0,
    dt: { color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize },
    dd: { margin: 0, fontVariantNumeric: 'tabular-nums', fontSize: theme.typography.h4.fontSize },
  }),
  list: css({ listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) }),
  actions: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1), alignItems: 'center' }),
  // The instructions diff: whole lines, monospace, as the vendor stores them.
  diff: css({
    margin: 0,
    padding: theme.spacing(1),
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.canvas,
    borderRadius: theme.shape.radius.default,
    maxHeight: 400,
    overflow: 'auto',
    listStyle: 'none',
    li: { whiteSpace: 'pre-wrap', wordBreak: 'break-word', minHeight: '1.2em' },
  }),
  added: css({ background: theme.colors.success.transparent }),
  removed: css({ background: theme.colors.error.transparent, textDecoration: 'line-through' }),
});
