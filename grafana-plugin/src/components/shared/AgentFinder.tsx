import React, { useEffect, useId, useState } from 'react';
import { Button, Field, Input, useStyles2 } from '@grafana/ui';
import type { AgentView as Agent } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { VENDOR_NAMES } from '../../constants';
import { getPageStyles } from './pageStyles';

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
  description: string;
  placeholder: string;
  /** The name of the list of agents found. */
  listLabel: string;
  width: number;
  disabled?: boolean;
  onPick: (agentId: string) => void;
}

/**
 * Any agent, found by part of its name (the agents API's search: an organisation may have
 * thousands), each one found a button that picks it.
 */
export function AgentFinder({ label, description, placeholder, listLabel, width, disabled, onPick }: Props) {
  const s = useStyles2(getPageStyles);
  const id = useId();
  const [text, setText] = useState('');
  const q = useSettled(text.trim());
  const found = useCollector<Agent[]>(q ? '/api/v1/agents' : null, { q, limit: LIMIT });
  return (
    <div className={s.form} aria-busy={q !== '' && found.loading}>
      <Field label={label} description={description}>
        <Input
          id={`${id}-q`}
          value={text}
          placeholder={placeholder}
          disabled={disabled}
          onChange={(e) => setText(e.currentTarget.value)}
          width={width}
        />
      </Field>
      {q && found.error && <span role="alert">{found.error.message}</span>}
      {q && found.data && (
        <ul aria-label={listLabel} className={s.list}>
          {found.data.length === 0 && <li className={s.muted}>No agent has “{q}” in its name.</li>}
          {found.data.map((a) => (
            <li key={a.id}>
              <Button size="sm" variant="secondary" onClick={() => onPick(a.id)}>
                {a.name} <span className={s.muted}>&nbsp;{VENDOR_NAMES[a.vendor] ?? a.vendor}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
