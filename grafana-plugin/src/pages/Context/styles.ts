import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { getFiguresStyle, getPageStyles } from '../../components/shared/pageStyles';

/** The look the context sections share: the pages' own, and item texts, marked words and diffs. */
export const getContextStyles = (theme: GrafanaTheme2) => ({
  ...getPageStyles(theme),
  // Item text as captured: line breaks kept, never wider than the page.
  content: css({ whiteSpace: 'pre-wrap', wordBreak: 'break-word', maxWidth: '60ch' }),
  mark: css({ background: theme.colors.primary.transparent, color: 'inherit', padding: 0 }),
  why: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  figures: getFiguresStyle(theme, 130),
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
