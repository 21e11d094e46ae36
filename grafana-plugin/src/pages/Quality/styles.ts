import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { getFiguresStyle, getPageStyles } from '../../components/shared/pageStyles';

/** The look the quality sections share: the pages' own, and claims marked in a response. */
export const getQualityStyles = (theme: GrafanaTheme2) => ({
  ...getPageStyles(theme),
  contradicted: css({
    background: theme.colors.error.transparent,
    color: 'inherit',
    borderBottom: `2px solid ${theme.colors.error.main}`,
  }),
  unsupported: css({
    background: theme.colors.warning.transparent,
    color: 'inherit',
    borderBottom: `2px dashed ${theme.colors.warning.main}`,
  }),
  figures: getFiguresStyle(theme, 150),
});
