import React from 'react';
import { cx } from '@emotion/css';
import { Badge, Button, useStyles2, type BadgeColor } from '@grafana/ui';
import type { Context } from '@ai-arm/schemas';
import { RowDelete } from '../../components/shared/RowDelete';
import { percent, utcTime } from '../../format';
import { itemState, sourceText, TYPE_NAMES, validityText } from './format';
import { ItemText } from './ItemText';
import { getContextStyles } from './styles';

const STATES: Record<ReturnType<typeof itemState>, { text: string; color: BadgeColor }> = {
  live: { text: 'Live', color: 'green' },
  superseded: { text: 'Superseded', color: 'darkgrey' },
  expired: { text: 'Expired', color: 'orange' },
  future: { text: 'Not yet valid', color: 'blue' },
};

interface Props {
  items: Context[];
  stale: boolean;
  now: number;
  /** Editors: edit and delete; absent, the table only reads. */
  onEdit?: (item: Context) => void;
  onDelete?: (item: Context) => void;
  busy?: string | null;
}

/** An agent's context items, newest first, with their state now, validity, source and how often they were said. */
export function ItemsTable({ items, stale, now, onEdit, onDelete, busy }: Props) {
  const s = useStyles2(getContextStyles);
  return (
    <table className={cx(s.table, stale && s.stale)} aria-label="Context items">
      <thead>
        <tr>
          <th>Type</th>
          <th>Context</th>
          <th>User</th>
          <th>Confidence</th>
          <th>Valid (UTC)</th>
          <th>State</th>
          <th>Source</th>
          {onEdit && onDelete && <th>Actions</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((c) => {
          const state = STATES[itemState(c, now)];
          return (
            <tr key={c.id}>
              <td>
                {TYPE_NAMES[c.type]}
                {c.key && <div className={s.muted}>{c.key}</div>}
              </td>
              <td>
                <ItemText text={c.content} />
                {c.tags.length > 0 && <div className={s.muted}>{c.tags.map((t) => `#${t}`).join(' ')}</div>}
              </td>
              <td>{c.userId ?? <span className={s.muted}>everyone</span>}</td>
              <td>
                {percent(c.confidence)}
                {c.mergedCount > 1 && <div className={s.muted}>said {c.mergedCount} times</div>}
              </td>
              <td>{validityText(c)}</td>
              <td>
                <Badge color={state.color} text={state.text} />
              </td>
              <td>
                {sourceText(c)}
                <div className={s.muted}>{utcTime(c.updatedAt)}</div>
              </td>
              {onEdit && onDelete && (
                <td>
                  <div className={s.actions}>
                    <Button
                      size="sm"
                      variant="secondary"
                      icon="pen"
                      disabled={busy === c.id}
                      aria-label={`Edit item ${c.id}`}
                      onClick={() => onEdit(c)}
                    >
                      Edit
                    </Button>
                    <RowDelete
                      label={`Delete item ${c.id}`}
                      confirmText="Delete it"
                      disabled={busy === c.id}
                      onConfirm={() => onDelete(c)}
                    />
                  </div>
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
