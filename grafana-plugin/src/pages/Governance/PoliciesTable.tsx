import React from 'react';
import { Button, useStyles2 } from '@grafana/ui';
import type { Policy } from '@ai-arm/schemas';
import { RowDelete } from '../../components/shared/RowDelete';
import { utcTime } from '../../format';
import { EnforcementBadge, SeverityBadge } from './badges';
import { getGovernanceStyles } from './styles';

interface Props {
  policies: Policy[];
  onOpen: (policy: Policy) => void;
  /** Present for Admins: enable or disable (a new version), and delete. */
  onToggle?: (policy: Policy) => void;
  onDelete?: (policy: Policy) => void;
  busy: string | null;
}

/** The organisation's policies, by name: what each enforces, how severe, whether it runs, which version. */
export function PoliciesTable({ policies, onOpen, onToggle, onDelete, busy }: Props) {
  const s = useStyles2(getGovernanceStyles);
  return (
    <table className={s.table} aria-label="Policies">
      <thead>
        <tr>
          <th>Name</th>
          <th>Enforcement</th>
          <th>Severity</th>
          <th>Enabled</th>
          <th className="num">Version</th>
          <th>Changed (UTC)</th>
          {onToggle && <th aria-label="Actions" />}
        </tr>
      </thead>
      <tbody>
        {policies.map((p) => (
          <tr key={p.id}>
            <td>
              <Button fill="text" size="sm" onClick={() => onOpen(p)} aria-label={`Open policy ${p.name}`}>
                {p.name}
              </Button>
              {p.description && <div className={s.muted}>{p.description}</div>}
            </td>
            <td>
              <EnforcementBadge enforcement={p.enforcement} />
            </td>
            <td>
              <SeverityBadge severity={p.severity} />
            </td>
            <td>{p.enabled ? 'Enabled' : 'Disabled'}</td>
            <td className="num">{p.version}</td>
            <td>
              {utcTime(p.updatedAt)}
              <div className={s.muted}>by {p.updatedBy}</div>
            </td>
            {onToggle && onDelete && (
              <td>
                <div className={s.actions}>
                  <Button
                    size="sm"
                    variant="secondary"
                    icon={p.enabled ? 'pause' : 'play'}
                    disabled={busy === p.id}
                    aria-label={`${p.enabled ? 'Disable' : 'Enable'} policy ${p.name}`}
                    onClick={() => onToggle(p)}
                  >
                    {p.enabled ? 'Disable' : 'Enable'}
                  </Button>
                  <RowDelete
                    label={`Delete policy ${p.name}`}
                    confirmText={`Delete ${p.name}`}
                    disabled={busy === p.id}
                    onConfirm={() => onDelete(p)}
                  />
                </div>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
