import React from 'react';
import { Button, Field, useStyles2 } from '@grafana/ui';
import type { AgentView as Agent } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { AgentFinder } from '../../components/shared/AgentFinder';
import { VENDOR_NAMES } from '../../constants';
import { contextPaths } from './api';
import { getContextStyles } from './styles';

interface Props {
  label: string;
  description?: string;
  value: string | undefined;
  onChange: (agentId: string | undefined) => void;
  /** A filter: "any agent" is a choice (a Clear button), not a missing answer. */
  optional?: boolean;
  disabled?: boolean;
}

/**
 * One agent, found by part of its name (the agents API's search: an organisation may have
 * thousands); once chosen, its name and vendor with a way to choose another.
 */
export function AgentChooser({ label, description, value, onChange, optional, disabled }: Props) {
  const s = useStyles2(getContextStyles);
  const chosen = useCollector<Agent>(value ? contextPaths.agent(value) : null);
  if (value) {
    const agent = chosen.data?.id === value ? chosen.data : undefined;
    return (
      <Field label={label} description={description}>
        <div className={s.actions} role="group" aria-label={label} aria-busy={chosen.loading}>
          <strong>{agent ? agent.name : chosen.error ? value : 'Loading…'}</strong>
          {agent && <span className={s.muted}>{VENDOR_NAMES[agent.vendor] ?? agent.vendor}</span>}
          {chosen.error && <span className={s.muted}>({chosen.error.message})</span>}
          <Button
            size="sm"
            variant="secondary"
            fill="text"
            disabled={disabled}
            aria-label={`${optional ? 'Clear' : 'Change'} ${label.toLowerCase()}`}
            onClick={() => onChange(undefined)}
          >
            {optional ? 'Clear' : 'Change'}
          </Button>
        </div>
      </Field>
    );
  }
  // The finder is left once an agent is chosen, so what was typed is gone when another is chosen.
  return (
    <AgentFinder
      label={label}
      description={description ?? (optional ? 'Any agent, or find one by name' : 'Find it by name')}
      placeholder={optional ? 'Any agent' : 'Part of its name'}
      listLabel={`${label}: agents found`}
      width={36}
      disabled={disabled}
      onPick={onChange}
    />
  );
}
