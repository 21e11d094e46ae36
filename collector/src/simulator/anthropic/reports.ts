import type { FastifyInstance } from 'fastify';
import { billedGroups, type BilledLine } from '../billing';
import { bucketPage, groupCells, sum } from '../buckets';
import { arrayParam, bucketLimitParam, decodeCursor, encodeCursor, intParam, ParamError, parseRfc3339, rfc3339, stringParam } from '../http/params';
import type { SimState } from '../state';
import type { UsageCell } from '../traffic';

const FIELDS = {
  api_key_id: (c: UsageCell) => c.apiKeyId,
  workspace_id: (c: UsageCell) => c.groupId,
  model: (c: UsageCell) => c.model,
  service_tier: (c: UsageCell) => (c.batch ? 'batch' : 'standard'),
  context_window: (c: UsageCell) => (c.longContext ? '200k-1M' : '0-200k'),
  inference_geo: () => null,
};

const TOKEN_TYPE: Record<BilledLine['tokenType'], string> = {
  input: 'uncached_input_tokens',
  output: 'output_tokens',
  cache_read: 'cache_read_input_tokens',
  cache_write_5m: 'cache_creation.ephemeral_5m_input_tokens',
  cache_write_1h: 'cache_creation.ephemeral_1h_input_tokens',
};
/** Cost descriptions as this simulator words them, e.g. "Claude Sonnet 4.5 Usage - Input Tokens (Batch)". */
const TOKEN_WORDS: Record<BilledLine['tokenType'], string> = {
  input: 'Input Tokens',
  output: 'Output Tokens',
  cache_read: 'Cache Read Input Tokens',
  cache_write_5m: 'Cache Write Input Tokens (5m)',
  cache_write_1h: 'Cache Write Input Tokens (1h)',
};

/** Cents as the decimal string Anthropic sends ("123.45" is $1.2345). */
const cents = (usd: number) => (usd * 100).toFixed(6).replace(/\.?0+$/, '');

function window(state: SimState, query: Record<string, unknown>) {
  const start = parseRfc3339(stringParam(query, 'starting_at'), 'starting_at');
  if (start === undefined) throw new ParamError('starting_at: Field required', 'starting_at');
  return { start, end: parseRfc3339(stringParam(query, 'ending_at'), 'ending_at'), pageStart: decodeCursor(stringParam(query, 'page')), groupBy: arrayParam(query, 'group_by') };
}

const envelope = (page: { buckets: { start: number; end: number; results: unknown[] }[]; next: number | null }) => ({
  data: page.buckets.map((b) => ({ starting_at: rfc3339(b.start), ending_at: rfc3339(b.end), results: b.results })),
  has_more: page.next !== null,
  next_page: page.next === null ? null : encodeCursor(page.next),
});

export function anthropicReportRoutes(app: FastifyInstance, state: SimState): void {
  app.get('/anthropic/v1/organizations/usage_report/messages', async (request) => {
    const query = request.query as Record<string, unknown>;
    const w = window(state, query);
    const filters = {
      models: arrayParam(query, 'models'),
      keys: arrayParam(query, 'api_key_ids'),
      workspaces: arrayParam(query, 'workspace_ids'),
      tiers: arrayParam(query, 'service_tiers'),
      windows: arrayParam(query, 'context_window'),
    };
    const keep = (c: UsageCell) =>
      (filters.models.length === 0 || filters.models.includes(c.model)) &&
      (filters.keys.length === 0 || filters.keys.includes(c.apiKeyId)) &&
      (filters.workspaces.length === 0 || filters.workspaces.includes(c.groupId)) &&
      (filters.tiers.length === 0 || filters.tiers.includes(FIELDS.service_tier(c))) &&
      (filters.windows.length === 0 || filters.windows.includes(FIELDS.context_window(c)));
    const width = stringParam(query, 'bucket_width') ?? '1d';
    const page = bucketPage(state, { vendor: 'anthropic', start: w.start, end: w.end, width, limit: bucketLimitParam(query), pageStart: w.pageStart, allowedWidths: ['1m', '1h', '1d'] }, (cells) =>
      groupCells(cells.filter(keep), FIELDS, w.groupBy).map(({ key, cells: cs }) => ({
        uncached_input_tokens: sum(cs, (c) => c.uncachedInput),
        cache_read_input_tokens: sum(cs, (c) => c.cacheRead),
        cache_creation: { ephemeral_5m_input_tokens: sum(cs, (c) => c.cacheWrite5m), ephemeral_1h_input_tokens: sum(cs, (c) => c.cacheWrite1h) },
        output_tokens: sum(cs, (c) => c.output),
        server_tool_use: { web_search_requests: 0 },
        ...key,
      })),
    );
    return envelope(page);
  });

  app.get('/anthropic/v1/organizations/cost_report', async (request) => {
    const query = request.query as Record<string, unknown>;
    const w = window(state, query);
    for (const g of w.groupBy) if (!['workspace_id', 'description'].includes(g)) throw new ParamError('group_by must be among workspace_id, description', 'group_by');
    const byDescription = w.groupBy.includes('description');
    const byWorkspace = w.groupBy.includes('workspace_id');
    const models = new Map(state.world.models.map((m) => [m.id, m]));
    const limit = intParam(query, 'limit', 7, 1, 31);
    const page = bucketPage(state, { vendor: 'anthropic', start: w.start, end: w.end, width: stringParam(query, 'bucket_width') ?? '1d', limit, pageStart: w.pageStart, allowedWidths: ['1d'] }, (cells) =>
      billedGroups(cells, models, (c) => `${byDescription ? `${c.model}|${c.longContext}|${c.batch}` : ''}|${byWorkspace ? c.groupId : ''}`, byDescription).map(({ cell, tokenType, amount }) => ({
        currency: 'USD',
        amount: cents(amount),
        cost_type: tokenType ? 'tokens' : null,
        token_type: tokenType ? TOKEN_TYPE[tokenType] : null,
        description: tokenType ? `${models.get(cell.model)!.displayName} Usage - ${TOKEN_WORDS[tokenType]}${cell.longContext ? ' (Long Context)' : ''}${cell.batch ? ' (Batch)' : ''}` : null,
        model: tokenType ? cell.model : null,
        service_tier: tokenType ? (cell.batch ? 'batch' : 'standard') : null,
        context_window: tokenType ? FIELDS.context_window(cell) : null,
        workspace_id: byWorkspace ? cell.groupId : null,
      })),
    );
    return envelope(page);
  });
}
