import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, useStyles2 } from '@grafana/ui';
import type { AgentVersion } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { getTableStyles } from '../../components/shared/tableStyles';
import { utcTime } from '../../format';

/**
 * The version the agent runs as now: the one seen last. An agent that goes back to an earlier
 * model, prompt and tools is back on that version, so the newest number is not always current.
 */
export function currentVersion(versions: AgentVersion[]): number | null {
  const last = versions.reduce<AgentVersion | null>(
    (best, v) =>
      !best ||
      Date.parse(v.lastSeenAt) > Date.parse(best.lastSeenAt) ||
      (Date.parse(v.lastSeenAt) === Date.parse(best.lastSeenAt) && v.version > best.version)
        ? v
        : best,
    null
  );
  return last?.version ?? null;
}

/** What the agent has run as (model, system instructions, tools), newest first, the current one marked. */
export function AgentVersions({ agentId }: { agentId: string }) {
  const s = useStyles2(getStyles);
  const versions = useCollector<AgentVersion[]>(`/api/v1/agents/${agentId}/versions`);
  return (
    <Loadable state={versions} what="Versions">
      {(list) => {
        if (list.length === 0) {
          return (
            <p>
              No versions yet. A version is the model, system instructions and tools the agent&apos;s requests name:
              they appear once it pushes requests (OpenTelemetry or the ingest API).
            </p>
          );
        }
        const current = currentVersion(list);
        const newestFirst = list.slice().sort((a, b) => b.version - a.version);
        return (
          <table className={s.table} aria-label="Agent versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Model</th>
                <th>Tools</th>
                <th>System instructions</th>
                <th>First seen (UTC)</th>
                <th>Last seen (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {newestFirst.map((v) => (
                <tr key={v.version} aria-current={v.version === current ? 'true' : undefined}>
                  <td>
                    v{v.version}
                    {v.version === current && (
                      <>
                        {' '}
                        <Badge text="current" color="green" />
                      </>
                    )}
                  </td>
                  <td>{v.model}</td>
                  <td>{v.toolNames.length ? v.toolNames.join(', ') : <span className={s.muted}>none</span>}</td>
                  <td>
                    {v.systemHash ? (
                      <code title={`sha256 ${v.systemHash}`}>{v.systemHash.slice(0, 12)}</code>
                    ) : (
                      <span className={s.muted}>none</span>
                    )}
                  </td>
                  <td>{utcTime(v.firstSeenAt)}</td>
                  <td>{utcTime(v.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      }}
    </Loadable>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: getTableStyles(theme),
  muted: css({ color: theme.colors.text.secondary }),
});
