import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { getTableStyles } from '../../components/shared/tableStyles';

/** The look the governance sections share (tables as everywhere in the app). */
export const getGovernanceStyles = (theme: GrafanaTheme2) => ({
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
  // Masked texts and excerpts: shown as sent, line breaks kept, never wider than the page.
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
  actions: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1), alignItems: 'center' }),
});
