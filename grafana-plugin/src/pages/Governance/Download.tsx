import React, { type ReactNode } from 'react';
import { locationUtil } from '@grafana/data';
import { LinkButton } from '@grafana/ui';
import { COLLECTOR_PROXY } from '../../constants';

/**
 * The address of a collector file (CSV, JSON lines) through the plugin proxy, for a link the
 * browser downloads: Grafana checks the signed-in user's role on the route as for any call, and
 * the collector's content-disposition names the file. No JSON envelope to read, so no fetch.
 */
export function downloadUrl(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
  ).toString();
  return locationUtil.assureBaseUrl(`${COLLECTOR_PROXY}${path}${query ? `?${query}` : ''}`);
}

/**
 * A button that downloads a collector file: `path` with `params`, through the plugin proxy.
 * `refused`: the same search failed on the page (a bad filter, no access): a link would save the
 * collector's error as the file, so there is none until the search answers.
 */
export function Download({
  path,
  params,
  refused = false,
  children,
}: {
  path: string;
  params: Record<string, string | undefined>;
  refused?: boolean;
  children: ReactNode;
}) {
  return (
    <LinkButton
      size="sm"
      variant="secondary"
      icon="download-alt"
      href={refused ? undefined : downloadUrl(path, params)}
      disabled={refused}
      tooltip={refused ? 'Fix the search first: it failed, and so would the file' : undefined}
      download
    >
      {children}
    </LinkButton>
  );
}
