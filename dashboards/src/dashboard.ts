import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  RowBuilder,
  type Dashboard,
  type DashboardLink,
  type Panel,
  type VariableModel,
} from '@grafana/grafana-foundation-sdk/dashboard';

/** The tag every AI-ARM dashboard carries; the link row finds the others by it. */
export const TAG = 'ai-arm';

export interface Row {
  title: string;
  panels: Builder<Panel>[];
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  from: string;
  variables: Builder<VariableModel>[];
  rows: Row[];
}

export interface BuiltDashboard {
  uid: string;
  title: string;
  json: Dashboard;
}

// The SDK defaults placement to the controls menu, which hides the links behind a button;
// without it Grafana shows them as a row above the panels.
const otherDashboards: Builder<DashboardLink> = {
  build: () => {
    const link = new DashboardLinkBuilder('AI-ARM')
      .type(DashboardLinkType.Dashboards)
      .tags([TAG])
      .asDropdown(false)
      .includeVars(true)
      .keepTime(true)
      .build();
    delete link.placement;
    return link;
  },
};

export function buildDashboard(spec: DashboardSpec): BuiltDashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([TAG])
    .time({ from: spec.from, to: 'now' })
    .refresh('1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .variables(spec.variables)
    .link(otherDashboards);
  // Open rows with their panels after them, not inside: Grafana only draws a row's own
  // panels when the row is collapsed.
  for (const row of spec.rows) {
    builder.withRow(new RowBuilder(row.title));
    for (const panel of row.panels) builder.withPanel(panel);
  }
  // Through JSON once so the object is exactly what gets committed (no SDK marker functions).
  const json = JSON.parse(JSON.stringify(builder.build())) as Dashboard;
  numberPanels(json);
  return { uid: spec.uid, title: spec.title, json };
}

// Fixed ids keep panel links (viewPanel=N) stable across regenerations.
function numberPanels(json: Dashboard): void {
  let id = 0;
  for (const panel of json.panels ?? []) {
    panel.id = ++id;
    if ('panels' in panel) for (const nested of panel.panels) nested.id = ++id;
  }
}
