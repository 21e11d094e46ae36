import React, { useEffect, useId, useState } from 'react';
import { Button, Field, Input, useStyles2 } from '@grafana/ui';
import type { AgentView as Agent } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { VENDOR_NAMES } from '../../constants';
import { contextPaths } from './api';
import { getContextStyles } from './styles';

const LIMIT = 10;

/** The text typed, once typing pauses: one search per pause, not one per key. */
function useSettled(value: string, ms = 300) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

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
  const id = useId();
  const [text, setText] = useState('');
  const q = useSettled(text.trim());
  const chosen = useCollector<Agent>(value ? contextPaths.agent(value) : null);
  const found = useCollector<Agent[]>(!value && q ? contextPaths.agents : null, { q, limit: LIMIT });
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
            onClick={() => {
              setText('');
              onChange(undefined);
            }}
          >
            {optional ? 'Clear' : 'Change'}
          </Button>
        </div>
      </Field>
    );
  }
  return (
    <div className={s.form} aria-busy={q !== '' && found.loading}>
      <Field
        label={label}
        description={description ?? (optional ? 'Any agent, or find one by name' : 'Find it by name')}
      >
        <Input
          id={`${id}-q`}
          value={text}
          placeholder={optional ? 'Any agent' : 'Part of its name'}
          disabled={disabled}
          onChange={(e) => setText(e.currentTarget.value)}
          width={36}
        />
      </Field>
      {q && found.error && <span role="alert">{found.error.message}</span>}
      {q && found.data && (
        <ul aria-label={`${label}: agents found`} className={s.list}>
          {found.data.length === 0 && <li className={s.muted}>No agent has “{q}” in its name.</li>}
          {found.data.map((a) => (
            <li key={a.id}>
              <Button size="sm" variant="secondary" onClick={() => onChange(a.id)}>
                {a.name} <span className={s.muted}>&nbsp;{VENDOR_NAMES[a.vendor] ?? a.vendor}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
