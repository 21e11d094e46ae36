import { useCallback, useEffect, useState } from 'react';
import { collector, CollectorError } from './collector';

export interface Loaded<T, M> {
  /** True from a change of path or params until its answer arrives (earlier data stays shown). */
  loading: boolean;
  data?: T;
  meta?: M;
  error?: CollectorError;
  reload: () => void;
}

interface Answer<T, M> {
  /** The request this answers: a slower earlier answer never overwrites a newer one. */
  request: string;
  data?: T;
  meta?: M;
  error?: CollectorError;
}

/** A collector GET that reloads when its path or params change, or on reload(). */
export function useCollector<T, M = undefined>(
  path: string | null,
  params?: Record<string, string | number | undefined>
): Loaded<T, M> {
  const [answer, setAnswer] = useState<Answer<T, M>>({ request: '' });
  const [generation, setGeneration] = useState(0);
  const query = JSON.stringify(params ?? {});
  const request = `${path}|${query}|${generation}`;
  useEffect(() => {
    if (path === null) {
      return;
    }
    let current = true;
    collector<T, M>(path, { params: JSON.parse(query) })
      .then((r) => current && setAnswer({ request, data: r.data, meta: r.meta }))
      .catch((error: CollectorError) => current && setAnswer((prev) => ({ ...prev, request, error })));
    return () => {
      current = false;
    };
  }, [path, query, request]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const loading = answer.request !== request;
  // A failed reload keeps no stale error once a later request succeeds, and an error is shown only for the current request.
  return { loading, data: answer.data, meta: answer.meta, error: loading ? undefined : answer.error, reload };
}
