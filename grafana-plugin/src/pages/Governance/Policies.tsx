import React from 'react';
import { Alert, Button, useStyles2 } from '@grafana/ui';
import type { Policy } from '@ai-arm/schemas';
import { collector } from '../../api/collector';
import { useAction } from '../../api/useAction';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { hasRole } from '../../roles';
import { Section } from '../../components/shared/Section';
import { policyDraft } from './draft';
import { NewPolicy } from './NewPolicy';
import { PoliciesTable } from './PoliciesTable';
import { PolicyDetail } from './PolicyDetail';
import { PolicyForm } from './PolicyForm';
import { PolicyVersions } from './PolicyVersions';
import { getGovernanceStyles } from './styles';

interface Props {
  /** The policy open below the list (its id, or `new`). */
  open?: string;
  onOpen: (policy?: string) => void;
}

/** The policies, and the one open: Admins create, edit, enable, disable and delete; the rest read. */
export function Policies({ open, onOpen }: Props) {
  const s = useStyles2(getGovernanceStyles);
  const policies = useCollector<Policy[]>('/api/v1/governance/policies');
  const canChange = hasRole('Admin');
  const action = useAction<string>();

  const toggle = (p: Policy) =>
    action.run(p.id, async () => {
      await collector<Policy>(`/api/v1/governance/policies/${p.id}`, {
        method: 'PATCH',
        data: { enabled: !p.enabled },
      });
      policies.reload();
    });
  const remove = (p: Policy) =>
    action.run(p.id, async () => {
      await collector(`/api/v1/governance/policies/${p.id}`, { method: 'DELETE' });
      if (open === p.id) {
        onOpen(undefined);
      }
      policies.reload();
    });
  const saved = (p: Policy) => {
    policies.reload();
    onOpen(p.id);
  };

  const current = open && open !== 'new' ? policies.data?.find((p) => p.id === open) : undefined;
  const newButton = canChange && open !== 'new' && (
    <Button size="sm" icon="plus" onClick={() => onOpen('new')}>
      New policy
    </Button>
  );
  return (
    <Section
      title="Policies"
      busy={policies.loading}
      description="Conditions on each pushed request and its agent; a match is recorded (Audit), warned or blocked."
      actions={newButton}
    >
      {action.failure('That did not work')}
      <Loadable state={policies} what="Policies">
        {(list) =>
          list.length === 0 ? (
            <Alert severity="info" title="No policies yet">
              {canChange
                ? 'Create one with New policy, blank or from a template.'
                : 'A Grafana admin creates policies here; requests are then checked against them.'}
            </Alert>
          ) : (
            <PoliciesTable
              policies={list}
              onOpen={(p) => onOpen(p.id)}
              onToggle={canChange ? toggle : undefined}
              onDelete={canChange ? remove : undefined}
              busy={action.busy}
            />
          )
        }
      </Loadable>
      {open === 'new' && canChange && (
        <div className={s.panel}>
          <NewPolicy onSaved={saved} onCancel={() => onOpen(undefined)} />
        </div>
      )}
      {open && open !== 'new' && policies.data && !current && (
        <Alert severity="warning" title="No such policy">
          It may have been deleted. Its versions stay, for the violations that name them.
        </Alert>
      )}
      {current && (
        <div className={s.panel}>
          {canChange ? (
            <PolicyForm
              key={`form ${current.id}@${current.version}`}
              initial={policyDraft(current)}
              policy={current}
              onSaved={saved}
              onCancel={() => onOpen(undefined)}
            />
          ) : (
            <PolicyDetail policy={current} onClose={() => onOpen(undefined)} />
          )}
          <PolicyVersions key={`versions ${current.id}@${current.version}`} policyId={current.id} />
        </div>
      )}
    </Section>
  );
}
