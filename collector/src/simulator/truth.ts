import { bill } from './billing';
import type { SimVendor } from './catalog';
import type { SimState } from './state';
import { cells } from './traffic';

export interface TruthRow {
  vendor: SimVendor;
  model: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  requests: number;
  /** Each token counted once: `input` is uncached input. */
  tokens: { input: number; cache_read: number; cache_write_5m: number; cache_write_1h: number; output: number };
  /** What the vendor bills for it, USD, unrounded. */
  billedUsd: number;
}

/**
 * What the simulator serves for [start, end) as of now, summed per vendor, model and day:
 * the ground truth a collector's stored usage and cost must equal.
 */
export function truth(state: SimState, start: number, end: number): TruthRow[] {
  const rows = new Map<string, TruthRow>();
  const models = new Map(state.world.models.map((m) => [m.id, m]));
  const now = state.now();
  for (const vendor of ['openai', 'anthropic'] as const) {
    for (const cell of cells(state, vendor, start, end, now)) {
      const day = new Date(cell.hour * 1000).toISOString().slice(0, 10);
      const key = `${vendor}|${cell.model}|${day}`;
      const row = rows.get(key) ?? { vendor, model: cell.model, day, requests: 0, tokens: { input: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0 }, billedUsd: 0 };
      row.requests += cell.requests;
      row.tokens.input += cell.uncachedInput;
      row.tokens.cache_read += cell.cacheRead;
      row.tokens.cache_write_5m += cell.cacheWrite5m;
      row.tokens.cache_write_1h += cell.cacheWrite1h;
      row.tokens.output += cell.output;
      for (const line of bill(cell, models.get(cell.model)!)) row.billedUsd += line.amount;
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day) || a.vendor.localeCompare(b.vendor) || a.model.localeCompare(b.model));
}
