import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import {
  BarGaugeDisplayMode,
  BigValueGraphMode,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LogsSortOrder,
  ReduceDataOptionsBuilder,
  VisibilityMode,
  VizOrientation,
  type DataSourceRef,
} from '@grafana/grafana-foundation-sdk/common';
import {
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type DataTransformerConfig,
  type Panel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as piechart from '@grafana/grafana-foundation-sdk/piechart';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { CLICKHOUSE, ClickHouseQueryBuilder } from './clickhouse';
import { PROMETHEUS } from './variables';

export const USD = 'currencyUSD';
export const RATIO = 'percentunit';
export const SECONDS = 's';

/** Appended to every ClickHouse panel's description: why it can be empty. */
export const CLICKHOUSE_NOTE =
  "Queries ClickHouse, so it needs a ClickHouse server: the collector's default embedded chdb has no port " +
  'Grafana can reach, and this panel stays empty until ARM_CLICKHOUSE_URL points the collector at a ClickHouse ' +
  'server that the ClickHouse data source reads too.';

export interface PanelOptions {
  title: string;
  description: string;
  /** Grafana unit id; counts (`short`) unless given. */
  unit?: string;
  w: number;
  h: number;
}

export interface PromTarget {
  expr: string;
  legend?: string;
}

/** Threshold steps above the green base, as [value, color]. */
export type Steps = [number, string][];

interface Decorable<T> {
  title(title: string): T;
  description(description: string): T;
  datasource(datasource: DataSourceRef): T;
  unit(unit: string): T;
  height(h: number): T;
  span(w: number): T;
}

function decorate<T extends Decorable<T>>(panel: T, o: PanelOptions, datasource: DataSourceRef): T {
  return panel.title(o.title).description(o.description).datasource(datasource).unit(o.unit ?? 'short').height(o.h).span(o.w);
}

const refId = (i: number): string => String.fromCharCode(65 + i);

function promQuery(t: PromTarget, i: number, instant: boolean): DataqueryBuilder {
  const q = new DataqueryBuilder().refId(refId(i)).datasource(PROMETHEUS).expr(t.expr).legendFormat(t.legend ?? '__auto');
  return instant ? q.instant() : q.range();
}

const thresholds = (steps: Steps = []): ThresholdsConfigBuilder =>
  new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([{ value: null, color: 'green' }, ...steps.map(([value, color]) => ({ value, color }))]);

// An instant query yields one value per series; show it rather than a reduction of nothing.
const lastValue = (): ReduceDataOptionsBuilder => new ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']);

export function promTimeseries(o: PanelOptions & { targets: PromTarget[]; steps?: Steps }): Builder<Panel> {
  const panel = decorate(new timeseries.PanelBuilder(), o, PROMETHEUS)
    .targets(o.targets.map((t, i) => promQuery(t, i, false)))
    .fillOpacity(10)
    .showPoints(VisibilityMode.Never);
  if (o.steps) {
    panel.thresholds(thresholds(o.steps)).thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  return panel;
}

export function promStat(o: PanelOptions & PromTarget & { steps?: Steps; timeFrom?: string }): Builder<Panel> {
  const panel = decorate(new stat.PanelBuilder(), o, PROMETHEUS)
    .withTarget(promQuery(o, 0, true))
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(lastValue())
    .thresholds(thresholds(o.steps));
  return o.timeFrom ? panel.timeFrom(o.timeFrom) : panel;
}

export function promBarGauge(o: PanelOptions & PromTarget & { steps?: Steps; max?: number }): Builder<Panel> {
  const panel = decorate(new bargauge.PanelBuilder(), o, PROMETHEUS)
    .withTarget(promQuery(o, 0, true))
    .orientation(VizOrientation.Horizontal)
    .displayMode(BarGaugeDisplayMode.Gradient)
    .reduceOptions(lastValue())
    .thresholds(thresholds(o.steps))
    .min(0);
  return o.max === undefined ? panel : panel.max(o.max);
}

export function promPie(o: PanelOptions & PromTarget): Builder<Panel> {
  return decorate(new piechart.PanelBuilder(), o, PROMETHEUS)
    .withTarget(promQuery(o, 0, true))
    .pieType(piechart.PieChartType.Donut)
    .reduceOptions(lastValue());
}

// A table of an instant query shows one row per series; Time is the same on every row.
const hideColumns = (names: string[]): DataTransformerConfig => ({
  id: 'organize',
  options: { excludeByName: Object.fromEntries(names.map((n) => [n, true])) },
});

export function promTable(
  o: PanelOptions & { expr: string; hide?: string[]; transformations?: DataTransformerConfig[] },
): Builder<Panel> {
  return decorate(new table.PanelBuilder(), o, PROMETHEUS)
    .withTarget(promQuery(o, 0, true).format(PromQueryFormat.Table))
    .transformations(o.transformations ?? [hideColumns(['Time', '__name__', ...(o.hide ?? [])])]);
}

const clickhouseDescription = (description: string): string => `${description} ${CLICKHOUSE_NOTE}`;

export function clickhouseTable(o: PanelOptions & { sql: string }): Builder<Panel> {
  return decorate(new table.PanelBuilder(), { ...o, description: clickhouseDescription(o.description) }, CLICKHOUSE)
    .withTarget(new ClickHouseQueryBuilder(o.sql).refId('A').queryType('table'));
}

export function clickhouseLogs(o: PanelOptions & { sql: string }): Builder<Panel> {
  return decorate(new logs.PanelBuilder(), { ...o, description: clickhouseDescription(o.description) }, CLICKHOUSE)
    .withTarget(new ClickHouseQueryBuilder(o.sql).refId('A').queryType('logs'))
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(LogsSortOrder.Descending);
}
