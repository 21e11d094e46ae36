import React from 'react';
import { Button, useStyles2 } from '@grafana/ui';
import type { PolicyViolation } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { utcTime } from '../../format';
import { hasRole } from '../../roles';
import { DECISION_NAMES, EnforcementBadge, ReviewBadge, SeverityBadge } from './badges';
import { ReviewForm } from './ReviewForm';
import { getGovernanceStyles } from './styles';

/**
 * One violation: the policy version that fired, each condition's match (the excerpt masked by the
 * collector: the page never sees what was masked), its review, and for Editors the review form.
 */
export function ViolationDetail({
  id,
  onReviewed,
  onClose,
}: {
  id: string;
  onReviewed: () => void;
  onClose: () => void;
}) {
  const s = useStyles2(getGovernanceStyles);
  const violation = useCollector<PolicyViolation>(`/api/v1/governance/violations/${id}`);
  return (
    <section aria-label="Violation" aria-busy={violation.loading} className={s.panel}>
      <Loadable state={violation} what="The violation">
        {(v) => (
          <>
            <h4>
              {v.policyName} <span className={s.muted}>version {v.policyVersion}</span>
            </h4>
            <div className={s.actions}>
              <SeverityBadge severity={v.severity} />
              <EnforcementBadge enforcement={v.enforcement} />
              <ReviewBadge violation={v} />
              <span className={s.muted}>
                {utcTime(v.occurredAt)} UTC, from {v.source === 'push' ? 'a pushed request' : 'an evaluate call'}
                {v.interactionId ? ` (request ${v.interactionId})` : ''}
              </span>
            </div>
            <table className={s.table} aria-label="Matches">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Operator</th>
                  <th>Detector</th>
                  <th>Excerpt (masked)</th>
                </tr>
              </thead>
              <tbody>
                {v.matches.map((m, i) => (
                  <tr key={i}>
                    <td>{m.field}</td>
                    <td>{m.operator}</td>
                    <td>{m.detector ?? ''}</td>
                    <td>
                      {m.excerpt ? (
                        <code>{m.excerpt}</code>
                      ) : (
                        <span className={s.muted}>not kept (content capture is off)</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {v.review && (
              <p aria-label="Current review">
                {DECISION_NAMES[v.review.decision]} by {v.review.reviewer} at {utcTime(v.review.reviewedAt)} UTC
                {v.review.note ? `: ${v.review.note}` : ''}
              </p>
            )}
            {hasRole('Editor') && (
              <ReviewForm
                key={v.review?.reviewedAt ?? 'open'}
                violation={v}
                onReviewed={() => {
                  violation.reload();
                  onReviewed();
                }}
              />
            )}
            <div>
              <Button size="sm" variant="secondary" onClick={onClose}>
                Close
              </Button>
            </div>
          </>
        )}
      </Loadable>
    </section>
  );
}
