import React from 'react';
import { cx } from '@emotion/css';
import { Badge, useStyles2 } from '@grafana/ui';
import type { ContextSearchHit } from '@ai-arm/schemas';
import { utcTime } from '../../format';
import { hitFigures, TYPE_NAMES, validityText } from './format';
import { ItemText } from './ItemText';
import { getContextStyles } from './styles';
import { useAgentNames } from './useAgents';

/**
 * The hits, best first: the combined score with its two parts (similarity of meaning, share of
 * the query's words), the item with the shared words marked, and the collector's own words for
 * why it matched.
 */
export function SearchHits({
  hits,
  query,
  stale,
  onOpenAgent,
}: {
  hits: ContextSearchHit[];
  query: string;
  stale: boolean;
  onOpenAgent: (agentId: string) => void;
}) {
  const s = useStyles2(getContextStyles);
  const agents = useAgentNames(hits.map((h) => h.item.agentId));
  return (
    <table className={cx(s.table, stale && s.stale)} aria-label="Search results">
      <thead>
        <tr>
          <th>Score</th>
          <th>Type</th>
          <th>Context</th>
          <th>Agent</th>
          <th>User</th>
          <th>Valid (UTC)</th>
        </tr>
      </thead>
      <tbody>
        {hits.map((h) => {
          const f = hitFigures(h);
          const agent = agents[h.item.agentId];
          return (
            <tr key={h.item.id}>
              <td>
                <strong>{f.score}</strong>
                <div className={s.muted}>
                  similarity {f.semantic} · words {f.keyword}
                </div>
              </td>
              <td>
                <Badge color="blue" text={TYPE_NAMES[h.item.type]} />
                {h.item.key && <div className={s.muted}>{h.item.key}</div>}
              </td>
              <td>
                <ItemText text={h.item.content} query={query} />
                <div className={s.why} aria-label="Why it matched">
                  {h.why}
                </div>
              </td>
              <td>
                <a
                  href="#"
                  onClick={(e) => {
                    e.preventDefault();
                    onOpenAgent(h.item.agentId);
                  }}
                >
                  {agent?.name ?? h.item.agentId}
                </a>
              </td>
              <td>{h.item.userId ?? <span className={s.muted}>everyone</span>}</td>
              <td>
                {validityText(h.item)}
                <div className={s.muted}>updated {utcTime(h.item.updatedAt)}</div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
