import React from 'react';
import { useStyles2 } from '@grafana/ui';
import { markWords } from './format';
import { getContextStyles } from './styles';

/** An item's text, with the words it shares with the query marked (none without a query). */
export function ItemText({ text, query }: { text: string; query?: string }) {
  const s = useStyles2(getContextStyles);
  return (
    <span className={s.content}>
      {(query ? markWords(text, query) : [{ text, match: false }]).map((seg, i) =>
        seg.match ? (
          <mark key={i} className={s.mark}>
            {seg.text}
          </mark>
        ) : (
          <React.Fragment key={i}>{seg.text}</React.Fragment>
        )
      )}
    </span>
  );
}
