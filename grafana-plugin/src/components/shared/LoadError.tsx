import React from 'react';
import { Alert, Button } from '@grafana/ui';
import type { CollectorError } from '../../api/collector';

/** A failed load, in plain words, with a way to try again. */
export function LoadError({ title, error, onRetry }: { title: string; error: CollectorError; onRetry?: () => void }) {
  return (
    <Alert severity="error" title={title}>
      <p>{error.message}</p>
      {onRetry && (
        <Button size="sm" variant="secondary" icon="sync" onClick={onRetry}>
          Try again
        </Button>
      )}
    </Alert>
  );
}
