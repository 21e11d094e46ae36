import { collector } from './collector';
import { costs } from './costs';
import type { BuiltDashboard } from './dashboard';
import { fleet } from './fleet';
import { latency } from './latency';

export { catalogueSeriesNames, promqlMetricNames } from './metric-names';
export { allPanels, GRAFANA_BUILTINS, panelQueries, usedVariables, variables, type PanelQuery } from './queries';

export interface GeneratedDashboard {
  /** File name under dashboards/json/. */
  file: string;
  uid: string;
  title: string;
  json: object;
}

const FILES: [string, () => BuiltDashboard][] = [
  ['fleet.json', fleet],
  ['costs.json', costs],
  ['latency.json', latency],
  ['collector.json', collector],
];

/** The AI-ARM dashboards, built fresh from code. */
export function dashboards(): GeneratedDashboard[] {
  return FILES.map(([file, build]) => ({ file, ...build() }));
}

/** A dashboard's committed file content. */
export const render = (json: object): string => `${JSON.stringify(json, null, 2)}\n`;
