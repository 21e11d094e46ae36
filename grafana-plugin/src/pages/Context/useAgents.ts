import { useEffect, useRef, useState } from 'react';
import type { AgentView as Agent } from '@ai-arm/schemas';
import { collector } from '../../api/collector';
import { contextPaths } from './api';

/**
 * The agents behind a list of ids (search hits, items), fetched once each: the results name the
 * agent an item belongs to, not its id. An id that cannot be read stays an id.
 */
export function useAgentNames(ids: readonly string[]): Record<string, Agent | undefined> {
  const [known, setKnown] = useState<Record<string, Agent | null>>({});
  const asked = useRef(new Set<string>());
  const wanted = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    // Each id is asked once: a re-render while it loads, or a later list with it, does not ask again.
    const missing = wanted.split(',').filter((id) => id && !asked.current.has(id));
    if (missing.length === 0) {
      return;
    }
    missing.forEach((id) => asked.current.add(id));
    void Promise.all(
      missing.map((id) =>
        collector<Agent>(contextPaths.agent(id)).then(
          (r) => [id, r.data] as const,
          () => [id, null] as const
        )
      )
    ).then((found) => setKnown((k) => ({ ...k, ...Object.fromEntries(found) })));
    // Answers that arrive after the ids changed are kept too: they were marked as asked.
  }, [wanted]);
  return Object.fromEntries(Object.entries(known).map(([id, a]) => [id, a ?? undefined]));
}
