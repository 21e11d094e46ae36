import React from 'react';
import { Button } from '@grafana/ui';
import { LoadError } from './LoadError';
import type { usePaged } from '../../api/usePaged';

/** "Load N more" under a paged list while the collector has more, or why the next page failed. */
export function LoadMore({
  paged,
  size,
  what,
}: {
  paged: ReturnType<typeof usePaged<unknown>>;
  size: number;
  what: string;
}) {
  if (paged.moreError) {
    return (
      <LoadError
        title={`More ${what} could not be loaded`}
        error={paged.moreError}
        onRetry={() => void paged.loadMore()}
      />
    );
  }
  if (!paged.rows || !paged.cursor) {
    return null;
  }
  return (
    <div>
      <Button
        size="sm"
        variant="secondary"
        disabled={paged.loadingMore || paged.first.loading}
        onClick={() => void paged.loadMore()}
      >
        {paged.loadingMore ? 'Loading…' : `Load ${size} more`}
      </Button>
    </div>
  );
}
