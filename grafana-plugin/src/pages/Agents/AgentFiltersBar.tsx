import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Field, Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import { AGENT_STATUSES, AGENT_TYPES, VENDOR_NAMES, VENDORS } from '../../constants';
import type { AgentFilters } from './filters';

const options = (
  values: readonly string[],
  label: (v: string) => string = (v) => v.charAt(0) + v.slice(1).toLowerCase()
) => [{ label: 'All', value: '' }, ...values.map((v) => ({ label: label(v), value: v }))];
const SEARCH_DELAY_MS = 300;

export function AgentFiltersBar({
  filters,
  onChange,
}: {
  filters: AgentFilters;
  onChange: (change: Partial<AgentFilters>) => void;
}) {
  const s = useStyles2(getStyles);
  const [text, setText] = useState(filters.q ?? '');
  // The URL can change the search too (Clear filters, back button): follow it.
  const [urlQ, setUrlQ] = useState(filters.q);
  if (urlQ !== filters.q) {
    setUrlQ(filters.q);
    setText(filters.q ?? '');
  }
  // Typing does not fire a request per key: the search waits for a pause.
  useEffect(() => {
    if (text === (filters.q ?? '')) {
      return;
    }
    const t = setTimeout(() => onChange({ q: text.trim() || undefined }), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [text, filters.q, onChange]);

  return (
    <div className={s.bar}>
      <Field label="Search">
        <Input
          aria-label="Search agents by name"
          placeholder="Part of the name"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          width={30}
        />
      </Field>
      <Field label="Vendor">
        <RadioButtonGroup
          size="sm"
          options={options(VENDORS, (v) => VENDOR_NAMES[v] ?? v)}
          value={filters.vendor ?? ''}
          onChange={(v) => onChange({ vendor: v || undefined })}
        />
      </Field>
      <Field label="Status">
        <RadioButtonGroup
          size="sm"
          options={options(AGENT_STATUSES)}
          value={filters.status ?? ''}
          onChange={(v) => onChange({ status: v || undefined })}
        />
      </Field>
      <Field label="Type">
        <RadioButtonGroup
          size="sm"
          options={options(AGENT_TYPES)}
          value={filters.type ?? ''}
          onChange={(v) => onChange({ type: v || undefined })}
        />
      </Field>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(2), alignItems: 'flex-end' }),
});
