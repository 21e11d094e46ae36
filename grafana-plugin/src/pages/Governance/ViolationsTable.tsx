import React from 'react';
import { Link } from 'react-router-dom';
import { cx } from '@emotion/css';
import { Button, useStyles2 } from '@grafana/ui';
import type { PolicyViolation } from '@ai-arm/schemas';
import { PLUGIN_BASE_URL, ROUTES } from '../../constants';
import { utcTime } from '../../format';
import { ReviewBadge, SeverityBadge } from './badges';
import { getGovernanceStyles } from './styles';

const ACTIONS: Record<PolicyViolation['action'], string> = {
  recorded: 'Recorded',
  warned: 'Warned',
  blocked: 'Blocked',
};

interface Props {
  violations: PolicyViolation[];
  stale: boolean;
  onOpen: (violation: PolicyViolation) => void;
}

/** Violations, newest first: when, which policy version fired, how severe, what it did, and its review. */
export function ViolationsTable({ violations, stale, onOpen }: Props) {
  const s = useStyles2(getGovernanceStyles);
  return (
    <table className={cx(s.table, stale && s.stale)} aria-label="Violations">
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Policy</th>
          <th>Severity</th>
          <th>Action</th>
          <th>Agent</th>
          <th>Status</th>
          <th aria-label="Details" />
        </tr>
      </thead>
      <tbody>
        {violations.map((v) => (
          <tr key={v.id}>
            <td>{utcTime(v.occurredAt)}</td>
            <td>
              {v.policyName} <span className={s.muted}>v{v.policyVersion}</span>
            </td>
            <td>
              <SeverityBadge severity={v.severity} />
            </td>
            <td>{ACTIONS[v.action]}</td>
            <td>
              {v.agentId ? (
                <Link to={`${PLUGIN_BASE_URL}/${ROUTES.Agents}/${v.agentId}`}>Agent</Link>
              ) : (
                <span className={s.muted}>{v.source === 'evaluate' ? 'evaluate call' : '—'}</span>
              )}
            </td>
            <td>
              <ReviewBadge violation={v} />
            </td>
            <td>
              <Button
                size="sm"
                variant="secondary"
                onClick={() => onOpen(v)}
                aria-label={`Details of violation ${v.id}`}
              >
                Details
              </Button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
