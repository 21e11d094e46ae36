import { useState } from 'react';
import type { CollectorError } from '../../api/collector';

type Stage<R> = { step: 'edit' } | { step: 'preview'; preview: R } | { step: 'done'; result: R };

/**
 * A change shown before it is made: check() sends the request as a dry run and keeps its answer
 * as the preview; confirm() sends the same request for real. The request is fixed while the
 * preview is shown (back() to change it), so what is confirmed is what was previewed.
 */
export function useDryRun<Q, R>(send: (request: Q, dryRun: boolean) => Promise<R>) {
  const [stage, setStage] = useState<Stage<R>>({ step: 'edit' });
  const [request, setRequest] = useState<Q | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CollectorError | null>(null);
  const attempt = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err as CollectorError);
    } finally {
      setBusy(false);
    }
  };
  return {
    stage,
    busy,
    error,
    clearError: () => setError(null),
    check: (q: Q) =>
      attempt(async () => {
        const preview = await send(q, true);
        setRequest(q);
        setStage({ step: 'preview', preview });
      }),
    confirm: () =>
      attempt(async () => {
        if (request === null) {
          return;
        }
        const result = await send(request, false);
        setStage({ step: 'done', result });
      }),
    back: () => {
      setError(null);
      setStage({ step: 'edit' });
    },
  };
}
