import React from 'react';
import { Button, useStyles2 } from '@grafana/ui';
import type { Policy } from '@ai-arm/schemas';
import { utcTime } from '../../format';
import { hasRole } from '../../roles';
import { EnforcementBadge, SeverityBadge } from './badges';
import { describeCondition, policyDraft, policyInput } from './draft';
import { SampleTest } from './SampleTest';
import { getGovernanceStyles } from './styles';

/**
 * A policy as it stands, for those who may not change it: its rules in words, and for Editors a
 * sample text to test it with (the saved policy goes as the draft; nothing is recorded).
 */
export function PolicyDetail({ policy, onClose }: { policy: Policy; onClose: () => void }) {
  const s = useStyles2(getGovernanceStyles);
  return (
    <div className={s.form} role="group" aria-label={`Policy ${policy.name}`}>
      <h4>
        {policy.name} <span className={s.muted}>version {policy.version}</span>
      </h4>
      {policy.description && <p>{policy.description}</p>}
      <div className={s.actions}>
        <EnforcementBadge enforcement={policy.enforcement} />
        <SeverityBadge severity={policy.severity} />
        <span>{policy.enabled ? 'Enabled' : 'Disabled'}</span>
        <span className={s.muted}>
          changed {utcTime(policy.updatedAt)} by {policy.updatedBy}
        </span>
      </div>
      <div>
        <strong>{policy.match === 'all' ? 'All of these hold:' : 'Any of these holds:'}</strong>
        <ul aria-label="Conditions">
          {policy.conditions.map((c, i) => (
            <li key={i}>
              <code>{describeCondition(c)}</code>
            </li>
          ))}
        </ul>
      </div>
      {hasRole('Editor') && <SampleTest policy={() => policyInput(policyDraft(policy))} />}
      <div>
        <Button size="sm" variant="secondary" onClick={onClose}>
          Close
        </Button>
      </div>
    </div>
  );
}
