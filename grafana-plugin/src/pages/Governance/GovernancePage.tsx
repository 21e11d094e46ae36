import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { Stack, Tab, TabContent, TabsBar } from '@grafana/ui';
import { AuditLog } from './AuditLog';
import { Policies } from './Policies';
import { Report } from './Report';
import { tabsFor, useGovernanceView } from './view';
import { Violations } from './Violations';

/**
 * Governance: the policies that check every pushed request, the violations they recorded and
 * their review, and for Grafana Admins the audit trail and the compliance report. Viewers read;
 * Editors review violations and test sample texts; Admins change policies.
 */
function GovernancePage() {
  const [view, setView] = useGovernanceView();
  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <TabsBar>
          {tabsFor().map((t) => (
            <Tab
              key={t.value}
              label={t.label}
              active={view.tab === t.value}
              onChangeTab={() => setView({ tab: t.value })}
            />
          ))}
        </TabsBar>
        <TabContent>
          {view.tab === 'policies' && (
            <Policies open={view.policy} onOpen={(policy) => setView({ tab: 'policies', policy })} />
          )}
          {view.tab === 'violations' && (
            <Violations open={view.violation} onOpen={(violation) => setView({ tab: 'violations', violation })} />
          )}
          {view.tab === 'audit' && <AuditLog />}
          {view.tab === 'report' && <Report />}
        </TabContent>
      </Stack>
    </PluginPage>
  );
}

export default GovernancePage;
