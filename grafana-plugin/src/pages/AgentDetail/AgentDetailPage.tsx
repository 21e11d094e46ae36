import React, { useState } from 'react';
import { useParams } from 'react-router-dom';
import { locationUtil } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Button, LinkButton, LoadingPlaceholder, Stack } from '@grafana/ui';
import { collector } from '../../api/collector';
import { useAction } from '../../api/useAction';
import type { AgentView as Agent } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { PLUGIN_BASE_URL, ROUTES } from '../../constants';
import { hasRole } from '../../roles';
import { LoadError } from '../../components/shared/LoadError';
import { AgentCosts } from './AgentCosts';
import { AgentInteractions } from './AgentInteractions';
import { AgentSummary } from './AgentSummary';
import { AgentVersions } from './AgentVersions';
import { HealthHistory } from './HealthHistory';

/** One agent: what it is, how healthy it has been, what it ran as and its recent requests, what it costs; check it or pause it now. */
function AgentDetailPage() {
  const { id = '' } = useParams();
  const agent = useCollector<Agent>(`/api/v1/agents/${id}`);
  const action = useAction<'check' | 'pause'>();
  // Bumped after a check so the history shows the new one.
  const [checks, setChecks] = useState(0);
  const canChange = hasRole('Editor');

  const run = (what: 'check' | 'pause') =>
    action.run(what, async () => {
      const a = agent.data!;
      const path = what === 'check' ? 'health-check' : a.status === 'PAUSED' ? 'resume' : 'pause';
      await collector<Agent>(`/api/v1/agents/${a.id}/${path}`, { method: 'POST' });
      agent.reload();
      setChecks((n) => n + 1);
    });

  const back = (
    <LinkButton
      variant="secondary"
      size="sm"
      icon="arrow-left"
      href={locationUtil.assureBaseUrl(`${PLUGIN_BASE_URL}/${ROUTES.Agents}`)}
    >
      All agents
    </LinkButton>
  );
  if (agent.error) {
    return (
      <PluginPage>
        <Stack direction="column" gap={2}>
          <div>{back}</div>
          <LoadError
            title={agent.error.status === 404 ? 'No such agent' : 'The agent could not be loaded'}
            error={agent.error}
            onRetry={agent.reload}
          />
        </Stack>
      </PluginPage>
    );
  }
  const a = agent.data;
  return (
    <PluginPage pageNav={{ text: a?.name ?? 'Agent' }}>
      {!a ? (
        <LoadingPlaceholder text="Loading agent…" />
      ) : (
        <Stack direction="column" gap={3}>
          <Stack gap={1} wrap="wrap">
            {back}
            {canChange && (
              <>
                <Button
                  size="sm"
                  icon="heart-rate"
                  disabled={action.busy !== null || a.status === 'PAUSED'}
                  onClick={() => run('check')}
                >
                  {action.busy === 'check' ? 'Checking…' : 'Run health check now'}
                </Button>
                <Button
                  size="sm"
                  variant="secondary"
                  icon={a.status === 'PAUSED' ? 'play' : 'pause'}
                  disabled={action.busy !== null}
                  onClick={() => run('pause')}
                >
                  {a.status === 'PAUSED' ? 'Resume' : 'Pause'}
                </Button>
              </>
            )}
            <LinkButton size="sm" variant="secondary" icon="apps" href={locationUtil.assureBaseUrl('/d/aiarm-fleet')}>
              Fleet dashboard
            </LinkButton>
          </Stack>
          {action.failure('That did not work')}
          <AgentSummary agent={a} />
          <section aria-label="Health history">
            <h3>Health history</h3>
            <HealthHistory agentId={a.id} generation={checks} />
          </section>
          <section aria-label="Versions">
            <h3>Versions</h3>
            <AgentVersions agentId={a.id} />
          </section>
          <section aria-label="Recent requests">
            <h3>Recent requests</h3>
            <AgentInteractions agentId={a.id} />
          </section>
          <section aria-label="Usage and cost">
            <h3>Usage and cost</h3>
            <AgentCosts agentId={a.id} />
          </section>
        </Stack>
      )}
    </PluginPage>
  );
}

export default AgentDetailPage;
