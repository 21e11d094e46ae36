import React, { useId, useState } from 'react';
import { Alert, Button, Field, Input, RadioButtonGroup, Switch, useStyles2 } from '@grafana/ui';
import type { Enforcement, Policy, Severity } from '@ai-arm/schemas';
import { collector, type CollectorError } from '../../api/collector';
import { ConditionsBuilder } from './ConditionsBuilder';
import { policyInput, type PolicyDraft } from './draft';
import { SampleTest } from './SampleTest';
import { getGovernanceStyles } from './styles';

const ENFORCEMENTS: Array<{ label: string; value: Enforcement; description: string }> = [
  { label: 'Audit', value: 'AUDIT', description: 'Record a violation' },
  { label: 'Warn', value: 'WARN', description: 'Record it and mark the request warned' },
  { label: 'Block', value: 'BLOCK', description: 'Record it, mark the request blocked and alert' },
];
const SEVERITIES: Array<{ label: string; value: Severity }> = [
  { label: 'Info', value: 'INFO' },
  { label: 'Warning', value: 'WARNING' },
  { label: 'Critical', value: 'CRITICAL' },
];

interface Props {
  initial: PolicyDraft;
  /** The policy being edited; absent for a new one. */
  policy?: Policy;
  onSaved: (policy: Policy) => void;
  onCancel: () => void;
}

/**
 * Creates a policy or changes one (each change is a new version). What is typed goes to the
 * collector as it is: its schema and policy compiler judge it, and their message says what to fix.
 */
export function PolicyForm({ initial, policy, onSaved, onCancel }: Props) {
  const s = useStyles2(getGovernanceStyles);
  const id = useId();
  const [draft, setDraft] = useState<PolicyDraft>(initial);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<CollectorError | null>(null);
  const change = (c: Partial<PolicyDraft>) => setDraft((d) => ({ ...d, ...c }));
  const title = policy ? `Edit ${policy.name}` : 'New policy';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const body = policyInput(draft);
      const saved = policy
        ? await collector<Policy>(`/api/v1/governance/policies/${policy.id}`, { method: 'PATCH', data: body })
        : await collector<Policy>('/api/v1/governance/policies', { method: 'POST', data: body });
      onSaved(saved.data);
    } catch (err) {
      setError(err as CollectorError);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form aria-label={title} className={s.form} onSubmit={submit}>
      <h4>
        {title}
        {policy && (
          <span className={s.muted}>
            {' '}
            (version {policy.version}; saving makes version {policy.version + 1})
          </span>
        )}
      </h4>
      <div className={s.fields}>
        <Field label="Name">
          <Input
            id={`${id}-name`}
            value={draft.name}
            onChange={(e) => change({ name: e.currentTarget.value })}
            width={40}
          />
        </Field>
        <Field label="Description">
          <Input
            id={`${id}-description`}
            value={draft.description}
            onChange={(e) => change({ description: e.currentTarget.value })}
            width={60}
          />
        </Field>
      </div>
      <div className={s.fields}>
        <Field label="Enforcement" description={ENFORCEMENTS.find((x) => x.value === draft.enforcement)?.description}>
          <RadioButtonGroup
            size="sm"
            options={ENFORCEMENTS}
            value={draft.enforcement}
            onChange={(enforcement) => change({ enforcement })}
          />
        </Field>
        <Field label="Severity">
          <RadioButtonGroup
            size="sm"
            options={SEVERITIES}
            value={draft.severity}
            onChange={(severity) => change({ severity })}
          />
        </Field>
        <Field label="Enabled" description="Evaluated on every pushed request">
          <Switch
            id={`${id}-enabled`}
            value={draft.enabled}
            onChange={(e) => change({ enabled: e.currentTarget.checked })}
          />
        </Field>
      </div>
      <ConditionsBuilder
        conditions={draft.conditions}
        match={draft.match}
        onChange={(conditions) => change({ conditions })}
        onMatchChange={(match) => change({ match })}
      />
      <SampleTest policy={() => policyInput(draft)} />
      {error && (
        <Alert severity="error" title="The policy was not saved" onRemove={() => setError(null)}>
          {error.message}
        </Alert>
      )}
      <div className={s.actions}>
        <Button type="submit" icon="save" disabled={saving || !draft.name.trim()}>
          {saving ? 'Saving…' : policy ? 'Save new version' : 'Create policy'}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
