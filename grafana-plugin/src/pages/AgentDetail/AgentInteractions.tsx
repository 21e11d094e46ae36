import React, { useState } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Button, LoadingPlaceholder, RadioButtonGroup, Stack, useStyles2 } from '@grafana/ui';
import type { Interaction } from '@ai-arm/schemas';
import { usePaged } from '../../api/usePaged';
import { LoadError } from '../../components/shared/LoadError';
import { getTableStyles } from '../../components/shared/tableStyles';
import { count, usdFine, utcTime } from '../../format';

export const PAGE_SIZE = 50;

type StatusFilter = '' | 'ok' | 'error';
const STATUSES: Array<{ label: string; value: StatusFilter }> = [
  { label: 'All', value: '' },
  { label: 'Succeeded', value: 'ok' },
  { label: 'Failed', value: 'error' },
];

/** Input as the vendor counted it: uncached, cache reads and cache writes together. */
const inputTokens = (t: Interaction['tokens']) => t.input + t.cacheRead + t.cacheWrite;

/**
 * The agent's recent requests (the collector's default range: the last 24 hours), newest first,
 * a page at a time, all or only the failed or the succeeded ones.
 */
export function AgentInteractions({ agentId }: { agentId: string }) {
  const s = useStyles2(getStyles);
  const [status, setStatus] = useState<StatusFilter>('');
  const path = `/api/v1/agents/${agentId}/interactions`;
  const params = { limit: PAGE_SIZE, status: status || undefined };
  const { first, rows: loaded, cursor, moreError, loadingMore, loadMore } = usePaged<Interaction>(path, params);

  if (first.error) {
    return <LoadError title="Requests could not be loaded" error={first.error} onRetry={first.reload} />;
  }
  const rows = loaded ?? [];
  return (
    <Stack direction="column" gap={1}>
      <Stack alignItems="center" gap={2} wrap="wrap">
        <RadioButtonGroup size="sm" options={STATUSES} value={status} onChange={setStatus} />
        {first.data && (
          <span aria-label="Requests shown">
            {count(rows.length)} {status === 'error' ? 'failed ' : status === 'ok' ? 'succeeded ' : ''}
            {rows.length === 1 ? 'request' : 'requests'} in the last 24 hours
            {cursor ? ' (more to load)' : ''}
          </span>
        )}
      </Stack>
      {!first.data ? (
        <LoadingPlaceholder text="Loading requests…" />
      ) : rows.length === 0 ? (
        <p>
          {status === ''
            ? 'No requests pushed by this agent in the last 24 hours. Agents push their requests with OpenTelemetry (GenAI conventions) or the ingest API.'
            : `No ${status === 'error' ? 'failed' : 'succeeded'} requests in the last 24 hours.`}
        </p>
      ) : (
        <table className={cx(s.table, first.loading && s.stale)} aria-label="Requests" aria-busy={first.loading}>
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>Model</th>
              <th>Status</th>
              <th>Error type</th>
              <th className="num">Latency</th>
              <th className="num">TTFT</th>
              <th className="num">Tokens in / out</th>
              <th className="num">Cost</th>
              <th>Conversation</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{utcTime(r.startedAt)}</td>
                <td
                  title={r.responseModel && r.responseModel !== r.model ? `answered by ${r.responseModel}` : undefined}
                >
                  {r.model}
                </td>
                <td>{r.status === 'ok' ? <Badge text="ok" color="green" /> : <Badge text="error" color="red" />}</td>
                <td>{r.errorType ?? ''}</td>
                <td className="num">{`${Math.round(r.latencyMs)} ms`}</td>
                <td className="num">
                  {r.timeToFirstTokenMs === null ? '—' : `${Math.round(r.timeToFirstTokenMs)} ms`}
                </td>
                <td
                  className="num"
                  title={`uncached ${count(r.tokens.input)}, cache read ${count(r.tokens.cacheRead)}, cache write ${count(r.tokens.cacheWrite)}`}
                >
                  {`${count(inputTokens(r.tokens))} / ${count(r.tokens.output)}`}
                </td>
                <td className="num">
                  {r.costUsd === null ? <span title="Not in the price table">—</span> : usdFine(r.costUsd)}
                </td>
                <td>
                  {r.conversationId ? (
                    <code className={s.id} title={r.conversationId}>
                      {r.conversationId}
                    </code>
                  ) : (
                    ''
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {moreError && (
        <LoadError title="More requests could not be loaded" error={moreError} onRetry={() => void loadMore()} />
      )}
      {first.data && cursor && !moreError && (
        <div>
          <Button size="sm" variant="secondary" disabled={loadingMore || first.loading} onClick={() => void loadMore()}>
            {loadingMore ? 'Loading…' : `Load ${PAGE_SIZE} more`}
          </Button>
        </div>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: getTableStyles(theme),
  stale: css({ opacity: 0.6 }),
  id: css({
    display: 'inline-block',
    maxWidth: '16ch',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    verticalAlign: 'bottom',
  }),
});
