import React, { useCallback, useState } from 'react';
import { css } from '@emotion/css';
import { locationUtil, type GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, LinkButton, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';
import { collector } from '../../api/collector';
import { useAction } from '../../api/useAction';
import type { AgentListMeta, AgentView as Agent } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { PLUGIN_ID, VENDOR_NAMES } from '../../constants';
import { count } from '../../format';
import { hasRole } from '../../roles';
import { LoadError } from '../../components/shared/LoadError';
import { AgentFiltersBar } from './AgentFiltersBar';
import { AgentsTable } from './AgentsTable';
import { useAgentFilters } from './filters';

export const PAGE_SIZE = 50;

/** Every agent across vendors: filters and search in the URL, paged by the collector's cursor. */
function AgentsPage() {
  const s = useStyles2(getStyles);
  const [filters, setFilters] = useAgentFilters();
  const { vendor, status, type, q, cursor } = filters;
  const agents = useCollector<Agent[], AgentListMeta>('/api/v1/agents', {
    vendor,
    status,
    type,
    q,
    cursor,
    limit: PAGE_SIZE,
  });
  // Cursors of the pages before this one, so "Previous" needs no backwards cursor from the API.
  const [previous, setPrevious] = useState<Array<string | undefined>>([]);
  const action = useAction<string>();
  const canChange = hasRole('Editor');

  const changeFilters = useCallback(
    (change: Parameters<typeof setFilters>[0]) => {
      setPrevious([]);
      setFilters(change);
    },
    [setFilters]
  );
  const next = () => {
    setPrevious([...previous, cursor]);
    setFilters({ cursor: agents.meta?.nextCursor ?? undefined });
  };
  const back = () => {
    setPrevious(previous.slice(0, -1));
    setFilters({ cursor: previous[previous.length - 1] });
  };
  const toggle = (agent: Agent) =>
    action.run(agent.id, async () => {
      await collector(`/api/v1/agents/${agent.id}/${agent.status === 'PAUSED' ? 'resume' : 'pause'}`, {
        method: 'POST',
      });
      agents.reload();
    });

  const meta = agents.meta;
  const filtered = Boolean(vendor || status || type || q);
  // A page opened from a shared link has no history of earlier pages, so its offset is unknown.
  const offsetKnown = !cursor || previous.length > 0;
  const shownFrom = previous.length * PAGE_SIZE + 1;
  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <AgentFiltersBar filters={filters} onChange={changeFilters} />
        {meta && (
          <div className={s.counts} aria-label="Agents per vendor">
            {Object.entries(meta.countsByVendor).map(([v, n]) => (
              <span key={v}>
                {VENDOR_NAMES[v] ?? v}: <strong>{count(n)}</strong>
              </span>
            ))}
          </div>
        )}
        {action.failure('The change did not go through')}
        {agents.error ? (
          <LoadError title="Agents could not be loaded" error={agents.error} onRetry={agents.reload} />
        ) : !agents.data ? (
          <LoadingPlaceholder text="Loading agents…" />
        ) : agents.data.length === 0 ? (
          filtered ? (
            <Alert severity="info" title="No agents match these filters">
              <Button
                size="sm"
                variant="secondary"
                onClick={() => changeFilters({ vendor: undefined, status: undefined, type: undefined, q: undefined })}
              >
                Clear filters
              </Button>
            </Alert>
          ) : (
            <Alert severity="info" title="No agents yet">
              Connect a vendor account and its agents appear here after the first sync.{' '}
              {hasRole('Admin') ? (
                <LinkButton size="sm" variant="secondary" href={locationUtil.assureBaseUrl(`/plugins/${PLUGIN_ID}`)}>
                  Configure vendor connections
                </LinkButton>
              ) : (
                'An organisation admin configures the vendor connections.'
              )}
            </Alert>
          )
        ) : (
          <>
            <AgentsTable agents={agents.data} onToggle={canChange ? toggle : undefined} busy={action.busy} />
            <Stack alignItems="center" gap={2}>
              <span aria-live="polite" hidden={agents.loading}>
                {offsetKnown
                  ? `${count(shownFrom)}–${count(shownFrom + agents.data.length - 1)}`
                  : count(agents.data.length)}{' '}
                of {meta?.totalCapped ? 'more than ' : ''}
                {count(meta?.total ?? 0)}
              </span>
              <Button size="sm" variant="secondary" icon="angle-left" disabled={!cursor} onClick={back}>
                Previous
              </Button>
              <Button size="sm" variant="secondary" icon="angle-right" disabled={!meta?.nextCursor} onClick={next}>
                Next
              </Button>
            </Stack>
          </>
        )}
      </Stack>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  counts: css({ display: 'flex', gap: theme.spacing(3), color: theme.colors.text.secondary }),
});

export default AgentsPage;
