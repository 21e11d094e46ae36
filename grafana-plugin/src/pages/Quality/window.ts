/** The windows the page reads figures over, ending now. */
export const WINDOWS = [
  { value: '24h', label: '24 hours', hours: 24 },
  { value: '7d', label: '7 days', hours: 168 },
  { value: '30d', label: '30 days', hours: 720 },
] as const;
export type WindowKey = (typeof WINDOWS)[number]['value'];

export interface Range {
  key: WindowKey;
  from: string;
  to: string;
}

/**
 * The window `key` ending at `now`, fixed when chosen: a range computed at every render would be a
 * new request each time. Refresh takes a new one.
 */
export function windowRange(key: WindowKey, now = Date.now()): Range {
  const hours = WINDOWS.find((w) => w.value === key)?.hours ?? 168;
  return { key, from: new Date(now - hours * 3_600_000).toISOString(), to: new Date(now).toISOString() };
}
