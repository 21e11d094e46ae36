import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { LoadingPlaceholder, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import type { AgentHealthHistory as History } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { percent } from '../../format';
import { HealthBadge } from '../../components/shared/HealthBadge';
import { LoadError } from '../../components/shared/LoadError';
import { getTableStyles } from '../../components/shared/tableStyles';

const RANGES = [
  { label: '24 hours', value: '24h' },
  { label: '7 days', value: '7d' },
];
const SHOWN = 50;

/** A check's details are stored as the check wrote them: an object naming its error, usually. */
const checkError = (details: unknown) => {
  const error = typeof details === 'object' && details !== null ? (details as { error?: unknown }).error : undefined;
  return typeof error === 'string' ? error : null;
};

/** The agent's health checks over a range, newest first, with the share that were healthy. */
export function HealthHistory({ agentId, generation }: { agentId: string; generation: number }) {
  const s = useStyles2(getStyles);
  const [range, setRange] = useState('24h');
  const history = useCollector<History>(`/api/v1/agents/${agentId}/health`, { range });
  const { reload } = history;
  useEffect(() => {
    if (generation > 0) {
      reload();
    }
  }, [generation, reload]);
  if (history.error) {
    return <LoadError title="Health history could not be loaded" error={history.error} onRetry={history.reload} />;
  }
  const checks = history.data?.checks ?? [];
  const healthy = checks.filter((c) => c.status === 'HEALTHY').length;
  return (
    <Stack direction="column" gap={1}>
      <Stack alignItems="center" gap={2}>
        <RadioButtonGroup size="sm" options={RANGES} value={range} onChange={setRange} />
        {history.data && (
          <span aria-label="Health summary">
            {checks.length} checks, {checks.length ? percent(healthy / checks.length) : '—'} healthy
          </span>
        )}
      </Stack>
      {!history.data ? (
        <LoadingPlaceholder text="Loading health history…" />
      ) : checks.length === 0 ? (
        <p>No health checks in this range.</p>
      ) : (
        <table className={s.table} aria-label="Health checks">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>Status</th>
              <th>Vendor latency</th>
              <th>Error rate</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {checks.slice(0, SHOWN).map((c) => (
              <tr key={c.timestamp}>
                <td>{c.timestamp.replace('T', ' ').slice(0, 19)}</td>
                <td>
                  <HealthBadge health={c.status} />
                </td>
                <td>{`${Math.round(c.latencyMs)} ms`}</td>
                <td>{percent(c.errorRate)}</td>
                <td>{checkError(c.details) ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {checks.length > SHOWN && (
        <span className={s.note}>
          The latest {SHOWN} of {checks.length} checks.
        </span>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: getTableStyles(theme),
  note: css({ color: theme.colors.text.secondary }),
});
