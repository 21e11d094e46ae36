import React from 'react';
import { TabbedPage } from '../../components/shared/TabbedPage';
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
    <TabbedPage tabs={tabsFor()} tab={view.tab} onTab={(tab) => setView({ tab })}>
      {view.tab === 'policies' && (
        <Policies open={view.policy} onOpen={(policy) => setView({ tab: 'policies', policy })} />
      )}
      {view.tab === 'violations' && (
        <Violations open={view.violation} onOpen={(violation) => setView({ tab: 'violations', violation })} />
      )}
      {view.tab === 'audit' && <AuditLog />}
      {view.tab === 'report' && <Report />}
    </TabbedPage>
  );
}

export default GovernancePage;
