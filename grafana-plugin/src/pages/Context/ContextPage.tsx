import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { Stack, Tab, TabContent, TabsBar } from '@grafana/ui';
import { Browse } from './Browse';
import { Portability } from './Portability';
import { Preferences } from './Preferences';
import { Search } from './Search';
import { TABS, useContextView } from './view';

/**
 * The context vault: what agents learnt from their interactions (facts, preferences,
 * instructions, intents). Search across agents by meaning; browse one agent's context by type and
 * validity; export, import and transfer it across vendors, previewed first; its preferences, and
 * (Admins) written into its instructions at the vendor. Viewers read; Editors add, edit, delete
 * and move context; Admins inject and undo.
 */
function ContextPage() {
  const [view, setView] = useContextView();
  const onAgent = (agent: string | undefined) => setView({ agent });
  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <TabsBar>
          {TABS.map((t) => (
            <Tab
              key={t.value}
              label={t.label}
              active={view.tab === t.value}
              onChangeTab={() => setView({ tab: t.value })}
            />
          ))}
        </TabsBar>
        <TabContent>
          {view.tab === 'search' && <Search onOpenAgent={(agent) => setView({ tab: 'browse', agent })} />}
          {view.tab === 'browse' && <Browse agentId={view.agent} onAgent={onAgent} />}
          {view.tab === 'move' && (
            <Portability
              agentId={view.agent}
              onAgent={onAgent}
              onOpenPreferences={(agent) => setView({ tab: 'preferences', agent })}
            />
          )}
          {view.tab === 'preferences' && <Preferences agentId={view.agent} onAgent={onAgent} />}
        </TabContent>
      </Stack>
    </PluginPage>
  );
}

export default ContextPage;
