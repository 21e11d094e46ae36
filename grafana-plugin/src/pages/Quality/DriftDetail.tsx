import React from 'react';
import { useStyles2 } from '@grafana/ui';
import type { DriftEvent, Interaction } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { count, utcTime } from '../../format';
import { qualityPaths } from './api';
import { METRIC_NAMES, metricValue, version } from './figures';
import { getQualityStyles } from './styles';

/** The answer's text, from the output messages as stored (text, or the GenAI message parts). */
export function answerText(content: Interaction['content']): string | null {
  const out = content?.output;
  if (out === undefined || out === null) {
    return null;
  }
  if (typeof out === 'string') {
    return out;
  }
  const parts: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      parts.push(v);
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.content === 'string') {
        parts.push(o.content);
      } else if (typeof o.text === 'string') {
        parts.push(o.text);
      } else {
        walk(o.parts ?? o.content);
      }
    }
  };
  walk(out);
  return parts.length ? parts.join('\n') : JSON.stringify(out);
}

/** One drift event with the requests that show it (GET .../drift/:id). */
export function DriftDetail({ agentId, id }: { agentId: string; id: string }) {
  const s = useStyles2(getQualityStyles);
  const detail = useCollector<{ event: DriftEvent; interactions: Interaction[] }>(qualityPaths.driftEvent(agentId, id));
  return (
    <section aria-label="Drift event" aria-busy={detail.loading} className={s.panel}>
      <Loadable state={detail} what="The drift event">
        {({ event: e, interactions }) => (
          <>
            <span>
              {METRIC_NAMES[e.metric] ?? e.metric}: {metricValue(e.metric, e.baselineValue)} over{' '}
              {count(e.baseline.samples)} requests ({utcTime(e.baseline.from)} to {utcTime(e.baseline.to)}) against{' '}
              {metricValue(e.metric, e.currentValue)} over {count(e.current.samples)} ({utcTime(e.current.from)} to{' '}
              {utcTime(e.current.to)}), UTC.
            </span>
            {interactions.length === 0 ? (
              <span className={s.muted}>
                No sample requests kept for this event (they may be past the telemetry retention).
              </span>
            ) : (
              <table className={s.table} aria-label="Sample requests">
                <thead>
                  <tr>
                    <th>Time (UTC)</th>
                    <th>Version</th>
                    <th>Model</th>
                    <th>Status</th>
                    <th className="num">Latency</th>
                    <th className="num">Tokens in / out</th>
                    <th>Answer</th>
                  </tr>
                </thead>
                <tbody>
                  {interactions.map((r) => {
                    const answer = answerText(r.content);
                    return (
                      <tr key={r.id}>
                        <td>{utcTime(r.startedAt)}</td>
                        <td>{version(r.version)}</td>
                        <td>{r.model}</td>
                        <td>{r.status === 'ok' ? 'ok' : `error${r.errorType ? ` (${r.errorType})` : ''}`}</td>
                        <td className="num">{`${Math.round(r.latencyMs)} ms`}</td>
                        <td className="num">{`${count(r.tokens.input + r.tokens.cacheRead + r.tokens.cacheWrite)} / ${count(r.tokens.output)}`}</td>
                        <td>
                          {answer === null ? (
                            <span className={s.muted}>not kept (content capture is off)</span>
                          ) : (
                            <pre className={s.text}>{answer.length > 400 ? `${answer.slice(0, 400)}…` : answer}</pre>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </>
        )}
      </Loadable>
    </section>
  );
}
