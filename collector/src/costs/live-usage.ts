import type { Vendor } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import { chDateTime, type UsageRow } from '../connectors/types';
import { vendorToProvider, type Instruments } from '../metrics/instruments.generated';
import type { TelemetryDb } from '../stores/clickhouse/client';
import type { AttributionRule } from './attribution';
import { attoToNumber } from './money';
import type { PriceBook, TokenCounts } from './price-book';
import { priceCell } from './pricing';

type Row = UsageRow & { organization_id?: string };

/** What prices a usage row and which agent its counters go to. */
export interface MeterContext {
  book: PriceBook;
  attribution: AttributionIndex;
  /** Stored overrides that cannot price and are left out of the book, reported once each. */
  rejectedOverrides?: readonly { id: string; vendor: string; model: string; error?: string }[];
}

export interface AttributionIndex {
  keys: Map<string, string>;
  projects: Map<string, string>;
}

export const indexRules = (rules: readonly AttributionRule[]): AttributionIndex => ({
  keys: new Map(rules.filter((r) => r.matchKind === 'api_key').map((r) => [`${r.vendor}|${r.matchValue}`, r.agentId])),
  projects: new Map(rules.filter((r) => r.matchKind === 'project').map((r) => [`${r.vendor}|${r.matchValue}`, r.agentId])),
});

const KEY_COLUMNS = ['bucket_start', 'project_id', 'api_key_id', 'model', 'operation', 'service_tier', 'context_window'] as const;
const keyOf = (r: Pick<Row, (typeof KEY_COLUMNS)[number]>) => KEY_COLUMNS.map((c) => r[c]).join('|');
const tokensOf = (r: Pick<Row, 'input_tokens' | 'cache_read_tokens' | 'cache_write_5m_tokens' | 'cache_write_1h_tokens' | 'output_tokens'>): TokenCounts => ({
  input: r.input_tokens,
  cache_read: r.cache_read_tokens,
  cache_write_5m: r.cache_write_5m_tokens,
  cache_write_1h: r.cache_write_1h_tokens,
  output: r.output_tokens,
});

/** What the counters took of one bucket key: its token counts and requests, at their high marks. */
type Counted = Pick<Row, 'bucket_start' | 'input_tokens' | 'cache_read_tokens' | 'cache_write_5m_tokens' | 'cache_write_1h_tokens' | 'output_tokens' | 'requests'>;
const COUNTED_FIELDS = ['input_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'output_tokens', 'requests'] as const;
const highMark = (a: Counted | undefined, b: Counted): Counted => ({ bucket_start: b.bucket_start, ...(Object.fromEntries(COUNTED_FIELDS.map((f) => [f, Math.max(a?.[f] ?? 0, b[f])])) as Omit<Counted, 'bucket_start'>) });
/** Counted marks kept past this many are pruned to the buckets of the last PRUNE_DAYS (the poll's trailing window is 48 h). */
const PRUNE_OVER = 20_000;
const NOTHING = Object.fromEntries(COUNTED_FIELDS.map((f) => [f, 0])) as Omit<Counted, 'bucket_start'>;
const PRUNE_DAYS = 4;

/** A page's live rows, counted once the page is stored, or left to the next poll when its store failed. */
export interface LiveCount {
  stored(): void;
  failed(): void;
}

/**
 * Turns polled usage into the cost and token counters, for live buckets only: those that
 * start at or after the connection began polling. History from a backfill goes to ClickHouse
 * and never into counters, so it cannot read as a spend spike. A bucket polled again
 * (trailing window, revision, restart) adds only what grew past what was counted: the marks
 * counted in this process, else (after a restart) the stored copy. Against the stored copy
 * alone, a bucket revised 100, 90, 100 counted 10 twice, and a page whose store failed after
 * its rows landed was never counted (the next poll found them stored).
 */
export class LiveUsageMeter {
  constructor(
    private readonly telemetry: TelemetryDb,
    private readonly metrics: Instruments,
    private readonly context: (organizationId: string) => Promise<MeterContext>,
    private readonly log: Logger,
  ) {}

  private readonly unpricedSeen = new Set<string>();
  private readonly rejectedSeen = new Set<string>();
  private readonly contexts = new Map<string, { at: number; ctx: Promise<MeterContext> }>();
  /** By organisation, connection and bucket key. */
  private readonly counted = new Map<string, Counted>();

  /** Prices and rules change rarely: re-read them at most once a minute per organisation. */
  private contextOf(organizationId: string): Promise<MeterContext> {
    const hit = this.contexts.get(organizationId);
    if (hit && Date.now() - hit.at < 60_000) return hit.ctx;
    const ctx = this.context(organizationId);
    this.contexts.set(organizationId, { at: Date.now(), ctx });
    ctx.catch(() => this.contexts.delete(organizationId));
    return ctx;
  }

  /** Reads what was counted (or stored) before this page; the answer counts the difference once the page is stored. */
  async prepare(target: { organizationId: string; connectionId: string }, rows: readonly Row[], startedAt: Date): Promise<LiveCount> {
    const from = chDateTime(startedAt.getTime() / 1000);
    const live = rows.filter((r) => r.bucket_start >= from);
    if (live.length === 0) return { stored: () => undefined, failed: () => undefined };
    const starts = [...new Set(live.map((r) => r.bucket_start))];
    const stored = await this.telemetry.query<Row>(
      `SELECT ${KEY_COLUMNS.join(', ')}, input_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens, requests
         FROM {db:Identifier}.vendor_usage FINAL
        WHERE organization_id = {org:UUID} AND connection_id = {conn:UUID} AND bucket_start IN {starts:Array(DateTime)}`,
      { org: target.organizationId, conn: target.connectionId, starts },
    );
    const storedBefore = new Map(stored.map((r) => [keyOf(r), r]));
    const markOf = (r: Row) => `${target.organizationId}|${target.connectionId}|${keyOf(r)}`;
    const before = new Map(live.map((r) => [markOf(r), this.counted.get(markOf(r)) ?? storedBefore.get(keyOf(r))]));
    const ctx = await this.contextOf(target.organizationId);
    for (const o of ctx.rejectedOverrides ?? []) {
      if (this.rejectedSeen.has(`${o.id}|${o.error}`)) continue;
      this.rejectedSeen.add(`${o.id}|${o.error}`);
      this.log.warn({ organizationId: target.organizationId, override: o.id, vendor: o.vendor, model: o.model, reason: o.error }, 'a price override cannot price and is left out: the list price applies until it is replaced (GET /api/v1/costs/prices flags it)');
    }
    return {
      stored: () => {
        // The page is stored already: a row the counters cannot take is reported and skipped, never the page.
        for (const r of live) {
          const was = before.get(markOf(r));
          try {
            this.count(target.organizationId, r, was, ctx);
          } catch (err) {
            this.log.warn({ organizationId: target.organizationId, connection: target.connectionId, bucket: r.bucket_start, vendor: r.vendor, model: r.model, err: (err as Error).message }, 'a usage row the live counters cannot count: skipped, the rest of the page counted');
          }
          this.counted.set(markOf(r), highMark(was, r));
        }
        this.prune(live);
      },
      // Its rows may have landed all the same: the next poll counts from what was counted before, not from them.
      failed: () => {
        for (const r of live) if (!this.counted.has(markOf(r))) this.counted.set(markOf(r), highMark(before.get(markOf(r)), { ...r, ...NOTHING }));
        this.prune(live);
      },
    };
  }

  private prune(page: readonly Row[]): void {
    if (this.counted.size <= PRUNE_OVER) return;
    const newest = page.reduce((m, r) => (r.bucket_start > m ? r.bucket_start : m), '');
    const cutoff = chDateTime(Date.parse(`${newest.replace(' ', 'T')}Z`) / 1000 - PRUNE_DAYS * 86_400);
    for (const [k, c] of this.counted) if (c.bucket_start < cutoff) this.counted.delete(k);
  }

  private count(organizationId: string, r: Row, prev: Counted | undefined, ctx: MeterContext): void {
    const now = tokensOf(r);
    const was = prev ? tokensOf(prev) : undefined;
    const delta = {} as TokenCounts;
    let any = false;
    for (const k of Object.keys(now) as (keyof TokenCounts)[]) {
      // Counters never go down: a bucket revised downwards stays counted at its high mark.
      delta[k] = Math.max(0, now[k] - (was?.[k] ?? 0));
      any ||= delta[k] > 0;
    }
    const requests = Math.max(0, r.requests - (prev?.requests ?? 0));
    if (!any && requests === 0) return;
    const provider = vendorToProvider(r.vendor as Vendor);
    const model = r.model;
    // The same precedence as the query-time attribution: a key rule, then a project rule.
    const agent = ctx.attribution.keys.get(`${r.vendor}|${r.api_key_id}`) ?? ctx.attribution.projects.get(`${r.vendor}|${r.project_id}`) ?? 'unattributed';
    const add = (type: 'input' | 'output' | 'cache_read' | 'cache_write', n: number) => {
      if (n > 0) this.metrics.tokens.add(n, { organization_id: organizationId, gen_ai_provider_name: provider, gen_ai_request_model: model, gen_ai_token_type: type, gen_ai_agent_id: agent });
    };
    add('input', delta.input);
    add('cache_read', delta.cache_read);
    add('cache_write', delta.cache_write_5m + delta.cache_write_1h);
    add('output', delta.output);
    if (requests > 0) this.metrics.requests.add(requests, { organization_id: organizationId, gen_ai_provider_name: provider, gen_ai_request_model: model, gen_ai_operation_name: r.operation, gen_ai_agent_id: agent, source: 'vendor_report' });
    const priced = priceCell(ctx.book, { vendor: r.vendor, model, day: r.bucket_start.slice(0, 10), serviceTier: r.service_tier, contextWindow: r.context_window, tokens: delta });
    if (priced.cost > 0n) this.metrics.costUsd.add(attoToNumber(priced.cost), { organization_id: organizationId, gen_ai_provider_name: provider, gen_ai_request_model: model, gen_ai_agent_id: agent });
    for (const u of priced.unpriced) {
      this.metrics.tokensUnpriced.add(u.tokens, { organization_id: organizationId, gen_ai_provider_name: provider, gen_ai_request_model: model, source: 'vendor_report' });
      const seen = `${r.vendor}|${model}|${u.reason}`;
      if (!this.unpricedSeen.has(seen)) {
        this.unpricedSeen.add(seen);
        this.log.warn({ vendor: r.vendor, model, tokenType: u.type, reason: u.reason }, 'usage the price table cannot price: counted in ai_arm_tokens_unpriced_total, not priced at zero');
      }
    }
  }
}
