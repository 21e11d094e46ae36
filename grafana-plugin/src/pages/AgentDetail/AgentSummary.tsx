import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, useStyles2 } from '@grafana/ui';
import type { AgentView as Agent } from '@ai-arm/schemas';
import { VENDOR_NAMES } from '../../constants';
import { ago } from '../../format';
import { HealthBadge } from '../../components/shared/HealthBadge';

const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Status, health and the configuration the vendor reports for the agent. */
export function AgentSummary({ agent }: { agent: Agent }) {
  const s = useStyles2(getStyles);
  const facts: Array<[string, React.ReactNode]> = [
    ['Vendor', VENDOR_NAMES[agent.vendor] ?? agent.vendor],
    ['Vendor id', agent.vendorAgentId],
    ['Type', agent.type.toLowerCase()],
    ['Status', agent.status.toLowerCase()],
    ['Health', <HealthBadge key="h" health={agent.health} score={agent.healthScore} />],
    [
      'Last check',
      <span key="c" title={agent.lastHealthCheck ?? undefined}>
        {ago(agent.lastHealthCheck)}
      </span>,
    ],
    ['Active probe', agent.activeProbe ? 'on (one-token request per check)' : 'off (checks spend nothing)'],
  ];
  return (
    <div>
      {agent.lastError && (
        <Alert severity={agent.health === 'DOWN' ? 'error' : 'warning'} title="Last error">
          {agent.lastError}
        </Alert>
      )}
      {agent.vanishedAt && (
        <Alert severity="error" title="Gone from the vendor">
          The vendor stopped listing this agent on {agent.vanishedAt.slice(0, 10)}.
        </Alert>
      )}
      <dl className={s.facts} aria-label="Agent facts">
        {facts.map(([k, v]) => (
          <React.Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </React.Fragment>
        ))}
      </dl>
      <h4>Configuration</h4>
      <dl className={s.facts} aria-label="Agent configuration">
        {Object.entries(agent.config).map(([k, v]) => (
          <React.Fragment key={k}>
            <dt>{k}</dt>
            <dd className={s.value}>{shown(v)}</dd>
          </React.Fragment>
        ))}
      </dl>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  facts: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(0.5, 2),
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0 },
  }),
  value: css({ fontFamily: theme.typography.fontFamilyMonospace, wordBreak: 'break-word' }),
});
