import React, { useId } from 'react';
import { Field, Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import type { Policy, Severity } from '@ai-arm/schemas';
import { NativeSelect } from '../../components/shared/NativeSelect';
import { getGovernanceStyles } from './styles';

export interface ViolationFilter {
  days: number;
  /** Start of the range, fixed when the range is chosen (the end is the collector's now). */
  from: string;
  status: '' | 'open' | 'reviewed';
  severity: '' | Severity;
  policyId: string;
  agentId: string;
}

export const RANGES = [1, 7, 30, 90] as const;
const DAY_MS = 86_400_000;

/** The start of the last `days` days, fixed when the range is chosen (or refreshed), not on each render. */
export const since = (days: number, now = Date.now()) => new Date(now - days * DAY_MS).toISOString();

export const defaultFilter = (): ViolationFilter => ({
  days: 7,
  from: since(7),
  status: '',
  severity: '',
  policyId: '',
  agentId: '',
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The query the collector takes for the filter (an agent id half typed is not sent). */
export const violationParams = (f: ViolationFilter) => ({
  from: f.from,
  status: f.status || undefined,
  severity: f.severity || undefined,
  policyId: f.policyId || undefined,
  agentId: UUID.test(f.agentId.trim()) ? f.agentId.trim() : undefined,
});

interface Props {
  filter: ViolationFilter;
  policies: Policy[];
  onChange: (change: Partial<ViolationFilter>) => void;
}

export function ViolationFilters({ filter, policies, onChange }: Props) {
  const s = useStyles2(getGovernanceStyles);
  const id = useId();
  return (
    <div className={s.fields}>
      <Field label="Range">
        <RadioButtonGroup
          size="sm"
          options={RANGES.map((d) => ({ label: d === 1 ? '24 hours' : `${d} days`, value: d }))}
          value={filter.days}
          onChange={(days) => onChange({ days, from: since(days) })}
        />
      </Field>
      <Field label="Status">
        <RadioButtonGroup<ViolationFilter['status']>
          size="sm"
          options={[
            { label: 'All', value: '' },
            { label: 'Open', value: 'open' },
            { label: 'Reviewed', value: 'reviewed' },
          ]}
          value={filter.status}
          onChange={(status) => onChange({ status })}
        />
      </Field>
      <Field label="Severity">
        <RadioButtonGroup<ViolationFilter['severity']>
          size="sm"
          options={[
            { label: 'All', value: '' },
            { label: 'Info', value: 'INFO' },
            { label: 'Warning', value: 'WARNING' },
            { label: 'Critical', value: 'CRITICAL' },
          ]}
          value={filter.severity}
          onChange={(severity) => onChange({ severity })}
        />
      </Field>
      <Field label="Policy">
        <NativeSelect
          id={`${id}-policy`}
          aria-label="Policy"
          value={filter.policyId}
          options={[{ label: 'All policies', value: '' }, ...policies.map((p) => ({ label: p.name, value: p.id }))]}
          onChange={(policyId) => onChange({ policyId })}
        />
      </Field>
      <Field label="Agent id" invalid={filter.agentId.trim() !== '' && !UUID.test(filter.agentId.trim())}>
        <Input
          id={`${id}-agent`}
          placeholder="All agents"
          value={filter.agentId}
          onChange={(e) => onChange({ agentId: e.currentTarget.value })}
          width={40}
        />
      </Field>
    </div>
  );
}
