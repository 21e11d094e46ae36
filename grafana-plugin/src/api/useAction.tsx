import React, { useCallback, useState } from 'react';
import { Alert } from '@grafana/ui';
import type { CollectorError } from './collector';

/**
 * A change the user asked for (pause, run a check, delete): which one is in flight, so its button
 * can be disabled, and why the last one failed. `run` never throws.
 */
export function useAction<K>() {
  const [busy, setBusy] = useState<K | null>(null);
  const [error, setError] = useState<CollectorError | null>(null);
  const run = useCallback(async (key: K, work: () => Promise<unknown>) => {
    setBusy(key);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err as CollectorError);
    } finally {
      setBusy(null);
    }
  }, []);
  /** The failure, in the collector's words, under `title`; dismissible. */
  const failure = (title: string) =>
    error && (
      <Alert severity="error" title={title} onRemove={() => setError(null)}>
        {error.message}
      </Alert>
    );
  return { busy, run, failure };
}
