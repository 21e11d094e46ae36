import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/env';
import type { PriceBook } from '../costs/price-book';
import type { Instruments } from '../metrics/instruments.generated';
import type { Stores } from '../stores';
import type { TelemetryDb } from '../stores/clickhouse/client';
import { openSpool, SpoolFullError } from '../stores/clickhouse/spool';
import { asSystem } from '../stores/tenant-scope';
import { PolicyStore } from '../governance/policies/store';
import { InteractionPipeline, unavailable } from './pipeline';
import type { InteractionRowStore } from './rows';

export interface OpenPipelineOptions {
  config: Config;
  stores: Stores;
  metrics: Instruments;
  log: Logger;
  priceBook: (organizationId: string) => Promise<PriceBook>;
  agentsChanged?: (organizationId: string) => Promise<void> | void;
}

/** The pipeline the receivers share, with the interactions TTL applied. Close it before the stores. */
export async function openPipeline(o: OpenPipelineOptions): Promise<InteractionPipeline> {
  await applyTtl(o.stores.telemetry, o.config.ingest.ttlDays, o.log);
  const rows = await spooledRows(o, 'interactions');
  const violations = await spooledRows(o, 'policy_violations');
  const policies = new PolicyStore(o.stores.controlPlane);
  return new InteractionPipeline({
    controlPlane: o.stores.controlPlane,
    rows,
    violations,
    policies: (org) => policies.enabledPolicies(org),
    priceBook: o.priceBook,
    metrics: o.metrics,
    log: o.log,
    ...(o.agentsChanged ? { agentsChanged: o.agentsChanged } : {}),
  });
}

/**
 * Rows (interactions, and the violations found in them) through the disk spool in front of the batch writer: accepted means on disk, whatever
 * ClickHouse does next. One spool per ClickHouse database under ARM_DATA_DIR/spool, so two
 * collectors (or test apps) on one data directory and different databases never replay each
 * other's rows.
 */
async function spooledRows(o: OpenPipelineOptions, table: 'interactions' | 'policy_violations'): Promise<InteractionRowStore> {
  const spool = await openSpool({ dir: join(o.config.dataDir, 'spool', o.config.clickhouseDatabase), table, maxBytes: o.config.ingest.spoolMaxBytes, writer: o.stores.writer, log: o.log.child({ component: 'spool' }), metrics: o.metrics });
  return {
    append: (rows) =>
      spool.append(rows as Record<string, unknown>[]).catch((err: unknown) => {
        throw err instanceof SpoolFullError ? unavailable(err.retryAfterSeconds) : err;
      }),
    close: () => spool.close(),
  };
}

/** The tables ARM_INTERACTIONS_TTL_DAYS applies to, by the time column it counts from: violations, feedback, drift events and grounding checks go with their interactions. */
const TTL_TABLES = [
  ['interactions', 'started_at'],
  ['policy_violations', 'occurred_at'],
  ['quality_feedback', 'created_at'],
  ['drift_events', 'detected_at'],
  ['grounding_checks', 'checked_at'],
] as const;

/** ARM_INTERACTIONS_TTL_DAYS on each table, altered only when it says something else (an ALTER rewrites metadata on every replica). */
export async function applyTtl(telemetry: TelemetryDb, days: number, log: Logger): Promise<void> {
  if (!Number.isInteger(days) || days < 1) throw new Error(`bad interactions TTL ${days}`);
  for (const [table, column] of TTL_TABLES) {
    const [t] = await telemetry.query<{ engine_full: string }>('SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = {table:String}', { table });
    if (!t) throw new Error(`the ${table} table is missing: were the ClickHouse migrations applied?`);
    if (new RegExp(`TTL toDateTime\\(${column}\\) \\+ toIntervalDay\\(${days}\\)`).test(t.engine_full)) continue;
    await asSystem(`${table} TTL from the configuration`, () => telemetry.command(`ALTER TABLE {db:Identifier}.${table} MODIFY TTL toDateTime(${column}) + INTERVAL ${days} DAY`));
    log.info({ days, table }, `${table} are kept ${days} days (ARM_INTERACTIONS_TTL_DAYS)`);
  }
}
