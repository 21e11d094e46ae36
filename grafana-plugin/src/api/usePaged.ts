import { useState } from 'react';
import { collector, type CollectorError } from './collector';
import { useCollector } from './useCollector';

interface Meta {
  nextCursor: string | null;
}

/** Pages after the first, fetched with "Load more"; they belong to one answer of the first page. */
interface More<T> {
  base: T[] | undefined;
  items: T[];
  cursor: string | null;
  error?: CollectorError;
}

type Params = Record<string, string | number | undefined>;

/**
 * A list the collector gives a page at a time (meta.nextCursor): the first page reloads with its
 * params, later pages are appended on loadMore(). A new first page (other filters, a reload)
 * starts the list again: pages fetched after an earlier one do not belong to it.
 */
export function usePaged<T>(path: string, params: Params) {
  const first = useCollector<T[], Meta>(path, params);
  const [more, setMore] = useState<More<T>>({ base: undefined, items: [], cursor: null });
  const [loadingMore, setLoadingMore] = useState(false);
  const pages: More<T> =
    more.base === first.data && first.data !== undefined
      ? more
      : { base: first.data, items: [], cursor: first.meta?.nextCursor ?? null };

  const loadMore = async () => {
    const base = pages;
    setLoadingMore(true);
    try {
      const next = await collector<T[], Meta>(path, { params: { ...params, cursor: base.cursor ?? undefined } });
      setMore({ base: base.base, items: [...base.items, ...next.data], cursor: next.meta.nextCursor });
    } catch (err) {
      setMore({ ...base, error: err as CollectorError });
    } finally {
      setLoadingMore(false);
    }
  };

  return {
    first,
    rows: first.data ? [...first.data, ...pages.items] : undefined,
    cursor: pages.cursor,
    moreError: pages.error,
    loadingMore,
    loadMore,
  };
}
