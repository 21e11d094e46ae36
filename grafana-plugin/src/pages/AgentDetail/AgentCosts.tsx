import React from 'react';
import type { GrafanaTheme2 } from '@grafana/data';
import { Stack, useStyles2 } from '@grafana/ui';
import type { CostBreakdownRow, UsageRecord } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { compact, daysAgo, percent, usd } from '../../format';
import { Loadable } from '../../components/shared/Loadable';
import { ShareBar } from '../../components/shared/ShareBar';
import { getTableStyles } from '../../components/shared/tableStyles';
import { DailyBars } from './DailyBars';

export const TREND_DAYS = 30;

/** Usage and priced cost per day over the last 30 days, and the agent's cost by model. */
export function AgentCosts({ agentId }: { agentId: string }) {
  const s = useStyles2(getStyles);
  const from = daysAgo(TREND_DAYS - 1);
  const usage = useCollector<UsageRecord[]>('/api/v1/costs/usage', { agentId, from });
  const models = useCollector<CostBreakdownRow[]>('/api/v1/costs/breakdown', { by: 'model', agentId, from });

  const days = (usage.data ?? []).slice().sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const total = days.reduce((sum, d) => sum + Number(d.totalCost), 0);
  const tokens = days.reduce((sum, d) => sum + d.totalTokens, 0);
  return (
    <Stack direction="column" gap={2}>
      <Loadable state={usage} what="Usage">
        {() =>
          days.length === 0 ? (
            <p>No usage priced for this agent in the last {TREND_DAYS} days.</p>
          ) : (
            <>
              <span aria-label="Usage totals">
                Last {TREND_DAYS} days: <strong>{usd(total)}</strong> for {compact(tokens)} tokens
              </span>
              <Stack gap={2} wrap="wrap">
                <DailyBars
                  title="Cost per day (USD)"
                  days={days.map((d) => ({
                    day: d.timestamp.slice(0, 10),
                    value: Number(d.totalCost),
                    label: usd(d.totalCost),
                  }))}
                />
                <DailyBars
                  title="Tokens per day"
                  days={days.map((d) => ({
                    day: d.timestamp.slice(0, 10),
                    value: d.totalTokens,
                    label: `${compact(d.totalTokens)} tokens`,
                  }))}
                />
              </Stack>
            </>
          )
        }
      </Loadable>
      <Loadable state={models} what="Cost by model">
        {(rows) =>
          rows.length === 0 ? null : (
            <table className={s.table} aria-label="Cost by model">
              <thead>
                <tr>
                  <th>Model</th>
                  <th className="num">Cost</th>
                  <th>Share</th>
                  <th className="num">Tokens</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((m) => (
                  <tr key={m.key}>
                    <td>{m.name}</td>
                    <td className="num">{usd(m.cost)}</td>
                    <td>
                      <ShareBar ratio={m.share} label={`${m.name} share ${percent(m.share)}`} />
                    </td>
                    <td className="num">{compact(m.tokens)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loadable>
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({ table: getTableStyles(theme) });
