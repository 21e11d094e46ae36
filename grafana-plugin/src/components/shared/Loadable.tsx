import React, { type ReactNode } from 'react';
import { LoadingPlaceholder } from '@grafana/ui';
import type { Loaded } from '../../api/useCollector';
import { LoadError } from './LoadError';

/**
 * A section's data, or why it is missing. Each part of a page loads on its own, so one failing call
 * shows its own error and retry while the rest of the page stays usable.
 */
export function Loadable<T>({
  state,
  what,
  children,
}: {
  state: Pick<Loaded<T, unknown>, 'data' | 'error' | 'reload'>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (state.error) {
    return <LoadError title={`${what} could not be loaded`} error={state.error} onRetry={state.reload} />;
  }
  if (state.data === undefined) {
    return <LoadingPlaceholder text={`Loading ${what.toLowerCase()}…`} />;
  }
  return <>{children(state.data)}</>;
}
