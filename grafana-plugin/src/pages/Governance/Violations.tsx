import React, { useState } from 'react';
import { Alert, Button, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import type { Policy, PolicyViolation } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { LoadError } from '../../components/shared/LoadError';
import { count } from '../../format';
import { Section } from '../../components/shared/Section';
import { LoadMore } from '../../components/shared/LoadMore';
import { usePaged } from '../../api/usePaged';
import { ViolationDetail } from './ViolationDetail';
import { defaultFilter, since, violationParams, ViolationFilters, type ViolationFilter } from './ViolationFilters';
import { ViolationsTable } from './ViolationsTable';
import { getGovernanceStyles } from './styles';

export const PAGE_SIZE = 50;

/** Violations with filters, a page at a time, and the one open with its matches and review. */
export function Violations({ open, onOpen }: { open?: string; onOpen: (violation?: string) => void }) {
  const s = useStyles2(getGovernanceStyles);
  const [filter, setFilter] = useState<ViolationFilter>(defaultFilter);
  const policies = useCollector<Policy[]>('/api/v1/governance/policies');
  const paged = usePaged<PolicyViolation>('/api/v1/governance/violations', {
    ...violationParams(filter),
    limit: PAGE_SIZE,
  });
  const change = (c: Partial<ViolationFilter>) => setFilter((f) => ({ ...f, ...c }));
  const refresh = (
    <Button size="sm" variant="secondary" icon="sync" onClick={() => change({ from: since(filter.days) })}>
      Refresh
    </Button>
  );
  return (
    <Section title="Violations" busy={paged.first.loading} actions={refresh}>
      {/* Busy until the policy list (the filter's choices) is in, so no answer lands after a test's end. */}
      <div aria-busy={policies.loading}>
        <ViolationFilters filter={filter} policies={policies.data ?? []} onChange={change} />
      </div>
      {paged.first.error ? (
        <LoadError title="Violations could not be loaded" error={paged.first.error} onRetry={paged.first.reload} />
      ) : !paged.rows ? (
        <LoadingPlaceholder text="Loading violations…" />
      ) : paged.rows.length === 0 ? (
        <Alert severity="info" title="No violations">
          None matches these filters. Violations are recorded when a pushed request matches an enabled policy.
        </Alert>
      ) : (
        <>
          <span className={s.muted} aria-label="Violations shown">
            {count(paged.rows.length)} shown{paged.cursor ? ' (more to load)' : ''}
          </span>
          <ViolationsTable violations={paged.rows} stale={paged.first.loading} onOpen={(v) => onOpen(v.id)} />
        </>
      )}
      <LoadMore paged={paged} size={PAGE_SIZE} what="violations" />
      {open && (
        <ViolationDetail key={open} id={open} onReviewed={paged.first.reload} onClose={() => onOpen(undefined)} />
      )}
    </Section>
  );
}
