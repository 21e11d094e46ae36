import React from 'react';
import { cx } from '@emotion/css';
import { Alert, useStyles2 } from '@grafana/ui';
import type { CostRecord, ReconciliationMeta, TrackedCostDay } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { VENDOR_NAMES } from '../../constants';
import { usd } from '../../format';
import { Figure } from './Figure';
import { sumUsd } from './money';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { getCostStyles } from './styles';
import { rangeParams } from './view';

type Totals = Record<
  'computed' | 'billed' | 'unpriced' | 'unattributed' | 'unexplained' | 'tracked' | 'untracked',
  number
>;

/** Tracked and untracked come per vendor and day (pushed requests name no project), beside the records. */
function totals(rows: CostRecord[], days: TrackedCostDay[]): Totals {
  return {
    computed: sumUsd(rows.map((r) => r.computedCost)),
    billed: sumUsd(rows.map((r) => r.billedCost)),
    unpriced: sumUsd(rows.map((r) => r.unpricedCost)),
    unattributed: sumUsd(rows.map((r) => r.unattributedCost)),
    unexplained: sumUsd(rows.map((r) => r.unexplainedCost)),
    tracked: sumUsd(days.map((d) => d.trackedCost)),
    // Summed per day as the collector clipped it: a day the pushed requests cost more than the bill adds nothing.
    untracked: sumUsd(days.map((d) => d.untrackedCost)),
  };
}

const reasons = (rows: CostRecord[]) => [...new Set(rows.flatMap((r) => r.unpricedReasons ?? []))].sort();

function byVendor(rows: CostRecord[], days: TrackedCostDay[]): Array<[string, Totals]> {
  const vendors = [...new Set([...rows.map((r) => r.vendor), ...days.map((d) => d.vendor)])];
  return vendors.map((v) => [
    v,
    totals(
      rows.filter((r) => r.vendor === v),
      days.filter((d) => d.vendor === v)
    ),
  ]);
}

/**
 * The vendors' bills over the cost attributed to agents, split three ways: billed for usage the
 * price book cannot price (unpriced, with the reasons), priced usage no attribution rule assigns
 * to an agent (unattributed), and whatever remains (unexplained: zero when the books agree).
 * Beside them, the cost of the requests agents pushed (tracked) and the part of the bill none of
 * them accounts for (untracked).
 */
export function Unreconciled({ days }: { days: number }) {
  const s = useStyles2(getCostStyles);
  const records = useCollector<CostRecord[], ReconciliationMeta>('/api/v1/costs/reconciliation', rangeParams(days));
  return (
    <Section
      title="Unpriced and unattributed spend"
      busy={records.loading}
      description={`Our computed cost and the cost of the requests agents pushed, beside the vendors' bills over the last ${days} days.`}
    >
      <Loadable state={records} what="The reconciliation">
        {(rows) => {
          const pushed = records.meta?.tracked ?? [];
          if (rows.length === 0 && pushed.length === 0) {
            return (
              <Alert severity="info" title="Nothing to reconcile in this range">
                Neither usage nor bills were recorded in the last {days} days.
              </Alert>
            );
          }
          const all = totals(rows, pushed);
          return (
            <div className={cx(records.loading && s.stale)}>
              <div className={s.cards}>
                <div className={s.card}>
                  <Figure label="Unpriced" value={usd(all.unpriced)} large />
                  <span className={s.muted}>
                    Billed by the vendors for usage the price table cannot price on its day (model, token type, tier or
                    context window), so not in the computed cost. A contract price closes the gap.
                  </span>
                  {reasons(rows).length > 0 && (
                    <ul className={s.muted} aria-label="Why spend is unpriced">
                      {reasons(rows).map((why) => (
                        <li key={why}>{why}</li>
                      ))}
                    </ul>
                  )}
                </div>
                <div className={s.card}>
                  <Figure label="Unattributed" value={usd(all.unattributed)} large />
                  <span className={s.muted}>
                    Priced usage no attribution rule assigns to an agent: in the totals, under no agent.
                  </span>
                </div>
                <div className={s.card}>
                  <Figure label="Unexplained" value={usd(all.unexplained)} large />
                  <span className={s.muted}>
                    The bill less the computed and the unpriced cost: what nothing above accounts for. Anything but
                    $0.00 means a price in the table differs from what the vendor charged.
                  </span>
                </div>
                <div className={s.card}>
                  <Figure label="Untracked" value={usd(all.untracked)} large />
                  <span className={s.muted}>
                    Billed by the vendors beyond what the requests your agents pushed (OpenTelemetry or the ingest API)
                    cost, per vendor and day: spend from callers that are not instrumented. Days not billed yet add
                    nothing.
                  </span>
                </div>
                <div className={s.card}>
                  <Figure label="Computed" value={usd(all.computed)} />
                  <Figure label="Billed" value={usd(all.billed)} />
                  <Figure label="Tracked" value={usd(all.tracked)} />
                </div>
              </div>
              <table className={s.table} aria-label="Reconciliation per vendor">
                <thead>
                  <tr>
                    <th>Vendor</th>
                    <th className="num">Computed</th>
                    <th className="num">Billed</th>
                    <th className="num">Unpriced</th>
                    <th className="num">Unattributed</th>
                    <th className="num">Unexplained</th>
                    <th className="num">Tracked</th>
                    <th className="num">Untracked</th>
                  </tr>
                </thead>
                <tbody>
                  {byVendor(rows, pushed).map(([vendor, t]) => (
                    <tr key={vendor}>
                      <td>{VENDOR_NAMES[vendor] ?? vendor}</td>
                      <td className="num">{usd(t.computed)}</td>
                      <td className="num">{usd(t.billed)}</td>
                      <td className="num">{usd(t.unpriced)}</td>
                      <td className="num">{usd(t.unattributed)}</td>
                      <td className="num">{usd(t.unexplained)}</td>
                      <td className="num">{usd(t.tracked)}</td>
                      <td className="num">{usd(t.untracked)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </Loadable>
    </Section>
  );
}
