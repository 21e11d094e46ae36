import React from 'react';
import { Link } from 'react-router-dom';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, useStyles2 } from '@grafana/ui';
import type { AgentView as Agent } from '@ai-arm/schemas';
import { PLUGIN_BASE_URL, ROUTES, VENDOR_NAMES } from '../../constants';
import { ago } from '../../format';
import { HealthBadge } from '../../components/shared/HealthBadge';
import { getTableStyles } from '../../components/shared/tableStyles';

interface Props {
  agents: Agent[];
  /** Present for users who may pause and resume (Editors and Admins). */
  onToggle?: (agent: Agent) => void;
  busy: string | null;
}

export function AgentsTable({ agents, onToggle, busy }: Props) {
  const s = useStyles2(getStyles);
  return (
    <table className={s.table} aria-label="Agents">
      <thead>
        <tr>
          <th>Name</th>
          <th>Vendor</th>
          <th>Type</th>
          <th>Status</th>
          <th>Health</th>
          <th>Last check</th>
          {onToggle && <th aria-label="Actions" />}
        </tr>
      </thead>
      <tbody>
        {agents.map((a) => (
          <tr key={a.id}>
            <td>
              <Link to={`${PLUGIN_BASE_URL}/${ROUTES.Agents}/${a.id}`}>{a.name}</Link>
            </td>
            <td>{VENDOR_NAMES[a.vendor] ?? a.vendor}</td>
            <td>{a.type.toLowerCase()}</td>
            <td>{a.status.toLowerCase()}</td>
            <td>
              <HealthBadge health={a.health} score={a.healthScore} />
            </td>
            <td title={a.lastHealthCheck ?? undefined}>{ago(a.lastHealthCheck)}</td>
            {onToggle && (
              <td>
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={busy === a.id}
                  icon={a.status === 'PAUSED' ? 'play' : 'pause'}
                  onClick={() => onToggle(a)}
                  aria-label={`${a.status === 'PAUSED' ? 'Resume' : 'Pause'} ${a.name}`}
                >
                  {a.status === 'PAUSED' ? 'Resume' : 'Pause'}
                </Button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({ table: getTableStyles(theme) });
