import type { ExtractRequest, ExtractResult } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { AuditedRequest } from '../../audit/context';
import { ApiError } from '../../errors';
import type { InteractionInput } from '../../interactions/interaction';
import { maskValue } from '../../interactions/mask';
import { USER_ATTRIBUTE } from '../../interactions/rows';
import type { CredentialVault } from '../../security/envelope-crypto';
import type { TelemetryDb } from '../../stores/clickhouse/client';
import { iso, millisText } from '../../stores/clickhouse/time-text';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import { asTenant } from '../../stores/tenant-scope';
import type { ContextDraft } from '../items/draft';
import type { ContextStore } from '../items/store';
import { BackgroundQueue } from '../../interactions/background-queue';
import { ContextSettingsStore } from '../settings';
import { modelTarget } from '../../connections/model-target';
import { EXTRACT_TIMEOUT_MS, ExtractorError, extractByModel, type ExtractorTarget } from './llm';
import { extractByRules, type ExtractedItem } from './rules';
import { turnsOf, userOf, type Turn } from './turns';

export interface ExtractionDeps {
  controlPlane: ControlPlaneDb;
  telemetry: TelemetryDb;
  store: ContextStore;
  /** Opens the extractor connection's key; null without ARM_MASTER_KEY (the rules extractor then). */
  vault: CredentialVault | null;
  log: Logger;
  now?: () => number;
}

/** Pushed interactions are extracted at most this many at once, and at most this many wait: more are skipped (and logged). */
export const CAPTURE_CONCURRENCY = 1;
export const CAPTURE_QUEUE = 64;
const DAY_MS = 86_400_000;
/** Without interaction ids or `from`, extraction reads this far back from `to`. */
export const DEFAULT_WINDOW_DAYS = 30;

/** One interaction as the extractors read it. */
interface Source {
  id: string;
  agentId: string;
  startedAtMs: number;
  turns: Turn[];
  userId: string | null;
}

interface StoredRow {
  id: string;
  agent_id: string;
  started: string;
  content: string;
  attributes: Record<string, string>;
}

/** How an organisation's interactions are extracted now: by its model, or by the rules (with why, when a model is set but cannot be used). */
type Extractor = { kind: 'rules'; why: string | null } | { kind: 'llm'; target: ExtractorTarget };

/**
 * Context capture: from pushed interactions as they arrive (content capture on), and on request
 * over stored ones. Only interactions whose content was kept are read: an organisation with
 * content capture off has none stored, offer() returns at once for it and extract() refuses.
 */
export class ContextExtraction {
  private readonly settings: ContextSettingsStore;
  private readonly background: BackgroundQueue;
  /** Timeout of the LLM extractor's calls; tests shorten it. */
  extractTimeoutMs = EXTRACT_TIMEOUT_MS;

  constructor(readonly deps: ExtractionDeps) {
    this.settings = new ContextSettingsStore(deps.controlPlane);
    this.background = new BackgroundQueue({ name: 'context', skipped: 'pushed interaction(s) not extracted', failed: 'extraction of a pushed interaction failed', concurrency: CAPTURE_CONCURRENCY, capacity: CAPTURE_QUEUE, log: deps.log });
  }

  /** POST /api/v1/context/extract. */
  async extract(request: AuditedRequest, body: ExtractRequest): Promise<ExtractResult> {
    const org = request.organizationId;
    return asTenant(org, async () => {
      if (!(await this.captures(org))) {
        throw new ApiError('CONFLICT', 'content capture is off for this organisation, so no interaction content is kept to extract context from; turn it on with PATCH /api/v1/organizations/:id {"contentCapture": true}');
      }
      if (body.agentId) {
        const [agent] = await this.deps.controlPlane.query<{ id: string }>('SELECT id FROM agents WHERE organization_id = $1 AND id = $2', [org, body.agentId]);
        if (!agent) throw new ApiError('NOT_FOUND', `no agent ${body.agentId}`);
      }
      const nowMs = (this.deps.now ?? Date.now)();
      const toMs = body.to ? Date.parse(body.to) : nowMs;
      const fromMs = body.from ? Date.parse(body.from) : body.interactionIds ? 0 : toMs - DEFAULT_WINDOW_DAYS * DAY_MS;
      if (fromMs >= toMs) throw new ApiError('VALIDATION_ERROR', 'from must be before to', { field: 'body/from' });
      const sources = await this.stored(org, { agentId: body.agentId ?? null, ids: body.interactionIds ?? null, fromMs, toMs, limit: body.limit ?? 200 });
      const extractor = await this.extractorOf(org);
      let byModel = 0;
      const drafts: ContextDraft[] = [];
      for (const s of sources) {
        const found = await this.run(org, s, extractor);
        if (found.by !== 'rules') byModel++;
        drafts.push(...draftsOf(s, found.items, found.by));
      }
      const plan = await this.deps.store.capture(org, drafts, { dryRun: body.dryRun === true });
      const name = extractor.kind === 'llm' && (byModel > 0 || sources.length === 0) ? `llm:${extractor.target.model}` : 'rules';
      return { interactionsRead: sources.length, extractor: name, plan };
    });
  }

  /** The push path offers each newly stored interaction; with capture on its context is extracted in the background. */
  offer(organizationId: string, agentId: string, item: InteractionInput, capture: boolean): void {
    // Capture off: nothing of the content is kept, in the vault either.
    if (!capture || this.background.isClosed || item.content === undefined) return;
    // Cheap test first, on the push path's thread: the extractors read the user's turns and answers only.
    if (item.content.input === undefined && item.content.output === undefined) return;
    this.background.push(organizationId, item.id, async () => {
      // Extracted as stored: the interaction's content is kept masked, and so is what is drawn from it.
      const turns = turnsOf(maskValue({ input: item.content!.input, output: item.content!.output }));
      if (turns.length === 0) return;
      const source: Source = { id: item.id, agentId, startedAtMs: item.startedAtMs, turns, userId: userOf(item.userId !== undefined ? { [USER_ATTRIBUTE]: item.userId } : item.attributes) };
      const found = await this.run(organizationId, source, await this.extractorOf(organizationId));
      const drafts = draftsOf(source, found.items, found.by);
      if (drafts.length > 0) await this.deps.store.capture(organizationId, drafts);
    });
  }

  /** Resolves when no pushed interaction is queued or being extracted. */
  idle(): Promise<void> {
    return this.background.idle();
  }

  /** Waits for the extractions in flight (shutdown). */
  close(): Promise<void> {
    return this.background.close();
  }

  private async extractorOf(organizationId: string): Promise<Extractor> {
    const { extractor } = await this.settings.get(organizationId);
    if (!extractor) return { kind: 'rules', why: null };
    if (!this.deps.vault) return { kind: 'rules', why: "this collector has no ARM_MASTER_KEY, so it cannot open the extractor connection's key" };
    const target = await modelTarget(this.deps.controlPlane, this.deps.vault, organizationId, extractor.connectionId, extractor.model, 'extractor');
    return typeof target === 'string' ? { kind: 'rules', why: target } : { kind: 'llm', target };
  }

  /** The items of one interaction: by the model when there is one and it answers, by the rules otherwise (the reason logged). */
  private async run(organizationId: string, s: Source, extractor: Extractor): Promise<{ items: ExtractedItem[]; by: string }> {
    let why = extractor.kind === 'rules' ? extractor.why : null;
    if (extractor.kind === 'llm') {
      try {
        return { items: await extractByModel(extractor.target, s.turns, this.extractTimeoutMs), by: `llm:${extractor.target.model}` };
      } catch (err) {
        if (!(err instanceof ExtractorError)) throw err;
        why = err.message;
      }
    }
    if (why) this.deps.log.warn({ organization_id: organizationId, interaction_id: s.id, reason: why }, 'context: LLM extractor unavailable, extracted by the rules');
    return { items: extractByRules(s.turns), by: 'rules' };
  }

  /** Stored interactions with content, the newest `limit` of them, oldest first (so a later preference supersedes an earlier one). */
  private async stored(organizationId: string, q: { agentId: string | null; ids: string[] | null; fromMs: number; toMs: number; limit: number }): Promise<Source[]> {
    const rows = await this.deps.telemetry.query<StoredRow>(
      `SELECT id, agent_id, toString(started_at) AS started, content, attributes FROM {db:Identifier}.interactions FINAL
        WHERE organization_id = {org:UUID} AND content != '' AND started_at >= {from:DateTime64(6)} AND started_at < {to:DateTime64(6)}
          ${q.agentId ? 'AND agent_id = {agent:UUID}' : ''} ${q.ids ? 'AND id IN {ids:Array(String)}' : ''}
        ORDER BY started_at DESC, id DESC LIMIT {n:UInt32}`,
      { org: organizationId, from: millisText(q.fromMs), to: millisText(q.toMs), agent: q.agentId ?? '', ids: q.ids ?? [], n: q.limit },
    );
    return rows.reverse().map((r) => ({ id: r.id, agentId: r.agent_id, startedAtMs: Date.parse(iso(r.started)), turns: turnsOf(r.content), userId: userOf(r.attributes) }));
  }

  private async captures(organizationId: string): Promise<boolean> {
    const [row] = await this.deps.controlPlane.query<{ content_capture: boolean }>('SELECT content_capture FROM organizations WHERE id = $1', [organizationId]);
    return row?.content_capture === true;
  }
}

/** Drafts of the items found in one interaction, dated when it started, for its end user (if the push path kept one). */
function draftsOf(s: Source, items: readonly ExtractedItem[], by: string): ContextDraft[] {
  return items.map((i) => ({
    agentId: s.agentId,
    type: i.type,
    content: i.content,
    key: i.key,
    confidence: i.confidence,
    userId: s.userId,
    validFromMs: Math.floor(s.startedAtMs),
    tags: i.tags,
    source: { type: 'INTERACTION', interactionId: s.id, extractor: by, importedFrom: null },
  }));
}
