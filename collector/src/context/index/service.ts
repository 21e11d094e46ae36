import { embeddingVendor } from '../../connectors/models';
import type { Context, ContextSearchQuery, ContextSearchResult, EvaluatorModel } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import { ConnectionStore } from '../../connections/store';
import { supportedVendor } from '../../connections/vendors';
import type { Embedder } from '../../embeddings/embedder';
import { miniLm } from '../../embeddings/minilm';
import { openAiEmbedder } from '../../embeddings/openai';
import { ApiError } from '../../errors';
import type { CredentialVault } from '../../security/envelope-crypto';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { asTenant } from '../../stores/tenant-scope';
import type { ContextIndexer } from '../items/draft';
import { hybridSearch } from './search';
import { vectorTable } from './tables';
import { writeVectors } from './vectors';

export interface ContextIndexDeps {
  controlPlane: ControlPlaneDb;
  telemetry: TelemetryDb;
  /** Opens an OpenAI embeddings connection's key; null without ARM_MASTER_KEY (MiniLM then). */
  vault: CredentialVault | null;
  log: Logger;
  /** The offline embedder (all-MiniLM-L6-v2 by default; tests may give another real one). */
  embedder?: Embedder;
}

/** An organisation's embedding model and the table its vectors live in. */
export interface Model {
  embedder: Embedder;
  table: string;
  /** Why the organisation's OpenAI model is not used (MiniLM is), if it is not. */
  fallback?: string;
}

/** How long an organisation's embedding model is remembered before context_settings is read again. */
const MODEL_TTL_MS = 30_000;

/** Vectors of context items (one ClickHouse table and vector_similarity index per model and dimension) and hybrid search over them. */
export class ContextIndex implements ContextIndexer {
  private readonly offline: Embedder;
  private readonly connections: ConnectionStore;
  private readonly models = new Map<string, { at: number; model: Promise<Model> }>();
  /** Tests and the benchmark read the clock through this. */
  now: () => number = Date.now;
  /** Settles when the index closes: a shutdown does not wait for an embedding (the model may still be loading). */
  private readonly closing: Promise<'closed'>;
  private close_: () => void = () => undefined;
  private closed = false;

  constructor(readonly deps: ContextIndexDeps) {
    this.offline = deps.embedder ?? miniLm;
    this.connections = new ConnectionStore(deps.controlPlane);
    this.closing = new Promise((resolve) => (this.close_ = () => resolve('closed')));
  }

  /** Items created or changed: embedded when their content is new, their filters written again otherwise; deleted ones taken out. */
  async changed(organizationId: string, items: readonly Context[]): Promise<void> {
    if (items.length === 0 || this.closed) return;
    await asTenant(organizationId, async () => {
      const { telemetry } = this.deps;
      const state = await telemetry.query<{ id: string; deleted: number }>(
        'SELECT id, deleted FROM {db:Identifier}.context_items FINAL WHERE organization_id = {org:UUID} AND id IN {ids:Array(UUID)}',
        { org: organizationId, ids: [...new Set(items.map((i) => i.id))] },
      );
      const deleted = new Set(state.filter((s) => Number(s.deleted) === 1).map((s) => s.id));
      const model = await this.modelOf(organizationId);
      try {
        const out = await Promise.race([writeVectors(telemetry, model.table, model.embedder, organizationId, items, deleted), this.closing]);
        if (out === 'closed') {
          // Left without vectors (found by their words) until the next start's reindex run (reindex.ts) embeds them.
          this.deps.log.info({ organization_id: organizationId, items: items.length }, 'context: shutting down, items left without vectors');
          return;
        }
        this.deps.log.debug({ organization_id: organizationId, model: model.embedder.model, ...out }, 'context vectors written');
      } catch (err) {
        // The items stay searchable by their words; their next change, or a reindex run (reindex.ts), embeds them.
        this.deps.log.warn({ organization_id: organizationId, model: model.embedder.model, err: (err as Error).message }, 'context: embedding failed, items left without vectors');
        if (model.embedder === this.offline) throw err;
      }
    });
  }

  /** GET /api/v1/context/search. */
  async search(organizationId: string, query: ContextSearchQuery): Promise<ContextSearchResult> {
    const started = performance.now();
    const atMs = query.validAt ? Date.parse(query.validAt) : this.now();
    if (!Number.isFinite(atMs)) throw new ApiError('VALIDATION_ERROR', 'validAt is not a date-time', { field: 'querystring/validAt' });
    return asTenant(organizationId, async () => {
      const model = await this.modelOf(organizationId);
      const embedStart = performance.now();
      let vector: Float32Array | null = null;
      let note: string | undefined;
      try {
        [vector] = (await model.embedder.embed([query.q])) as [Float32Array];
      } catch (err) {
        if (model.embedder === this.offline) throw err;
        note = `by words only: the embedding model failed (${(err as Error).message.slice(0, 120)})`;
        this.deps.log.warn({ organization_id: organizationId, model: model.embedder.model, err: (err as Error).message }, 'context search: query embedding failed, keyword match only');
      }
      const queryEmbeddingMs = performance.now() - embedStart;
      const hits = await hybridSearch({
        db: this.deps.telemetry,
        // ClickHouse writes a UUID lower-case, and the newest versions are checked against it as text.
        scope: { organizationId, agentId: query.agentId?.toLowerCase(), type: query.type, userId: query.userId, atMs, limit: query.limit ?? 10 },
        q: query.q,
        semantic: vector ? { table: model.table, vector } : null,
        note,
      });
      const round = (ms: number) => Math.round(ms * 100) / 100;
      return { hits, embeddingModel: model.embedder.model, queryEmbeddingMs: round(queryEmbeddingMs), searchMs: round(performance.now() - started - queryEmbeddingMs) };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.close_();
    this.models.clear();
  }

  /** The organisation's embedding model: its OpenAI model when configured and reachable, MiniLM otherwise. */
  modelOf(organizationId: string): Promise<Model> {
    const cached = this.models.get(organizationId);
    if (cached && this.now() - cached.at < MODEL_TTL_MS) return cached.model;
    const model = this.resolve(organizationId).catch((err: unknown) => {
      this.models.delete(organizationId);
      throw err;
    });
    this.models.set(organizationId, { at: this.now(), model });
    return model;
  }

  /** Forgets the organisation's model (its settings changed). */
  forget(organizationId: string): void {
    this.models.delete(organizationId);
  }

  private async resolve(organizationId: string): Promise<Model> {
    const offline: Model = { embedder: this.offline, table: vectorTable(this.offline.model, this.offline.dimensions) };
    const [row] = await this.deps.controlPlane.query<{ embeddings: EvaluatorModel | null }>('SELECT embeddings FROM context_settings WHERE organization_id = $1', [organizationId]);
    const chosen = row?.embeddings ?? null;
    if (!chosen) return offline;
    const fallback = (why: string): Model => {
      this.deps.log.warn({ organization_id: organizationId, model: chosen.model, reason: why }, 'context: the organisation\'s embedding model cannot be used; all-MiniLM-L6-v2 instead');
      return { ...offline, fallback: why };
    };
    if (!this.deps.vault) return fallback('this collector has no ARM_MASTER_KEY to open the connection\'s key');
    const c = await this.connections.get(organizationId, chosen.connectionId);
    if (!c || !embeddingVendor(c.vendor)) return fallback(c ? `the embeddings connection is ${c.vendor}, not OpenAI` : `the embeddings connection ${chosen.connectionId} is gone`);
    const apiKey = await this.connections.secret(this.deps.vault, organizationId, chosen.connectionId);
    if (!apiKey) return fallback('the embeddings connection has no stored key');
    try {
      const embedder = openAiEmbedder({ baseUrl: c.baseUrl ?? supportedVendor('OPENAI')!.defaultBaseUrl, apiKey, model: chosen.model });
      return { embedder, table: vectorTable(embedder.model, embedder.dimensions) };
    } catch (err) {
      return fallback((err as Error).message);
    }
  }
}
