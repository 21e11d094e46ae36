import type { CapturePlan, Context, ContextInput, ContextListQuery, ContextPatch } from '@ai-arm/schemas';
import { recordAudit } from '../../audit/audited';
import type { AuditedRequest } from '../../audit/context';
import { ApiError } from '../../errors';
import { decodeCursor, encodeCursor } from '../../interactions/reads';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { millisText } from '../../stores/clickhouse/time-text';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { asTenant, UUID_PATTERN } from '../../stores/tenant-scope';
import type { ContextDraft, ContextIndexer } from './draft';
import { draftProblem, planCapture } from './plan';
import { contentHash, ITEM_COLUMNS, nextVersion, SUPERSEDABLE, toContext, toRow, type ItemRow } from './rows';

export interface ContextStoreDeps {
  controlPlane: ControlPlaneDb;
  telemetry: TelemetryDb;
  /** The vector index; items are stored without vectors (keyword search only) when absent. */
  indexer?: ContextIndexer | null;
  now?: () => number;
}

const MANUAL = { type: 'MANUAL' as const, interactionId: null, extractor: null, importedFrom: null };

/**
 * The context vault's items (ClickHouse context_items): manual add, edit and delete (audited),
 * and capture, where drafts from the extractors, an import or a transfer are merged with what
 * the agent already holds (the same content: one item, its count and confidence raised) and a
 * newer PREFERENCE or INSTRUCTION supersedes an older one with the same key and user.
 *
 * Every write inserts a new version of the item (never an ALTER): ReplacingMergeTree keeps the
 * highest version and reads use FINAL with `deleted = 0`. The audit record is in Postgres and
 * the item in ClickHouse, which share no transaction: the item is written first and its audit
 * record after it, so a change is never recorded that did not happen (a failure between the two
 * leaves an unrecorded change, and the request answers 500).
 */
export class ContextStore {
  private readonly now: () => number;

  constructor(readonly deps: ContextStoreDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** A person adds an item (source MANUAL); saying what an item already says merges into it. */
  async create(request: AuditedRequest, input: ContextInput): Promise<Context> {
    const org = request.organizationId;
    return asTenant(org, async () => {
      await this.requireAgent(org, input.agentId);
      const draft: ContextDraft = {
        agentId: input.agentId,
        type: input.type,
        content: input.content,
        key: input.key ?? null,
        confidence: input.confidence ?? 1,
        userId: input.userId ?? null,
        ...(input.validFrom ? { validFromMs: Date.parse(input.validFrom) } : {}),
        validUntilMs: input.validUntil ? Date.parse(input.validUntil) : null,
        tags: input.tags ?? [],
        metadata: input.metadata ?? {},
        source: MANUAL,
      };
      const problem = draftProblem(draft);
      if (problem) throw new ApiError('VALIDATION_ERROR', problem, { field: fieldOf(problem) });
      const existing = await this.related(org, [draft]);
      const planned = planCapture(existing, [draft], this.now());
      await this.write(org, planned.writes);
      const item = planned.landed[0]!;
      const outcome = planned.plan.created.length > 0 ? 'created' : 'merged';
      await recordAudit(this.deps.controlPlane, request, {
        action: 'context.create',
        resourceType: 'context',
        resourceId: item.id,
        after: item,
        metadata: { outcome, superseded: planned.plan.superseded.map((s) => s.id) },
      });
      return item;
    });
  }

  /** An edit: the item written again as patched (content, key, validity, ...). Edits neither merge nor supersede. */
  async update(request: AuditedRequest, id: string, patch: ContextPatch): Promise<Context> {
    const org = request.organizationId;
    return asTenant(org, async () => {
      const before = await this.get(org, id);
      if (!before) throw new ApiError('NOT_FOUND', `no context item ${id}`);
      const after: Context = {
        ...before,
        ...(patch.type !== undefined ? { type: patch.type } : {}),
        ...(patch.content !== undefined ? { content: patch.content.trim() } : {}),
        ...(patch.key !== undefined ? { key: patch.key === null ? null : patch.key.trim().toLowerCase() } : {}),
        ...(patch.confidence !== undefined ? { confidence: patch.confidence } : {}),
        ...(patch.userId !== undefined ? { userId: patch.userId } : {}),
        ...(patch.validFrom !== undefined ? { validFrom: new Date(patch.validFrom).toISOString() } : {}),
        ...(patch.validUntil !== undefined ? { validUntil: patch.validUntil === null ? null : new Date(patch.validUntil).toISOString() } : {}),
        ...(patch.tags !== undefined ? { tags: [...new Set(patch.tags)] } : {}),
        ...(patch.metadata !== undefined ? { metadata: patch.metadata } : {}),
        updatedAt: new Date(this.now()).toISOString(),
      };
      const problem = draftProblem({ ...after, validFromMs: Date.parse(after.validFrom), validUntilMs: after.validUntil === null ? null : Date.parse(after.validUntil) });
      if (problem) throw new ApiError('VALIDATION_ERROR', problem, { field: fieldOf(problem) });
      await this.write(org, [after]);
      await recordAudit(this.deps.controlPlane, request, { action: 'context.update', resourceType: 'context', resourceId: id, before, after });
      return after;
    });
  }

  /** A delete: the item written again marked deleted (it leaves every read). Answers the item as it was. */
  async remove(request: AuditedRequest, id: string): Promise<Context> {
    const org = request.organizationId;
    return asTenant(org, async () => {
      const before = await this.get(org, id);
      if (!before) throw new ApiError('NOT_FOUND', `no context item ${id}`);
      await this.write(org, [before], true);
      await recordAudit(this.deps.controlPlane, request, { action: 'context.delete', resourceType: 'context', resourceId: id, before });
      return before;
    });
  }

  async get(organizationId: string, id: string): Promise<Context | null> {
    if (!UUID_PATTERN.test(id)) return null;
    const rows = await asTenant(organizationId, () =>
      this.deps.telemetry.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM {db:Identifier}.context_items FINAL WHERE organization_id = {org:UUID} AND id = {id:UUID} AND deleted = 0 LIMIT 1`, { org: organizationId, id }),
    );
    return rows[0] ? toContext(rows[0]) : null;
  }

  /** An organisation's items, newest first, a page at a time; superseded and deleted ones left out unless asked. */
  async list(organizationId: string, query: ContextListQuery): Promise<{ items: Context[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeCursor(query.cursor, 'uuid') : null;
    if (query.cursor && (!after || !UUID_PATTERN.test(after[1]))) throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API gave out', { field: 'querystring/cursor' });
    const validAt = query.validAt === undefined ? null : Date.parse(query.validAt);
    if (validAt !== null && !Number.isFinite(validAt)) throw new ApiError('VALIDATION_ERROR', 'validAt is not a date-time', { field: 'querystring/validAt' });
    const where = ['organization_id = {org:UUID}', 'deleted = 0'];
    if (query.agentId) where.push('agent_id = {agent:UUID}');
    if (query.type) where.push('type = {type:String}');
    if (query.userId) where.push('user_id = {user:String}');
    if (query.tag) where.push('has(tags, {tag:String})');
    if (validAt !== null) where.push('valid_from <= {at:DateTime64(3)} AND (valid_until IS NULL OR valid_until > {at:DateTime64(3)})');
    if (!query.includeSuperseded) where.push("superseded_by = ''");
    if (after) where.push('(created_at, id) < ({afterAt:DateTime64(3)}, {afterId:UUID})');
    const rows = await asTenant(organizationId, () =>
      this.deps.telemetry.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM {db:Identifier}.context_items FINAL WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT {n:UInt32}`, {
        org: organizationId,
        agent: query.agentId ?? '',
        type: query.type ?? '',
        user: query.userId ?? '',
        tag: query.tag ?? '',
        at: validAt === null ? '1970-01-01 00:00:00' : millisText(validAt),
        afterAt: after?.[0] ?? '1970-01-01 00:00:00',
        afterId: after?.[1] ?? '00000000-0000-0000-0000-000000000000',
        n: limit + 1,
      }),
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toContext), nextCursor: rows.length > limit && last ? encodeCursor(last.created_text, last.id) : null };
  }

  /** Every live item of one agent (export, transfer, preferences), oldest first. */
  async allOf(organizationId: string, agentId: string, o: { includeSuperseded?: boolean } = {}): Promise<Context[]> {
    if (!UUID_PATTERN.test(agentId)) return [];
    const rows = await asTenant(organizationId, () =>
      this.deps.telemetry.query<ItemRow>(
        `SELECT ${ITEM_COLUMNS} FROM {db:Identifier}.context_items FINAL
          WHERE organization_id = {org:UUID} AND agent_id = {agent:UUID} AND deleted = 0 ${o.includeSuperseded ? '' : "AND superseded_by = ''"}
          ORDER BY created_at, id`,
        { org: organizationId, agent: agentId },
      ),
    );
    return rows.map(toContext);
  }

  /** Drafts merged into what the agents hold; a dry run plans without writing. Invalid drafts are reported by index, the rest captured. */
  async capture(organizationId: string, drafts: readonly ContextDraft[], o: { dryRun?: boolean } = {}): Promise<CapturePlan> {
    return asTenant(organizationId, async () => {
      const invalid: CapturePlan['invalid'] = [];
      const candidates: { index: number; draft: ContextDraft }[] = [];
      drafts.forEach((draft, index) => {
        const problem = typeof draft.agentId === 'string' && UUID_PATTERN.test(draft.agentId) ? draftProblem(draft) : 'agentId is not an agent id';
        if (problem) invalid.push({ index, reason: problem });
        else candidates.push({ index, draft });
      });
      const agents = await this.agentsOf(organizationId, [...new Set(candidates.map((c) => c.draft.agentId.toLowerCase()))]);
      const valid: ContextDraft[] = [];
      for (const c of candidates) {
        if (agents.has(c.draft.agentId.toLowerCase())) valid.push(c.draft);
        else invalid.push({ index: c.index, reason: `no agent ${c.draft.agentId} in this organisation` });
      }
      invalid.sort((a, b) => a.index - b.index);
      if (valid.length === 0) return { dryRun: o.dryRun === true, created: [], merged: [], superseded: [], unchanged: 0, invalid };
      const planned = planCapture(await this.related(organizationId, valid), valid, this.now());
      if (!o.dryRun) await this.write(organizationId, planned.writes);
      return { dryRun: o.dryRun === true, ...planned.plan, invalid };
    });
  }

  /** Items that drafts may merge into or supersede: the same hash, or a preference or instruction with the same key. */
  private async related(organizationId: string, drafts: readonly ContextDraft[]): Promise<Context[]> {
    const agents = [...new Set(drafts.map((d) => d.agentId.toLowerCase()))];
    const hashes = [...new Set(drafts.map((d) => contentHash({ ...d, content: d.content.trim(), key: d.key ? d.key.trim().toLowerCase() : null })))];
    const keys = [...new Set(drafts.filter((d) => SUPERSEDABLE.has(d.type) && d.key).map((d) => d.key!.trim().toLowerCase()))];
    const rows = await this.deps.telemetry.query<ItemRow>(
      `SELECT ${ITEM_COLUMNS} FROM {db:Identifier}.context_items FINAL
        WHERE organization_id = {org:UUID} AND agent_id IN {agents:Array(UUID)} AND deleted = 0
          AND (content_hash IN {hashes:Array(String)} OR (key IN {keys:Array(String)} AND type IN ('PREFERENCE', 'INSTRUCTION')))
        ORDER BY created_at, id`,
      { org: organizationId, agents, hashes, keys },
    );
    return rows.map(toContext);
  }

  private async agentsOf(organizationId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.deps.controlPlane.query<{ id: string }>('SELECT id FROM agents WHERE organization_id = $1 AND id = ANY($2::uuid[])', [organizationId, ids]);
    return new Set(rows.map((r) => r.id.toLowerCase()));
  }

  private async requireAgent(organizationId: string, agentId: string): Promise<void> {
    if (!(await this.agentsOf(organizationId, [agentId.toLowerCase()])).size) throw new ApiError('VALIDATION_ERROR', `no agent ${agentId} in this organisation`, { field: 'body/agentId' });
  }

  /** New versions of the items (deleted ones marked), then the index told. */
  private async write(organizationId: string, items: readonly Context[], deleted = false): Promise<void> {
    if (items.length === 0) return;
    await this.deps.telemetry.insert(
      'context_items',
      items.map((c) => toRow(organizationId, c, nextVersion(), deleted)),
    );
    await this.deps.indexer?.changed(organizationId, items);
  }
}

/** The request field a draft problem is about (its first word), for the envelope's details. */
function fieldOf(problem: string): string {
  return `body/${/^(\w+)/.exec(problem)?.[1] ?? 'content'}`;
}
