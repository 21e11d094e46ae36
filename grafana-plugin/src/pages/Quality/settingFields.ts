import type { QualitySettings } from '@ai-arm/schemas';
import { count, percent } from '../../format';

export type SettingKey = keyof QualitySettings;

export interface SettingField {
  key: SettingKey;
  label: string;
  description: string;
  min: number;
  max: number;
  /** `min` itself is refused (a threshold of 0 would alert on a 0% rate). */
  aboveMin?: boolean;
  integer: boolean;
  show: (v: number) => string;
}

const hours = (v: number) => `${count(v)} h`;
const ratioOf = (v: number) => `${percent(v)} (${v})`;

/** The quality monitor's settings as the page shows and edits them; bounds as the collector checks them. */
export const SETTING_FIELDS: SettingField[] = [
  {
    key: 'baselineHours',
    label: 'Baseline window',
    description: 'Hours before the current window that are "normal"',
    min: 1,
    max: 2160,
    integer: true,
    show: hours,
  },
  {
    key: 'currentHours',
    label: 'Current window',
    description: 'Hours, ending now, compared with the baseline',
    min: 1,
    max: 720,
    integer: true,
    show: hours,
  },
  {
    key: 'sigma',
    label: 'Mean shift that is drift',
    description: 'In baseline standard deviations (σ)',
    min: 0.5,
    max: 20,
    integer: false,
    show: (v) => `${v} σ`,
  },
  {
    key: 'psi',
    label: 'PSI that is drift',
    description: 'Population stability index: 0.1 some change, 0.25 a large one',
    min: 0.01,
    max: 5,
    integer: false,
    show: String,
  },
  {
    key: 'minSamples',
    label: 'Requests needed per window',
    description: 'Fewer and drift is not judged',
    min: 5,
    max: 100000,
    integer: true,
    show: count,
  },
  {
    key: 'errorRateThreshold',
    label: 'Error rate that alerts',
    description: 'Above 0, up to 1 (0.05: 5%)',
    min: 0,
    aboveMin: true,
    max: 1,
    integer: false,
    show: ratioOf,
  },
  {
    key: 'groundingFailureThreshold',
    label: 'Hallucination share that alerts',
    description: 'Of grounding checks in the current window, above 0, up to 1',
    min: 0,
    aboveMin: true,
    max: 1,
    integer: false,
    show: ratioOf,
  },
  {
    key: 'groundingSampleRate',
    label: 'Grounding sample rate',
    description: 'Share of pushed requests with retrieved context that are checked, 0 to 1',
    min: 0,
    max: 1,
    integer: false,
    show: ratioOf,
  },
];

export type Draft = Record<SettingKey, string>;

export const draftOf = (values: QualitySettings): Draft =>
  Object.fromEntries(SETTING_FIELDS.map((f) => [f.key, String(values[f.key])])) as Draft;

/** Why a typed value is not one the collector takes, or null when it is. */
export function invalid(field: SettingField, text: string): string | null {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) {
    return 'A number';
  }
  if (field.integer && !Number.isInteger(v)) {
    return 'A whole number';
  }
  if (v < field.min || v > field.max || (field.aboveMin && v === field.min)) {
    return field.aboveMin ? `Above ${field.min}, up to ${field.max}` : `From ${field.min} to ${field.max}`;
  }
  return null;
}

/** The settings changed from `values`, as numbers; empty when nothing changed or anything is invalid. */
export function changes(draft: Draft, values: QualitySettings): Partial<QualitySettings> {
  if (SETTING_FIELDS.some((f) => invalid(f, draft[f.key]) !== null)) {
    return {};
  }
  return Object.fromEntries(
    SETTING_FIELDS.filter((f) => Number(draft[f.key]) !== values[f.key]).map((f) => [f.key, Number(draft[f.key])])
  ) as Partial<QualitySettings>;
}
