import React from 'react';
import { Link } from 'react-router-dom';
import { cx } from '@emotion/css';
import { Alert, Field, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import type { CostBreakdownRow } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { PLUGIN_BASE_URL, ROUTES, VENDOR_NAMES } from '../../constants';
import { compact, count, percent, usd } from '../../format';
import { ShareBar } from '../../components/shared/ShareBar';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { getCostStyles } from './styles';
import { BREAKDOWNS, rangeParams, type BreakdownBy, type CostView } from './view';

const LABELS: Record<BreakdownBy, string> = { agent: 'Agent', model: 'Model', vendor: 'Vendor', project: 'Project' };
const OPTIONS = BREAKDOWNS.map((b) => ({ label: LABELS[b], value: b }));

/** Where the money went over the chosen range, by agent, model, vendor or project, largest first. */
export function CostBreakdown({ view, onChange }: { view: CostView; onChange: (change: Partial<CostView>) => void }) {
  const s = useStyles2(getCostStyles);
  const rows = useCollector<CostBreakdownRow[]>('/api/v1/costs/breakdown', { by: view.by, ...rangeParams(view.days) });
  const split = (
    <Field label="Split by" className={s.field}>
      <RadioButtonGroup size="sm" options={OPTIONS} value={view.by} onChange={(by) => onChange({ by })} />
    </Field>
  );
  return (
    <Section
      title="Breakdown"
      busy={rows.loading}
      description={`Computed cost over the last ${view.days} days.`}
      actions={split}
    >
      <Loadable state={rows} what="The breakdown">
        {(data) =>
          data.length === 0 ? (
            <Alert severity="info" title="No spend in this range">
              No usage was recorded in the last {view.days} days.
            </Alert>
          ) : (
            <table className={cx(s.table, rows.loading && s.stale)} aria-label="Cost breakdown">
              <thead>
                <tr>
                  <th>{LABELS[view.by]}</th>
                  {view.by !== 'vendor' && <th>Vendor</th>}
                  <th className="num">Cost</th>
                  <th>Share</th>
                  <th className="num">Tokens</th>
                  <th className="num">Requests</th>
                  <th className="num">Unpriced tokens</th>
                </tr>
              </thead>
              <tbody>
                {data.map((r) => (
                  <tr key={`${r.vendor}|${r.key}`}>
                    <td>
                      <RowName row={r} by={view.by} />
                    </td>
                    {view.by !== 'vendor' && <td>{VENDOR_NAMES[r.vendor] ?? r.vendor}</td>}
                    <td className="num">{usd(r.cost)}</td>
                    <td>
                      <ShareBar ratio={r.share} label={`Share of ${r.name}`} />
                      <span className={s.muted}>{percent(r.share)}</span>
                    </td>
                    <td className="num" title={count(r.tokens)}>
                      {compact(r.tokens)}
                    </td>
                    <td className="num">{count(r.requests)}</td>
                    <td
                      className="num"
                      title={
                        r.unpricedTokens > 0
                          ? 'Tokens of models missing from the price table: billed, but not in the cost'
                          : undefined
                      }
                    >
                      {r.unpricedTokens > 0 ? compact(r.unpricedTokens) : '–'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loadable>
    </Section>
  );
}

function RowName({ row, by }: { row: CostBreakdownRow; by: BreakdownBy }) {
  if (by === 'vendor') {
    return <>{(row.key === null ? undefined : VENDOR_NAMES[row.key]) ?? row.name}</>;
  }
  // Usage no attribution rule claims has no agent (key null): there is no page to link to.
  if (by === 'agent' && row.key) {
    return <Link to={`${PLUGIN_BASE_URL}/${ROUTES.Agents}/${row.key}`}>{row.name}</Link>;
  }
  return <>{row.name}</>;
}
