import { LABEL_VALUES, type MetricDefinition } from './instruments.generated';
import type { LabelSet } from './sink';

export const OVERFLOW_VALUE = '_overflow';
const OTHER_VALUE = '_OTHER';

/**
 * Keeps a metric's series under its cap. Past the cap, a new label set has its unbounded
 * labels (agent, model, table) replaced by `_overflow`, so totals stay right while the
 * series count stops growing. Enumerated labels outside their list become `_OTHER`.
 * On a per-tenant metric the cap counts each organisation's series apart and the
 * organisation label is never folded: one organisation filling its cap changes no other's.
 */
export class CardinalityGuard {
  private readonly seen = new Map<string, Set<string>>();

  constructor(
    private readonly limits: ReadonlyMap<string, number>,
    private readonly onDrop: (metric: MetricDefinition) => void,
  ) {}

  admit(def: MetricDefinition, labels: LabelSet): LabelSet {
    const clean: LabelSet = {};
    for (const name of def.labels) {
      const v = labels[name];
      if (v === undefined || v === '') continue;
      const allowed = LABEL_VALUES[name];
      clean[name] = allowed && !allowed.includes(v) ? OTHER_VALUE : v;
    }
    const scope = scopeOf(def.name, def.tenantLabel ? clean[def.tenantLabel] : undefined);
    const series = this.seen.get(scope) ?? new Set<string>();
    this.seen.set(scope, series);
    const key = keyOf(def, clean);
    if (series.has(key)) return clean;
    if (series.size < (this.limits.get(def.name) ?? def.cardinalityLimit)) {
      series.add(key);
      return clean;
    }
    this.onDrop(def);
    const folded = { ...clean };
    for (const name of def.boundedLabels) if (folded[name] !== undefined) folded[name] = OVERFLOW_VALUE;
    series.add(keyOf(def, folded));
    return folded;
  }

  /** Forgets a metric's label sets: all of them, or one organisation's. */
  forget(metric: string, organization?: string): void {
    if (organization !== undefined) {
      this.seen.delete(scopeOf(metric, organization));
      return;
    }
    for (const scope of this.seen.keys()) if (scope === metric || scope.startsWith(`${metric}\u0000`)) this.seen.delete(scope);
  }
}

const scopeOf = (metric: string, organization: string | undefined) => (organization === undefined ? metric : `${metric}\u0000${organization}`);

const keyOf = (def: MetricDefinition, labels: LabelSet) => def.labels.map((l) => labels[l] ?? '').join('\u0000');
