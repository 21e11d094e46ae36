import React, { useId, useState } from 'react';
import { Alert, Button, Field, Input, useStyles2 } from '@grafana/ui';
import type { ContextSearchResult } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { LoadError } from '../../components/shared/LoadError';
import { Section } from '../../components/shared/Section';
import { AgentChooser } from './AgentChooser';
import { contextPaths } from './api';
import { FilterFields, type ItemFilters } from './FilterFields';
import { utcInstant } from './format';
import { SearchHits } from './SearchHits';
import { getContextStyles } from './styles';

export const SEARCH_LIMIT = 20;

interface Filters extends ItemFilters {
  q: string;
  agentId?: string;
}

/** The search as the collector takes it: blank filters left out, the time as RFC 3339 UTC. */
export function searchQuery(f: Filters): Record<string, string | number | undefined> {
  return {
    q: f.q.trim(),
    agentId: f.agentId,
    type: f.type || undefined,
    userId: f.userId.trim() || undefined,
    validAt: utcInstant(f.validAt) || undefined,
    limit: SEARCH_LIMIT,
  };
}

/**
 * Search across every agent's context, by meaning and by words, with filters (agent, type, user,
 * the time the items must hold at; superseded items are left out). Each hit says its score and
 * why it matched.
 */
export function Search({ onOpenAgent }: { onOpenAgent: (agentId: string) => void }) {
  const s = useStyles2(getContextStyles);
  const id = useId();
  const [draft, setDraft] = useState<Filters>({ q: '', type: '', userId: '', validAt: '' });
  const [asked, setAsked] = useState<Filters | null>(null);
  const result = useCollector<ContextSearchResult>(
    asked ? contextPaths.search : null,
    asked ? searchQuery(asked) : undefined
  );
  const set = (change: Partial<Filters>) => setDraft((d) => ({ ...d, ...change }));
  const badTime = utcInstant(draft.validAt) === null;
  return (
    <Section title="Search context" busy={asked !== null && result.loading}>
      <form
        aria-label="Search context"
        className={s.form}
        onSubmit={(e) => {
          e.preventDefault();
          if (draft.q.trim() && !badTime) {
            setAsked({ ...draft });
            if (asked && JSON.stringify(searchQuery(asked)) === JSON.stringify(searchQuery(draft))) {
              result.reload();
            }
          }
        }}
      >
        <div className={s.fields}>
          <Field label="Looking for" description="In plain words: meaning counts, not only the words">
            <Input
              id={`${id}-q`}
              value={draft.q}
              maxLength={1000}
              placeholder="e.g. how does the user want answers formatted"
              onChange={(e) => set({ q: e.currentTarget.value })}
              width={50}
            />
          </Field>
          <FilterFields
            id={id}
            filters={draft}
            onChange={set}
            anyType="Any type"
            userDescription="The end user an item is about"
            time={{ description: 'Default now', placeholder: '2026-03-01 14:30' }}
          />
        </div>
        <AgentChooser label="Agent" optional value={draft.agentId} onChange={(agentId) => set({ agentId })} />
        <div>
          <Button type="submit" icon="search" disabled={!draft.q.trim() || badTime}>
            Search
          </Button>
        </div>
      </form>
      {asked &&
        (result.error ? (
          <LoadError title="The search failed" error={result.error} onRetry={result.reload} />
        ) : result.data ? (
          result.data.hits.length === 0 ? (
            <Alert severity="info" title="Nothing matched">
              No live item matches “{asked.q.trim()}” with these filters. Superseded and expired items are not searched.
            </Alert>
          ) : (
            <>
              <span className={s.muted} aria-label="Search figures">
                {result.data.hits.length} {result.data.hits.length === 1 ? 'hit' : 'hits'} · query embedded in{' '}
                {result.data.queryEmbeddingMs.toFixed(1)} ms ({result.data.embeddingModel}) · searched in{' '}
                {result.data.searchMs.toFixed(1)} ms
              </span>
              <SearchHits hits={result.data.hits} query={asked.q} stale={result.loading} onOpenAgent={onOpenAgent} />
            </>
          )
        ) : null)}
    </Section>
  );
}
