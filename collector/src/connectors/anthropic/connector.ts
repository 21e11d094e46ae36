import Anthropic from '@anthropic-ai/sdk';
import { cursorFeed, DAILY_PAGE, HOURLY_PAGE, withStop, type ConnectorOptions } from '../feed';
import { idsOf, ListedInventory, probe } from '../probe';
import type { Connector, CostRow, DiscoveredAgent, Feed, HealthProbe, UsageRow, VendorAccount } from '../types';
import { normalizeAnthropicCosts, type AnthropicCostPage } from './costs';
import { normalizeAnthropicUsage, type AnthropicUsagePage } from './usage';

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();
/** Both Anthropic reports close each bucket with an RFC 3339 `ending_at`. */
const lastBucketEnd = <E extends { data: { ending_at: string }[] }>(e: E) => (e.data.length ? Date.parse(e.data[e.data.length - 1]!.ending_at) / 1000 : undefined);

/** The SDK client whose every request, and the retry wait after a 429 (as long as retry-after says), ends when `stop` aborts. */
class StoppableAnthropic extends Anthropic {
  constructor(
    opts: ConstructorParameters<typeof Anthropic>[0],
    private readonly stop: AbortSignal | undefined,
  ) {
    super(opts);
  }

  protected override async prepareOptions(options: { signal?: AbortSignal | null }): Promise<void> {
    await super.prepareOptions(options as never);
    withStop(options, this.stop);
  }
}

/**
 * Anthropic through the official SDK: managed agents are the agents; usage and cost reports
 * (no typed SDK method exists for them) through the SDK's low-level `get`.
 */
export class AnthropicConnector implements Connector {
  readonly vendor = 'ANTHROPIC' as const;
  private readonly lists = new ListedInventory(
    () => idsOf(this.client.beta.agents.list({ limit: 100 })),
    () => idsOf(this.client.models.list({ limit: 1000 })),
  );

  constructor(private readonly client: Anthropic) {}

  static create(opts: ConnectorOptions): AnthropicConnector {
    return new AnthropicConnector(new StoppableAnthropic({ apiKey: opts.adminKey, baseURL: opts.baseUrl, fetch: opts.fetch, maxRetries: opts.maxRetries ?? 6, timeout: 120_000 }, opts.signal));
  }

  /** The Admin API's `GET /v1/organizations/me`: the key's organisation. */
  async verifyAccess(): Promise<VendorAccount | null> {
    const org = await this.client.organization.retrieve();
    return { id: org.id, name: org.name };
  }

  async discoverAgents(): Promise<DiscoveredAgent[]> {
    const agents: DiscoveredAgent[] = [];
    for await (const a of this.client.beta.agents.list({ limit: 100 })) {
      const model = typeof a.model === 'string' ? a.model : a.model.id;
      const raw = a as unknown as { description?: string | null; system?: string | null; metadata?: Record<string, unknown> | null };
      agents.push({
        vendor: 'ANTHROPIC',
        vendorAgentId: a.id,
        name: a.name ?? a.id,
        type: 'ASSISTANT',
        config: { model, ...(raw.system ? { systemPrompt: raw.system } : {}) },
        metadata: { ...(raw.metadata ?? {}), description: raw.description ?? null, version: a.version },
        createdAt: new Date(a.created_at).toISOString(),
      });
    }
    return agents;
  }

  /** Passive unless asked: the agent is listed and its model served. The active probe is a one-token message (it costs money). */
  checkHealth(agent: { vendorAgentId: string; model: string; activeProbe: boolean }): Promise<HealthProbe> {
    if (agent.activeProbe) {
      return probe('anthropic messages.create (1 token)', agent.model, async () => {
        const started = performance.now();
        let modelServed = true;
        try {
          await this.client.messages.create({ model: agent.model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] });
        } catch (err) {
          if (!(err instanceof Anthropic.NotFoundError)) throw err;
          modelServed = false;
        }
        const vendorLatencyMs = performance.now() - started;
        return { exists: (await this.lists.agents()).data.has(agent.vendorAgentId), modelServed, vendorLatencyMs };
      });
    }
    return this.lists.check('anthropic agents.list + models.list', agent);
  }

  startHealthRun(): void {
    this.lists.reset();
  }

  usageFeeds(): Feed<UsageRow>[] {
    return [
      cursorFeed({
        name: 'anthropic.usage.messages',
        bucketSeconds: 3600,
        fetchPage: async (r, page): Promise<AnthropicUsagePage> =>
          this.client.get<AnthropicUsagePage>('/v1/organizations/usage_report/messages', {
            query: { starting_at: iso(r.start), ending_at: iso(r.end), bucket_width: '1h', limit: HOURLY_PAGE, group_by: ['workspace_id', 'api_key_id', 'model', 'service_tier', 'context_window'], ...(page ? { page } : {}) },
          }),
        normalize: (e) => normalizeAnthropicUsage(e, '1h'),
        lastBucketEnd,
      }),
    ];
  }

  costFeeds(): Feed<CostRow>[] {
    return [
      cursorFeed({
        name: 'anthropic.costs',
        bucketSeconds: 86400,
        fetchPage: async (r, page): Promise<AnthropicCostPage> =>
          this.client.get<AnthropicCostPage>('/v1/organizations/cost_report', {
            query: { starting_at: iso(r.start), ending_at: iso(r.end), bucket_width: '1d', limit: DAILY_PAGE, group_by: ['workspace_id', 'description'], ...(page ? { page } : {}) },
          }),
        normalize: normalizeAnthropicCosts,
        lastBucketEnd,
      }),
    ];
  }
}
