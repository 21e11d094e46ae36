export type LabelSet = Record<string, string | undefined>;

/** Where the generated Instruments send observations; each exporter implements it. */
export interface MetricSink {
  add(metric: string, value: number, labels: LabelSet): void;
  set(metric: string, value: number, labels: LabelSet): void;
  record(metric: string, value: number, labels: LabelSet): void;
  /** Drops a gauge's series; with `only`, just those whose labels match it (one organisation's). */
  clear(metric: string, only?: LabelSet): void;
}
