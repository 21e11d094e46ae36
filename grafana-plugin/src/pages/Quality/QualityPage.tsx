import React, { useState } from 'react';
import { TabbedPage } from '../../components/shared/TabbedPage';
import { AgentQuality } from './AgentQuality';
import { Alerts } from './Alerts';
import { QualityReport } from './QualityReport';
import { Settings } from './Settings';
import { TABS, useQualityView } from './view';
import { windowRange, type Range } from './window';

/**
 * Quality and drift: how each agent's answers hold up (latency, errors, refusals, length, feedback)
 * by version, the drift the collector found, grounding checks with the flagged claims in the
 * response, feedback, quality alerts and the monitor's settings. Viewers read; Editors add
 * feedback, check responses and drift, and acknowledge or resolve alerts; Admins change settings.
 */
function QualityPage() {
  const [view, setView] = useQualityView();
  const [range, setRange] = useState<Range>(() => windowRange('7d'));
  return (
    <TabbedPage tabs={TABS} tab={view.tab} onTab={(tab) => setView({ tab })}>
      {view.tab === 'agents' &&
        (view.agent ? (
          <AgentQuality
            key={view.agent}
            view={{ ...view, agent: view.agent }}
            onView={(next) => setView({ ...view, event: undefined, check: undefined, ...next })}
            range={range}
            onRange={setRange}
          />
        ) : (
          <QualityReport range={range} onRange={setRange} onOpen={(agent) => setView({ agent })} />
        ))}
      {view.tab === 'alerts' && <Alerts onOpenAgent={(agent) => setView({ agent })} />}
      {view.tab === 'settings' && <Settings />}
    </TabbedPage>
  );
}

export default QualityPage;
