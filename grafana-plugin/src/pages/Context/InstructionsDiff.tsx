import React from 'react';
import { cx } from '@emotion/css';
import { useStyles2 } from '@grafana/ui';
import { diffSummary, lineDiff } from './diff';
import { getContextStyles } from './styles';

/** The agent's instructions before and after, as one list of lines: kept, taken out (struck), written (marked). */
export function InstructionsDiff({ before, after, label }: { before: string; after: string; label: string }) {
  const s = useStyles2(getContextStyles);
  const lines = lineDiff(before, after);
  return (
    <figure style={{ margin: 0 }}>
      <figcaption className={s.muted}>{diffSummary(lines)}</figcaption>
      <ol className={s.diff} aria-label={label}>
        {lines.map((l, i) => (
          <li
            key={i}
            data-kind={l.kind}
            className={cx(l.kind === 'added' && s.added, l.kind === 'removed' && s.removed)}
            aria-label={l.kind === 'same' ? undefined : `${l.kind === 'added' ? 'written' : 'taken out'}: ${l.text}`}
          >
            {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}
            {l.text}
          </li>
        ))}
      </ol>
    </figure>
  );
}
