import React from 'react';
import { useStyles2 } from '@grafana/ui';
import type { HallucinationCheck } from '@ai-arm/schemas';
import { percent } from '../../format';
import { ClaimBadge } from './badges';
import { getQualityStyles } from './styles';

/** Each claim of a checked response: how it stands against the sources, why, and how sure. */
export function ClaimsTable({ check }: { check: Pick<HallucinationCheck, 'claims' | 'flaggedClaims'> }) {
  const s = useStyles2(getQualityStyles);
  const correction = (start: number, end: number) =>
    check.flaggedClaims.find((f) => f.startIndex === start && f.endIndex === end)?.suggestedCorrection;
  if (check.claims.length === 0) {
    return <span className={s.muted}>No checkable claim found in the response.</span>;
  }
  return (
    <table className={s.table} aria-label="Claims">
      <thead>
        <tr>
          <th>Claim</th>
          <th>Status</th>
          <th>Why</th>
          <th className="num">Confidence</th>
          <th>The sources say</th>
        </tr>
      </thead>
      <tbody>
        {check.claims.map((c, i) => (
          <tr key={i}>
            <td>{c.text}</td>
            <td>
              <ClaimBadge status={c.status} />
            </td>
            <td>{c.reason}</td>
            <td className="num">{percent(c.confidence)}</td>
            <td>{correction(c.start, c.end) ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
