import React from 'react';
import { Link } from 'react-router-dom';
import { Button, Stack, Tab, TabsBar, useStyles2 } from '@grafana/ui';
import type { AgentView as Agent } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { PLUGIN_BASE_URL, ROUTES, VENDOR_NAMES } from '../../constants';
import { AgentAlerts } from './Alerts';
import { AgentSettings } from './AgentSettings';
import { Drift } from './Drift';
import { Feedback } from './Feedback';
import { Grounding } from './Grounding';
import { getQualityStyles } from './styles';
import { Trends } from './Trends';
import { SECTIONS, type QualityView } from './view';
import { WindowPicker } from './WindowPicker';
import type { Range } from './window';

interface Props {
  view: QualityView & { agent: string };
  onView: (next: Partial<QualityView>) => void;
  range: Range;
  onRange: (r: Range) => void;
}

/** One agent's quality, a section at a time; the window applies to the trend and the drift events. */
export function AgentQuality({ view, onView, range, onRange }: Props) {
  const s = useStyles2(getQualityStyles);
  const agent = useCollector<Agent>(`/api/v1/agents/${view.agent}`);
  const name = agent.data?.name ?? (agent.error ? 'Unknown agent' : '…');
  return (
    <Stack direction="column" gap={2}>
      <div className={s.fields} aria-busy={agent.loading}>
        <Button size="sm" variant="secondary" icon="arrow-left" onClick={() => onView({ agent: undefined })}>
          All agents
        </Button>
        <h2 className={s.heading}>{name}</h2>
        {agent.data && (
          <span className={s.muted}>
            {VENDOR_NAMES[agent.data.vendor] ?? agent.data.vendor} ·{' '}
            <Link to={`${PLUGIN_BASE_URL}/${ROUTES.Agents}/${view.agent}`}>agent details</Link>
          </span>
        )}
        {agent.error && <span className={s.muted}>{agent.error.message}</span>}
        <WindowPicker range={range} onRange={onRange} />
      </div>
      <TabsBar>
        {SECTIONS.map((t) => (
          <Tab
            key={t.value}
            label={t.label}
            active={view.section === t.value}
            onChangeTab={() => onView({ section: t.value })}
          />
        ))}
      </TabsBar>
      {view.section === 'trends' && <Trends agentId={view.agent} range={range} />}
      {view.section === 'drift' && (
        <Drift
          agentId={view.agent}
          range={range}
          onRange={onRange}
          open={view.event}
          onOpen={(event) => onView({ section: 'drift', event })}
        />
      )}
      {view.section === 'grounding' && (
        <Grounding agentId={view.agent} open={view.check} onOpen={(check) => onView({ section: 'grounding', check })} />
      )}
      {view.section === 'feedback' && <Feedback agentId={view.agent} />}
      {view.section === 'alerts' && <AgentAlerts agentId={view.agent} />}
      {view.section === 'settings' && <AgentSettings agentId={view.agent} />}
    </Stack>
  );
}
