import type { Config } from '../../src/config/env';
import type { Instruments } from '../../src/metrics/instruments.generated';
import type { VendorEndpoint } from '../../src/connectors/registry';
import { openConnections, simulatorEndpoints } from '../../src/poller/connections';
import { Poller } from '../../src/poller/poller';
import type { Stores } from '../../src/stores';
import type { Simulator } from '../../src/simulator/server';
import type { TruthRow } from '../../src/simulator/truth';
import { uniqueName } from './paths';
import { quietLogger } from './stores';
import { asSystem } from '../../src/stores/tenant-scope';
import { systemTelemetry } from './system-db';

export const HOUR = 3600;
export const DAY = 86400;

export function simEndpoints(sim: Simulator, keys: Partial<Record<'openai' | 'anthropic', string>> = {}): VendorEndpoint[] {
  return simulatorEndpoints(sim.url, { ...sim.state.opts.keys, ...(keys.openai && { openaiAdmin: keys.openai }), ...(keys.anthropic && { anthropicAdmin: keys.anthropic }) });
}

/** A poller for a new organisation of its own, polling the simulator on the simulator's clock. */
export async function simPoller(sim: Simulator, stores: Pick<Stores, 'controlPlane' | 'telemetry' | 'writer'>, config: Config, metrics: Instruments, endpoints = simEndpoints(sim), orgSlug = uniqueName('org').replace(/_/g, '-')) {
  const org = await asSystem('test setup', async () => {
    const [existing] = await stores.controlPlane.query<{ id: string }>('SELECT id FROM organizations WHERE slug = $1', [orgSlug]);
    return existing?.id ?? (await stores.controlPlane.query<{ id: string }>('INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id', [orgSlug]))[0]!.id;
  });
  const connections = await openConnections(stores.controlPlane, org, 'env', endpoints, metrics, config.poll.vendorMaxRetries);
  return { org, poller: new Poller({ config, stores, metrics, log: quietLogger(), now: () => sim.state.now() }, connections) };
}

export async function truthOf(sim: Simulator, start: number, end: number): Promise<TruthRow[]> {
  const iso = (t: number) => new Date(t * 1000).toISOString();
  return ((await (await fetch(`${sim.url}/truth?start=${iso(start)}&end=${iso(end)}`)).json()) as { rows: TruthRow[] }).rows;
}

export interface StoredDay {
  vendor: string;
  model: string;
  day: string;
  input: number;
  cache_read: number;
  cache_write_5m: number;
  cache_write_1h: number;
  output: number;
  billed_usd: number;
}

/** Stored usage and billed cost per vendor, model and day, deduplicated (FINAL). */
export async function storedDays(stores: Pick<Stores, 'telemetry'>, org: string): Promise<StoredDay[]> {
  const usage = await systemTelemetry(stores.telemetry).query<Omit<StoredDay, 'billed_usd'>>(
    `SELECT lower(vendor) AS vendor, model, toString(toDate(bucket_start)) AS day, sum(input_tokens) AS input, sum(cache_read_tokens) AS cache_read,
            sum(cache_write_5m_tokens) AS cache_write_5m, sum(cache_write_1h_tokens) AS cache_write_1h, sum(output_tokens) AS output
       FROM {db:Identifier}.vendor_usage FINAL WHERE organization_id = {org:UUID} GROUP BY vendor, model, day`,
    { org },
  );
  const costs = await systemTelemetry(stores.telemetry).query<{ vendor: string; model: string; day: string; usd: string }>(
    `SELECT lower(vendor) AS vendor, model, toString(day) AS day, toString(sum(amount_usd)) AS usd
       FROM {db:Identifier}.vendor_costs FINAL WHERE organization_id = {org:UUID} GROUP BY vendor, model, day`,
    { org },
  );
  const billed = new Map(costs.map((c) => [`${c.vendor}|${c.model}|${c.day}`, Number(c.usd)]));
  return usage
    .map((u) => ({ ...u, billed_usd: billed.get(`${u.vendor}|${u.model}|${u.day}`) ?? 0 }))
    .sort((a, b) => a.day.localeCompare(b.day) || a.vendor.localeCompare(b.vendor) || a.model.localeCompare(b.model));
}

/** The truth in the stored shape: tokens exact, dollars rounded to the cent once per vendor, model and day. */
export function expectedDays(truth: TruthRow[]): StoredDay[] {
  return truth.map((t) => ({ vendor: t.vendor, model: t.model, day: t.day, ...t.tokens, billed_usd: t.billedUsd }));
}

export const toCents = (rows: StoredDay[]) => rows.map((r) => ({ ...r, billed_usd: Math.round(r.billed_usd * 100) }));
