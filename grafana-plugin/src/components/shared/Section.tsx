import React, { useId, type ReactNode } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

interface Props {
  title: string;
  description?: ReactNode;
  /** Controls beside the title (the section's own choices). */
  actions?: ReactNode;
  /** While its request is in flight (earlier data may still be on screen). */
  busy?: boolean;
  children: ReactNode;
}

/** One part of the page, a landmark named by its title (what screen readers and the tests find it by). */
export function Section({ title, description, actions, busy, children }: Props) {
  const s = useStyles2(getStyles);
  const id = useId();
  return (
    <section aria-labelledby={id} aria-busy={busy} className={s.section}>
      <div className={s.head}>
        <h3 id={id} className={s.title}>
          {title}
        </h3>
        {actions}
      </div>
      {description && <p className={s.description}>{description}</p>}
      {children}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5) }),
  head: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    justifyContent: 'space-between',
    gap: theme.spacing(2),
  }),
  title: css({ margin: 0 }),
  description: css({ margin: 0, color: theme.colors.text.secondary }),
});
