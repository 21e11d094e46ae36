import { useCallback, useEffect, useState } from 'react';
import { collector, CollectorError } from './collector';

export interface Loaded<T, M> {
  loading: boolean;
  data?: T;
  meta?: M;
  error?: CollectorError;
  reload: () => void;
}

/**
 * A collector GET that reloads when its path or params change. A slower earlier answer never
 * overwrites a newer one (filters change faster than pages load).
 */
export function useCollector<T, M = undefined>(path: string | null, params?: Record<string, string | number | undefined>): Loaded<T, M> {
  const [state, setState] = useState<Omit<Loaded<T, M>, 'reload'>>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(params ?? {});
  useEffect(() => {
    if (path === null) {
      return;
    }
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    collector<T, M>(path, { params: JSON.parse(key) })
      .then((r) => current && setState({ loading: false, data: r.data, meta: r.meta }))
      .catch((error: CollectorError) => current && setState({ loading: false, error }));
    return () => {
      current = false;
    };
  }, [path, key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
