import type { ContextReindexStatus } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { asSystem, asTenant } from '../../stores/tenant-scope';
import { ITEM_COLUMNS, toContext, type ItemRow } from '../items/rows';
import type { ContextIndex } from './service';
import { writeVectors } from './vectors';

/** Items embedded per round: one embedding call and one insert each. */
const BATCH = 128;

export interface ReindexDeps {
  telemetry: TelemetryDb;
  index: ContextIndex;
  log: Logger;
  now?: () => number;
}

const idle = (): ContextReindexStatus => ({ state: 'IDLE', embeddingModel: null, total: 0, embedded: 0, startedAt: null, finishedAt: null, error: null });

/**
 * Gives every live item a vector of its organisation's current embedding model: the items a
 * shutdown left without one (their embedding was not waited for), and all of them after the
 * organisation changed model (each model has its own table, so the old vectors answer nothing).
 * An item is missing when its table has no live row for it with its content's hash. One run per
 * organisation at a time; each round embeds up to BATCH items and counts them, so a run can be
 * followed, and a run cut short by a shutdown is simply run again: it picks up what is missing.
 */
export class ContextReindex {
  private readonly runs = new Map<string, ContextReindexStatus>();
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly deps: ReindexDeps) {
    this.now = deps.now ?? Date.now;
  }

  status(organizationId: string): ContextReindexStatus {
    return { ...(this.runs.get(organizationId) ?? idle()) };
  }

  /** Starts a run unless one is under way; the status says how it goes. */
  start(organizationId: string): ContextReindexStatus {
    if (this.runs.get(organizationId)?.state === 'RUNNING' || this.closed) return this.status(organizationId);
    const status: ContextReindexStatus = { ...idle(), state: 'RUNNING', startedAt: new Date(this.now()).toISOString() };
    void this.run(organizationId, status).catch((err: Error) => {
      status.finishedAt = new Date(this.now()).toISOString();
      // A round cut off by the shutdown (its stores closed under it) is an interruption, not a failure.
      if (this.closed) return void (status.state = 'INTERRUPTED');
      status.state = 'FAILED';
      status.error = err.message.slice(0, 500);
      this.deps.log.warn({ organization_id: organizationId, err: err.message }, 'context reindex failed; POST /api/v1/context/reindex runs it again');
    });
    this.runs.set(organizationId, status);
    return this.status(organizationId);
  }

  /** At start: a run for every organisation whose items miss vectors (a shutdown left them so). */
  async resumeAll(): Promise<void> {
    const orgs = await asSystem('context reindex: organisations with items', () =>
      this.deps.telemetry.query<{ org: string }>('SELECT DISTINCT toString(organization_id) AS org FROM {db:Identifier}.context_items WHERE deleted = 0'),
    );
    for (const { org } of orgs) if ((await this.missing(org, 1)).length > 0) this.start(org);
  }

  /** Later rounds are not started; the round under way ends with the index's close. */
  close(): void {
    this.closed = true;
  }

  private async run(organizationId: string, status: ContextReindexStatus): Promise<void> {
    const model = await asTenant(organizationId, () => this.deps.index.modelOf(organizationId));
    status.embeddingModel = model.embedder.model;
    status.total = await this.countMissing(organizationId, model.table);
    this.deps.log.info({ organization_id: organizationId, model: model.embedder.model, items: status.total }, 'context reindex started');
    while (!this.closed) {
      const batch = await this.missing(organizationId, BATCH, model.table);
      if (batch.length === 0) break;
      const out = await asTenant(organizationId, () => writeVectors(this.deps.telemetry, model.table, model.embedder, organizationId, batch, new Set()));
      // Nothing written for a whole batch would loop for ever: say so rather than spin.
      if (out.embedded + out.refiltered === 0) throw new Error(`${batch.length} items could not be given vectors of ${model.embedder.model}`);
      status.embedded += out.embedded;
      status.total = Math.max(status.total, status.embedded);
    }
    status.state = this.closed ? 'INTERRUPTED' : 'DONE';
    status.finishedAt = new Date(this.now()).toISOString();
    this.deps.log.info({ organization_id: organizationId, model: model.embedder.model, embedded: status.embedded, state: status.state }, 'context reindex ended');
  }

  private async countMissing(organizationId: string, table: string): Promise<number> {
    const [row] = await asTenant(organizationId, () => this.deps.telemetry.query<{ n: number }>(`SELECT count() AS n FROM {db:Identifier}.context_items FINAL WHERE ${MISSING(table)}`, { org: organizationId }));
    return Number(row?.n ?? 0);
  }

  /** Up to `limit` live items (newest versions) with no live vector of their content in `table` (default: the current model's). */
  private async missing(organizationId: string, limit: number, table?: string) {
    const t = table ?? (await asTenant(organizationId, () => this.deps.index.modelOf(organizationId))).table;
    const rows = await asTenant(organizationId, () =>
      this.deps.telemetry.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM {db:Identifier}.context_items FINAL WHERE ${MISSING(t)} ORDER BY id LIMIT {n:UInt32}`, { org: organizationId, n: limit }),
    );
    return rows.filter((r) => Number(r.deleted) === 0).map(toContext);
  }
}

/** The condition on context_items FINAL of the organisation's live items whose content has no live vector in `table`. */
const MISSING = (table: string) => `
  organization_id = {org:UUID} AND deleted = 0
     AND (id, lower(hex(SHA256(content)))) NOT IN (
       SELECT item_id, toString(text_hash) FROM {db:Identifier}.${table} FINAL WHERE organization_id = {org:UUID} AND deleted = 0)`;
