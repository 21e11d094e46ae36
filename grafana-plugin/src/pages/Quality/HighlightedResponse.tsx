import React from 'react';
import { useStyles2 } from '@grafana/ui';
import type { GroundedClaim } from '@ai-arm/schemas';
import { segments, unplaced } from './highlight';
import { getQualityStyles } from './styles';

/** The claims a reader should look at: the ones the sources contradict or do not back. */
export const flagged = (claims: GroundedClaim[]) => claims.filter((c) => c.status !== 'SUPPORTED');

/**
 * The response with each flagged claim marked where it stands (contradicted: solid red, unsupported:
 * dashed orange; a run inside both is marked contradicted). A claim whose offsets lie outside the
 * text is listed below it rather than dropped.
 */
export function HighlightedResponse({ text, claims }: { text: string; claims: GroundedClaim[] }) {
  const s = useStyles2(getQualityStyles);
  const marks = flagged(claims);
  const lost = unplaced(text, marks);
  return (
    <div>
      <pre className={s.text} aria-label="Response with flagged claims">
        {segments(text, marks).map((run) => {
          if (run.spans.length === 0) {
            return <React.Fragment key={run.start}>{run.text}</React.Fragment>;
          }
          const contradicted = run.spans.some((c) => c.status === 'CONTRADICTED');
          return (
            <mark
              key={run.start}
              className={contradicted ? s.contradicted : s.unsupported}
              data-status={contradicted ? 'CONTRADICTED' : 'UNSUPPORTED'}
              title={run.spans.map((c) => `${c.status.toLowerCase()}: ${c.reason}`).join('\n')}
            >
              {run.text}
            </mark>
          );
        })}
      </pre>
      {lost.length > 0 && (
        <p className={s.muted}>
          {lost.length} flagged {lost.length === 1 ? 'claim lies' : 'claims lie'} outside the text shown:{' '}
          {lost.map((c) => `“${c.text}”`).join(', ')}
        </p>
      )}
    </div>
  );
}
