import type { Logger } from 'pino';
import type { PriceBook } from '../costs/price-book';
import { ApiError } from '../errors';
import type { Instruments } from '../metrics/instruments.generated';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { asTenant } from '../stores/tenant-scope';
import type { PolicyDefinition } from '../governance/engine/compile';
import type { Evaluation } from '../governance/engine/evaluate';
import type { PolicySubject } from '../governance/engine/subject';
import { Governor, type Verdict } from '../governance/governor';
import { violationRow } from '../governance/violations/rows';
import { AgentResolver } from './attribution';
import { InteractionJudge } from './govern';
import type { IngestOutcome, InteractionInput, InteractionSink } from './interaction';
import { OrgContexts, priceInteraction, type InteractionPrice } from './org-context';
import { RecentIds } from './recent-ids';
import { recordInteraction } from './record-metrics';
import { millisText } from '../stores/clickhouse/time-text';
import { toRow, type InteractionRowStore } from './rows';
import { versionShape, VersionRegistry } from './versions';

interface Accepted {
  item: InteractionInput;
  agentId: string;
  price: InteractionPrice;
  verdict?: Verdict;
}

export interface PipelineDeps {
  controlPlane: ControlPlaneDb;
  rows: InteractionRowStore;
  priceBook: (organizationId: string) => Promise<PriceBook>;
  metrics: Instruments;
  log: Logger;
  /** The organisation's enabled governance policies (PolicyStore); none when not given. */
  policies?: (organizationId: string) => Promise<PolicyDefinition[]>;
  /** Where violations go, durably like the rows (their own spool); required with policies. */
  violations?: InteractionRowStore;
  /** Called (not awaited) when an agent was registered: the inventory's gauge counts it. */
  agentsChanged?: (organizationId: string) => Promise<void> | void;
  now?: () => number;
}

const DAY_MS = 86_400_000;
/** The earliest start accepted: older than this is a clock or unit error (seconds sent as milliseconds). */
const EARLIEST_MS = Date.UTC(2020, 0, 1);
const MAX_ID = 256;

/** Why an item cannot be taken, or null. The ingest API's schema checks types; OTLP maps arrive unchecked. */
export function rejectionOf(item: InteractionInput, nowMs: number): string | null {
  if (typeof item.id !== 'string' || item.id.length === 0 || item.id.length > MAX_ID) return `id must be 1 to ${MAX_ID} characters`;
  if (AgentResolver.vendorAgentIdOf(item.agent ?? {}) === null) return 'no agent: give an agent id, an agent name or a service name';
  if (!item.provider) return 'no provider (gen_ai.provider.name)';
  if (!item.requestModel || item.requestModel.length > 255) return 'model (gen_ai.request.model) must be 1 to 255 characters';
  if (item.provider.length > 128) return 'provider (gen_ai.provider.name) must be at most 128 characters';
  if (!Number.isFinite(item.startedAtMs) || item.startedAtMs < EARLIEST_MS) return 'start time is missing or before 2020';
  if (item.startedAtMs > nowMs + DAY_MS) return 'start time is more than a day in the future';
  if (!Number.isFinite(item.durationMs) || item.durationMs < 0 || item.durationMs > DAY_MS) return 'latency must be 0 to 86400000 ms';
  if (item.timeToFirstTokenMs !== undefined && (!Number.isFinite(item.timeToFirstTokenMs) || item.timeToFirstTokenMs < 0)) return 'time to first token must be 0 or more ms';
  const tokens = item.tokens as unknown as Record<string, unknown> | undefined;
  if (!tokens) return 'no token counts';
  // for...in rather than Object.entries: no array per item; own keys in the same order.
  for (const k in tokens) {
    if (!Object.hasOwn(tokens, k)) continue;
    const n = tokens[k];
    if (!Number.isSafeInteger(n) || (n as number) < 0) return `tokens.${k} must be a whole number, 0 or more`;
  }
  if (item.status !== 'ok' && item.status !== 'error') return 'status must be ok or error';
  return null;
}

/**
 * The push path's one pipeline, whoever sent the interactions (OTLP, the ingest API): checks
 * each, ties it to its agent (registering new ones), finds its version, prices it with the
 * organisation's price book, masks content when the organisation captures it, stores the rows
 * durably, and only then counts them in the metrics, once per id.
 */
export class InteractionPipeline implements InteractionSink {
  readonly agents: AgentResolver;
  readonly versions: VersionRegistry;
  readonly orgs: OrgContexts;
  readonly governor: Governor;
  private readonly judge: InteractionJudge;
  /**
   * Called with each organisation's interactions once they are durable and counted, first
   * deliveries only: the quality step (grounding checks on a sample). Must not throw or block.
   */
  assess: ((organizationId: string, items: readonly { item: InteractionInput; agentId: string }[], capture: boolean) => void) | null = null;
  private readonly recent = new RecentIds();
  private readonly now: () => number;

  constructor(private readonly deps: PipelineDeps) {
    this.now = deps.now ?? Date.now;
    const changed = deps.agentsChanged;
    this.agents = new AgentResolver(deps.controlPlane, (org) => {
      if (changed) void Promise.resolve(changed(org)).catch((err: Error) => deps.log.warn({ err: err.message }, 'agent count not refreshed after registering an agent'));
    });
    this.versions = new VersionRegistry(deps.controlPlane, (err) => deps.log.warn({ err: err.message }, 'agent versions: last-seen times not written; tried again at the next flush'));
    this.orgs = new OrgContexts(deps.controlPlane, deps.priceBook);
    const load = deps.policies;
    if (load && !deps.violations) throw new Error('a pipeline with policies needs somewhere to store violations');
    this.governor = new Governor({ load: load ?? (async () => []), metrics: deps.metrics, log: deps.log });
    this.judge = new InteractionJudge(this.governor, deps.controlPlane);
  }

  accept(organizationId: string, items: readonly InteractionInput[]): Promise<IngestOutcome> {
    return asTenant(organizationId, () => this.take(organizationId, items));
  }

  async close(): Promise<void> {
    await this.versions.close();
    await this.deps.rows.close();
    await this.deps.violations?.close();
  }

  private async take(org: string, items: readonly InteractionInput[]): Promise<IngestOutcome> {
    const nowMs = this.now();
    const { accepted, rejected, capture, durable } = await this.prepare(org, items, nowMs);
    await durable;
    // Durable now: counted once per id, so a client's retry of the same batch is not counted again.
    const ids = this.recent.of(org);
    const fresh: { item: InteractionInput; agentId: string }[] = [];
    for (const a of accepted) {
      if (!this.recent.firstTimeIn(ids, a.item.id, nowMs)) continue;
      recordInteraction(this.deps.metrics, org, a.agentId, a.item, a.price);
      if (a.verdict) this.governor.count(a.verdict.violations);
      if (this.assess) fresh.push(a);
    }
    if (this.assess && fresh.length > 0) this.assess(org, fresh, capture);
    return { accepted: accepted.length, rejected };
  }

  /**
   * Checks, attributes, prices and judges the items, and hands their rows to the stores. Its own
   * frame, so that nothing take() keeps through the spool's fsync (a suspended async function
   * keeps every local) holds the rows or, for an organisation that keeps no content, the
   * messages: each young-generation collection meanwhile would copy them again.
   */
  private async prepare(org: string, items: readonly InteractionInput[], nowMs: number): Promise<{ accepted: Accepted[]; rejected: IngestOutcome['rejected']; capture: boolean; durable: Promise<unknown> }> {
    const ctx = await this.orgs.get(org);
    const governed = this.governor.cached(org) ?? (await this.governor.load(org));
    const rejected: IngestOutcome['rejected'] = [];
    const rows: Record<string, unknown>[] = [];
    const violationRows: Record<string, unknown>[] = [];
    const accepted: Accepted[] = [];
    const ingestedAt = millisText(nowMs);
    // An id twice in one batch is one interaction: the first copy is kept. Both stored, the store
    // kept the last while the metrics counted the first.
    const inBatch = new Set<string>();
    for (let index = 0; index < items.length; index++) {
      const item = items[index]!;
      let reason = rejectionOf(item, nowMs);
      if (!reason && inBatch.has(item.id)) reason = `id ${item.id} appears earlier in this batch; the first is kept`;
      if (reason) {
        rejected.push({ index, id: typeof item.id === 'string' ? item.id.slice(0, MAX_ID) : '', reason });
        continue;
      }
      inBatch.add(item.id);
      // Known agents and versions are answered from memory without awaiting: the common case, per span.
      let agentId = this.agents.cached(org, item.agent) ?? (await this.agents.resolve(org, item.agent, item.source))!;
      // The row keeps the version's fingerprint (reads show its number); a new one is registered first.
      let fingerprint = this.versions.sight(org, agentId, item.requestModel, item.systemInstructions, item.toolNames, item.startedAtMs)?.fingerprint;
      if (fingerprint === undefined) {
        const shape = versionShape(item.requestModel, item.systemInstructions, item.toolNames);
        ({ agentId } = await this.versionOf(org, agentId, item, shape));
        fingerprint = shape.fingerprint;
      }
      const price = priceInteraction(ctx.book, item);
      const row = toRow(item, { organizationId: org, agentId, fingerprint, cost: price.cost, costMicros: price.costMicros, capture: ctx.contentCapture, ingestedAt });
      rows.push(row);
      let verdict: Verdict | undefined;
      if (governed.length > 0) {
        verdict = await this.judge.judge(org, governed, item, agentId, price.cost, ctx.contentCapture);
        if (verdict.action !== '') row.policy_action = verdict.action;
        for (const v of verdict.violations) violationRows.push(violationRow(v, nowMs));
      }
      // Read for the last time: without capture nothing after the row needs the messages (the pipeline takes its items over).
      if (!ctx.contentCapture) item.content = undefined;
      accepted.push(verdict ? { item, agentId, price, verdict } : { item, agentId, price });
    }
    // Both durable before the answer: a retry after a failure of either writes both again, under the same ids.
    const durable = Promise.all([rows.length > 0 ? this.deps.rows.append(rows) : undefined, violationRows.length > 0 ? this.deps.violations!.append(violationRows) : undefined]);
    return { accepted, rejected, capture: ctx.contentCapture, durable };
  }

  /**
   * POST /api/v1/governance/evaluate with record: the violations of an evaluation, stored
   * durably and counted like those of pushed interactions (there is no interaction to mark).
   */
  recordViolations(organizationId: string, agentId: string | null, evaluation: Evaluation, subject: PolicySubject): Promise<string[]> {
    return asTenant(organizationId, async () => {
      if (!this.deps.violations) throw new Error('this pipeline stores no violations');
      const ctx = await this.orgs.get(organizationId);
      const nowMs = this.now();
      const facts = this.governor.violationsOf(organizationId, evaluation, subject, { agentId, interactionId: null, source: 'evaluate', occurredAtMs: nowMs, capture: ctx.contentCapture });
      const rows = facts.map((v) => violationRow(v, nowMs));
      if (rows.length > 0) await this.deps.violations.append(rows);
      this.governor.count(facts);
      return rows.map((r) => r.id);
    });
  }

  /** An agent was removed: the next request that names it registers it again, with a fresh version history. */
  forgetAgent(agentId: string): void {
    this.agents.forget(agentId);
    this.versions.forget(agentId);
    this.judge.forget(agentId);
  }

  /** The version, registering the agent again when it was removed since it was cached. */
  private async versionOf(org: string, agentId: string, item: InteractionInput, shape: ReturnType<typeof versionShape>): Promise<{ agentId: string; number: number }> {
    try {
      return { agentId, number: await this.versions.versionOf(org, agentId, shape, item.startedAtMs) };
    } catch (err) {
      if ((err as { code?: string }).code !== '23503') throw err;
      this.forgetAgent(agentId);
      const again = (await this.agents.resolve(org, item.agent, item.source))!;
      return { agentId: again, number: await this.versions.versionOf(org, again, shape, item.startedAtMs) };
    }
  }
}

/** The spool's "full" as the API says it: 503, and when to try again. */
export function unavailable(retryAfterSeconds: number): ApiError {
  return new ApiError('UNAVAILABLE', `interactions cannot be taken now: the spool is full while ClickHouse refuses writes; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
}
