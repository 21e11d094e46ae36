import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { getTableStyles } from '../../components/shared/tableStyles';

/** The look every table and card on the page shares (tables as everywhere in the app). */
export const getCostStyles = (theme: GrafanaTheme2) => ({
  table: getTableStyles(theme),
  cards: css({ display: 'grid', gap: theme.spacing(2), gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))' }),
  card: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    padding: theme.spacing(2),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
  cardTitle: css({ fontSize: theme.typography.h5.fontSize, margin: 0 }),
  field: css({ marginBottom: 0 }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  // Stale rows stay on screen while a new range or split loads; dimming says they are about to change.
  stale: css({ opacity: 0.5, transition: 'opacity 0.2s' }),
});
