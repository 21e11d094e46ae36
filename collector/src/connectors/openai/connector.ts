import OpenAI from 'openai';
import { idsOf, ListedInventory } from '../probe';
import { cursorFeed, DAILY_PAGE, HOURLY_PAGE, withStop, type ConnectorOptions } from '../feed';
import type { Connector, CostRow, DiscoveredAgent, Feed, HealthProbe, UsageRow, VendorAccount } from '../types';
import { normalizeOpenAICosts, type OpenAICostPage } from './costs';
import { normalizeOpenAIUsage, type OpenAIUsagePage } from './usage';

/** The SDK client whose every request, and the retry wait after a 429, ends when `stop` aborts. */
class StoppableOpenAI extends OpenAI {
  constructor(
    opts: ConstructorParameters<typeof OpenAI>[0],
    private readonly stop: AbortSignal | undefined,
  ) {
    super(opts);
  }

  protected override async prepareOptions(options: { signal?: AbortSignal | null }): Promise<void> {
    await super.prepareOptions(options as never);
    withStop(options, this.stop);
  }
}

/** OpenAI through the official SDK: assistants are the agents, usage and costs at project and key grain. */
export class OpenAIConnector implements Connector {
  readonly vendor = 'OPENAI' as const;

  private readonly lists = new ListedInventory(
    () => idsOf(this.client.beta.assistants.list({ limit: 100 })),
    () => idsOf(this.client.models.list()),
  );

  constructor(private readonly client: OpenAI) {}

  static create(opts: ConnectorOptions): OpenAIConnector {
    return new OpenAIConnector(
      new StoppableOpenAI({ apiKey: opts.adminKey, adminAPIKey: opts.adminKey, baseURL: opts.baseUrl, fetch: opts.fetch, maxRetries: opts.maxRetries ?? 6, timeout: 120_000 }, opts.signal),
    );
  }

  /** OpenAI has no endpoint that names the key's organisation; every answer names it in the `openai-organization` header. */
  async verifyAccess(): Promise<VendorAccount | null> {
    const { response } = await this.client.admin.organization.projects.list({ limit: 1 }).withResponse();
    const id = response.headers.get('openai-organization');
    return id ? { id, name: null } : null;
  }

  async discoverAgents(): Promise<DiscoveredAgent[]> {
    const agents: DiscoveredAgent[] = [];
    for await (const a of this.client.beta.assistants.list({ limit: 100, order: 'asc' })) {
      agents.push({
        vendor: 'OPENAI',
        vendorAgentId: a.id,
        name: a.name ?? a.id,
        type: 'ASSISTANT',
        config: {
          model: a.model,
          ...(a.instructions ? { systemPrompt: a.instructions } : {}),
          ...(typeof a.temperature === 'number' ? { temperature: a.temperature } : {}),
          tools: a.tools.map((t) => ({ type: t.type })),
        },
        metadata: { ...(a.metadata ?? {}), description: a.description },
        createdAt: new Date(a.created_at * 1000).toISOString(),
      });
    }
    return agents;
  }

  /**
   * Passive: the assistant is still listed and its model still served (both lists shared
   * across a health run). OpenAI offers no free active probe, so none is sent.
   */
  checkHealth(agent: { vendorAgentId: string; model: string }): Promise<HealthProbe> {
    return this.lists.check('openai assistants.list + models.list', agent);
  }

  startHealthRun(): void {
    this.lists.reset();
  }

  usageFeeds(): Feed<UsageRow>[] {
    const usage = this.client.admin.organization.usage;
    const lastEnd = (e: OpenAIUsagePage) => e.data.at(-1)?.end_time;
    return [
      cursorFeed({
        name: 'openai.usage.completions',
        bucketSeconds: 3600,
        fetchPage: async (r, page) =>
          (await usage.completions({ start_time: r.start, end_time: r.end, bucket_width: '1h', limit: HOURLY_PAGE, group_by: ['project_id', 'api_key_id', 'model', 'batch', 'service_tier'], ...(page ? { page } : {}) })) as OpenAIUsagePage,
        normalize: (e) => normalizeOpenAIUsage(e, '1h'),
        lastBucketEnd: lastEnd,
      }),
      cursorFeed({
        name: 'openai.usage.embeddings',
        bucketSeconds: 3600,
        fetchPage: async (r, page) =>
          (await usage.embeddings({ start_time: r.start, end_time: r.end, bucket_width: '1h', limit: HOURLY_PAGE, group_by: ['project_id', 'api_key_id', 'model'], ...(page ? { page } : {}) })) as OpenAIUsagePage,
        normalize: (e) => normalizeOpenAIUsage(e, '1h'),
        lastBucketEnd: lastEnd,
      }),
    ];
  }

  costFeeds(): Feed<CostRow>[] {
    return [
      cursorFeed({
        name: 'openai.costs',
        bucketSeconds: 86400,
        fetchPage: async (r, page) =>
          (await this.client.admin.organization.usage.costs({ start_time: r.start, end_time: r.end, bucket_width: '1d', limit: DAILY_PAGE, group_by: ['project_id', 'line_item'], ...(page ? { page } : {}) })) as OpenAICostPage,
        normalize: normalizeOpenAICosts,
        lastBucketEnd: (e) => e.data.at(-1)?.end_time,
      }),
    ];
  }
}
