import type { FastifyInstance } from 'fastify';
import { billedGroups } from '../billing';
import { bucketPage, groupCells, sum } from '../buckets';
import { arrayParam, bucketLimitParam, decodeCursor, encodeCursor, intParam, ParamError, stringParam } from '../http/params';
import type { SimState } from '../state';
import type { UsageCell } from '../traffic';

const FIELDS = {
  project_id: (c: UsageCell) => c.groupId,
  user_id: () => null,
  api_key_id: (c: UsageCell) => c.apiKeyId,
  model: (c: UsageCell) => c.model,
  batch: (c: UsageCell) => c.batch,
  service_tier: (c: UsageCell) => (c.batch ? 'batch' : c.tier),
};

/**
 * OpenAI line items as this simulator names them (OpenAI does not document the format):
 * `<model>, input`, `<model>, cached input`, `<model>, output`, with ` (batch)` appended for
 * Batch API traffic and ` (flex)` or ` (priority)` for traffic served at those tiers.
 */
const LINE_ITEM_KIND = { input: 'input', cache_read: 'cached input', output: 'output' } as const;

const lineItemTier = (c: UsageCell) => (c.batch ? ' (batch)' : c.tier === 'default' ? '' : ` (${c.tier})`);

function common(state: SimState, query: Record<string, unknown>) {
  const start = intParam(query, 'start_time', -1, 0, Number.MAX_SAFE_INTEGER);
  if (start < 0) throw new ParamError('start_time is required', 'start_time');
  const endRaw = stringParam(query, 'end_time');
  const filters = {
    projects: arrayParam(query, 'project_ids'),
    keys: arrayParam(query, 'api_key_ids'),
    models: arrayParam(query, 'models'),
    users: arrayParam(query, 'user_ids'),
    batch: stringParam(query, 'batch'),
  };
  const keep = (c: UsageCell) =>
    (filters.projects.length === 0 || filters.projects.includes(c.groupId)) &&
    (filters.keys.length === 0 || filters.keys.includes(c.apiKeyId)) &&
    (filters.models.length === 0 || filters.models.includes(c.model)) &&
    filters.users.length === 0 &&
    (filters.batch === undefined || String(c.batch) === filters.batch);
  return {
    start,
    end: endRaw === undefined ? undefined : intParam(query, 'end_time', 0, 0, Number.MAX_SAFE_INTEGER),
    pageStart: decodeCursor(stringParam(query, 'page')),
    groupBy: arrayParam(query, 'group_by'),
    keep,
    state,
  };
}

function envelope(page: { buckets: { start: number; end: number; results: unknown[] }[]; next: number | null }) {
  return {
    object: 'page',
    data: page.buckets.map((b) => ({ object: 'bucket', start_time: b.start, end_time: b.end, results: b.results })),
    has_more: page.next !== null,
    next_page: page.next === null ? null : encodeCursor(page.next),
  };
}

export function openaiUsageRoutes(app: FastifyInstance, state: SimState): void {
  app.get('/openai/v1/organization/usage/completions', async (request) => {
    const q = common(state, request.query as Record<string, unknown>);
    const width = stringParam(request.query as Record<string, unknown>, 'bucket_width') ?? '1d';
    const page = bucketPage(state, { vendor: 'openai', start: q.start, end: q.end, width, limit: bucketLimitParam(request.query as Record<string, unknown>), pageStart: q.pageStart, allowedWidths: ['1m', '1h', '1d'] }, (cells) =>
      groupCells(cells.filter((c) => !c.embedding && q.keep(c)), FIELDS, q.groupBy).map(({ key, cells: cs }) => ({
        object: 'organization.usage.completions.result',
        input_tokens: sum(cs, (c) => c.uncachedInput + c.cacheRead),
        output_tokens: sum(cs, (c) => c.output),
        input_cached_tokens: sum(cs, (c) => c.cacheRead),
        input_audio_tokens: 0,
        output_audio_tokens: 0,
        num_model_requests: sum(cs, (c) => c.requests),
        ...key,
      })),
    );
    return envelope(page);
  });

  app.get('/openai/v1/organization/usage/embeddings', async (request) => {
    const q = common(state, request.query as Record<string, unknown>);
    const width = stringParam(request.query as Record<string, unknown>, 'bucket_width') ?? '1d';
    const { project_id, user_id, api_key_id, model } = FIELDS;
    const page = bucketPage(state, { vendor: 'openai', start: q.start, end: q.end, width, limit: bucketLimitParam(request.query as Record<string, unknown>), pageStart: q.pageStart, allowedWidths: ['1m', '1h', '1d'] }, (cells) =>
      groupCells(cells.filter((c) => c.embedding && q.keep(c)), { project_id, user_id, api_key_id, model }, q.groupBy).map(({ key, cells: cs }) => ({
        object: 'organization.usage.embeddings.result',
        input_tokens: sum(cs, (c) => c.uncachedInput),
        num_model_requests: sum(cs, (c) => c.requests),
        ...key,
      })),
    );
    return envelope(page);
  });

  app.get('/openai/v1/organization/costs', async (request) => {
    const query = request.query as Record<string, unknown>;
    const q = common(state, query);
    const width = stringParam(query, 'bucket_width') ?? '1d';
    const limit = intParam(query, 'limit', 7, 1, 180);
    for (const g of q.groupBy) if (!['project_id', 'line_item', 'api_key_id'].includes(g)) throw new ParamError('group_by must be among project_id, line_item, api_key_id', 'group_by');
    const models = new Map(state.world.models.map((m) => [m.id, m]));
    const byLineItem = q.groupBy.includes('line_item');
    const byProject = q.groupBy.includes('project_id');
    const byKey = q.groupBy.includes('api_key_id');
    const page = bucketPage(state, { vendor: 'openai', start: q.start, end: q.end, width, limit: Math.min(limit, 31), pageStart: q.pageStart, allowedWidths: ['1d'] }, (cells) =>
      billedGroups(cells.filter(q.keep), models, (c) => `${byLineItem ? `${c.model}|${c.batch}|${c.tier}` : ''}|${byProject ? c.groupId : ''}|${byKey ? c.apiKeyId : ''}`, byLineItem).map((g) => ({
        object: 'organization.costs.result',
        amount: { value: g.amount, currency: 'usd' },
        line_item: g.tokenType === null ? null : `${g.cell.model}, ${LINE_ITEM_KIND[g.tokenType as keyof typeof LINE_ITEM_KIND]}${lineItemTier(g.cell)}`,
        project_id: byProject ? g.cell.groupId : null,
        api_key_id: byKey ? g.cell.apiKeyId : null,
        quantity: g.tokenType === null ? null : g.tokens,
      })),
    );
    return envelope(page);
  });
}
