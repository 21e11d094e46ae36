import React from 'react';
import { cx } from '@emotion/css';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import type { Feedback as FeedbackItem } from '@ai-arm/schemas';
import { usePaged } from '../../api/usePaged';
import { LoadError } from '../../components/shared/LoadError';
import { Section } from '../../components/shared/Section';
import { utcTime } from '../../format';
import { hasRole } from '../../roles';
import { LoadMore } from '../../components/shared/LoadMore';
import { qualityPaths } from './api';
import { FeedbackForm, LABEL_NAMES } from './FeedbackForm';
import { getQualityStyles } from './styles';

export const FEEDBACK_PAGE = 50;

/** A rating as stars a screen reader reads as a number. */
const stars = (rating: number) => (
  <span aria-label={`${rating} of 5`} title={`${rating} of 5`}>
    {'★'.repeat(rating)}
    {'☆'.repeat(5 - rating)}
  </span>
);

/**
 * Feedback on the agent's answers, newest first: from applications (API keys) and people (Grafana
 * users, sessions). Ratings make satisfaction; completed / not completed labels make task completion.
 */
export function Feedback({ agentId }: { agentId: string }) {
  const s = useStyles2(getQualityStyles);
  const paged = usePaged<FeedbackItem>(qualityPaths.feedback(agentId), { limit: FEEDBACK_PAGE });
  return (
    <>
      <Section title="Feedback" busy={paged.first.loading}>
        {paged.first.error ? (
          <LoadError title="Feedback could not be loaded" error={paged.first.error} onRetry={paged.first.reload} />
        ) : !paged.rows ? (
          <LoadingPlaceholder text="Loading feedback…" />
        ) : paged.rows.length === 0 ? (
          <Alert severity="info" title="No feedback yet">
            Applications send it with POST /api/v1/quality/&lt;agent&gt;/feedback; Editors add it here.
          </Alert>
        ) : (
          <table className={cx(s.table, paged.first.loading && s.stale)} aria-label="Feedback">
            <thead>
              <tr>
                <th>Time (UTC)</th>
                <th>Rating</th>
                <th>Label</th>
                <th>Comment</th>
                <th>From</th>
                <th>Request</th>
              </tr>
            </thead>
            <tbody>
              {paged.rows.map((f) => (
                <tr key={f.id}>
                  <td>{utcTime(f.createdAt)}</td>
                  <td>{f.rating === null ? '' : stars(f.rating)}</td>
                  <td>{f.label ? LABEL_NAMES[f.label] : ''}</td>
                  <td>{f.comment}</td>
                  <td>
                    {f.author} <span className={s.muted}>{f.source === 'app' ? '(application)' : '(person)'}</span>
                  </td>
                  <td>{f.interactionId ? <code>{f.interactionId}</code> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <LoadMore paged={paged} size={FEEDBACK_PAGE} what="feedback" />
      </Section>
      {hasRole('Editor') && <FeedbackForm agentId={agentId} onSaved={paged.first.reload} />}
    </>
  );
}
