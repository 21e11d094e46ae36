import type { Vendor } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import type { Config } from '../config/env';
import { agentStatusToLabel, vendorToProvider, type Instruments } from '../metrics/instruments.generated';
import type { Stores } from '../stores';
import { healthRulesFor } from '../connectors/registry';
import type { Feed } from '../connectors/types';
import type { RuntimeConnection } from './connections';
import { ConnectionStore } from '../connections/store';
import { reportHealth, runHealthChecks } from './health';
import { syncInventory, type InventoryChange } from './inventory';
import type { LiveUsageMeter } from '../costs/live-usage';
import type { ActivityLog } from '../logs/activity';
import { alignDown, pollFeed, type FeedProgress, type PollWindow } from './reports';
import { WatermarkStore } from './watermarks';
import { Turns } from '../runtime/turns';
import { asTenant } from '../stores/tenant-scope';

const HOUR = 3600;
const DAY = 86400;

export interface PollerDeps {
  config: Config;
  stores: Pick<Stores, 'controlPlane' | 'telemetry' | 'writer'>;
  metrics: Instruments;
  log: Logger;
  /** Log records of poll runs and vendor errors (ClickHouse, OTLP); absent, none are written. */
  activity?: ActivityLog;
  /** Live cost counters and the month-to-date gauges; absent, polling stores data only. */
  costs?: { meter?: LiveUsageMeter; afterReports(organizationId: string, now: Date): Promise<void> };
  /** Unix seconds; the simulator's tests move it. */
  now?: () => number;
  /** The collector's shutdown, which also ends the connections' vendor calls: a run it stops is not a failure. */
  stop?: AbortSignal;
}

type Task = 'inventory' | 'reports' | 'health';

/** A backfill's start and progress; a scheduled poll passes neither. */
export interface ReportsOptions {
  since?: number;
  onProgress?: (p: FeedProgress) => void;
}

/**
 * Runs each connection on its own timers: inventory sync, usage and cost reports, health
 * checks. A connection that fails is logged, counted and retried on its next tick; it never
 * holds up the others.
 */
export class Poller {
  private readonly watermarks: WatermarkStore;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  /**
   * A connection's inventory, reports and health runs, and an organisation's cost refresh, each
   * run one at a time: a backfill or a check asked for through the API waits for the scheduled
   * run in flight. Side by side, two runs would read the same old state (a bucket not yet
   * stored, an alert not yet firing, a failure count) and count what changed twice.
   */
  private readonly turns = new Turns();
  private stopped = false;
  private started = false;
  /** Connections whose vendor account is recorded (identify). */
  private readonly identified = new Set<string>();

  constructor(
    private readonly deps: PollerDeps,
    readonly connections: RuntimeConnection[],
  ) {
    this.watermarks = new WatermarkStore(deps.stores.controlPlane);
  }

  private now(): number {
    return this.deps.now?.() ?? Math.floor(Date.now() / 1000);
  }

  start(): void {
    this.started = true;
    for (const conn of this.connections) this.schedule(conn);
  }

  /** A connection added while running (the connections API) is polled at once. */
  add(conn: RuntimeConnection): void {
    this.connections.push(conn);
    if (this.started) this.schedule(conn);
  }

  /** Stops polling a connection; what it collected stays. Runs in flight finish. */
  remove(id: string): boolean {
    const i = this.connections.findIndex((c) => c.id === id);
    if (i < 0) return false;
    this.connections.splice(i, 1);
    this.identified.delete(id);
    return true;
  }

  /**
   * Stops polling a removed (or re-keyed) connection and resolves once its runs in flight are
   * done, so nothing it polled lands after its history is merged or deleted. Agents it leaves
   * unwatched show UNKNOWN health at once rather than their last verdict.
   */
  async retire(id: string, unwatched: string[] = []): Promise<void> {
    const conn = this.connections.find((c) => c.id === id);
    if (!conn) return;
    this.remove(id);
    await Promise.all((['inventory', 'reports', 'health'] as const).map((task) => this.take(conn.organizationId, `${task}:${id}`, async () => undefined)));
    for (const agentId of unwatched) reportHealth(this.deps.metrics, conn.organizationId, conn.provider, agentId, 'UNKNOWN');
    await this.reportAgentCounts(conn.organizationId);
  }

  /** A run of one organisation's work, in turn with its kind, acting for that organisation only. */
  private take<T>(organizationId: string, key: string, run: () => Promise<T>): Promise<T> {
    return asTenant(organizationId, () => this.turns.take(key, run));
  }

  private schedule(conn: RuntimeConnection): void {
    const { poll } = this.deps.config;
    // Inventory first, so the first health run has agents to check.
    void this.guard(conn, 'inventory', () => this.inventory(conn)).then(() => {
      this.every(conn, 'inventory', poll.inventoryIntervalMs, () => this.inventory(conn), false);
      this.every(conn, 'health', poll.healthIntervalMs, () => this.health(conn), true);
    });
    this.every(conn, 'reports', poll.intervalMs, () => this.reports(conn), true);
  }

  /** Stops the timers and waits for the runs in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([...this.running]);
  }

  /** One full cycle for every connection, in order: what a test or `backfill` runs. */
  async runOnce(): Promise<void> {
    for (const conn of this.connections) {
      await this.inventory(conn);
      await this.reports(conn);
      await this.health(conn);
    }
  }

  inventory(conn: RuntimeConnection): Promise<InventoryChange> {
    return this.take(conn.organizationId, `inventory:${conn.id}`, () => this.syncInventory(conn));
  }

  private async syncInventory(conn: RuntimeConnection): Promise<InventoryChange> {
    if (!this.identified.has(conn.id)) await this.identify(conn);
    const change = await syncInventory(this.deps.stores.controlPlane, conn.organizationId, conn.id, await conn.connector.discoverAgents());
    if (change.added || change.changed || change.vanished) this.deps.log.info({ connection: conn.id, vendor: conn.vendor, ...change }, 'agent inventory changed');
    await this.reportAgentCounts(conn.organizationId);
    return change;
  }

  /**
   * Records which vendor account the connection reads (a connection from the environment, or
   * one stored before accounts were), so a second connection to it is refused. A failure is
   * retried on the next inventory run; the sync itself goes on.
   */
  private async identify(conn: RuntimeConnection): Promise<void> {
    try {
      const account = await conn.connector.verifyAccess();
      this.identified.add(conn.id);
      if (!account) return;
      const store = new ConnectionStore(this.deps.stores.controlPlane);
      await store.recordAccount(conn.organizationId, conn.id, account);
      // Two connections made before accounts were checked: say so, since both count the same cost.
      const holder = await store.holderOf(conn.organizationId, conn.vendor, account.id, conn.id);
      if (holder) this.deps.log.warn({ connection: conn.id, vendor: conn.vendor, sameAccountAs: holder.id }, `this connection reads the same ${conn.vendor} account as connection "${holder.name}" (${holder.id}), so its usage and cost count twice: delete one of them (DELETE /api/v1/connections/:id merges its history into the other)`);
    } catch (err) {
      this.deps.log.warn({ connection: conn.id, vendor: conn.vendor, err: (err as Error).message }, 'could not ask the vendor which account this connection reads; retrying on the next inventory run');
    }
  }

  /** Usage and cost feeds from their watermarks (or the trailing window) to the last whole hour. */
  reports(conn: RuntimeConnection, opts: ReportsOptions = {}): Promise<FeedProgress[]> {
    return this.take(conn.organizationId, `reports:${conn.id}`, () => this.pollReports(conn, opts));
  }

  private async pollReports(conn: RuntimeConnection, opts: ReportsOptions): Promise<FeedProgress[]> {
    const { poll } = this.deps.config;
    const end = alignDown(this.now(), HOUR);
    const window: PollWindow = { end, trailingSeconds: poll.trailingHours * HOUR, backfillFrom: alignDown(opts.since ?? end - poll.backfillDays * DAY, DAY), rowsPerPage: poll.pageRows };
    const target = { organizationId: conn.organizationId, connectionId: conn.id };
    const deps = { writer: this.deps.stores.writer, watermarks: this.watermarks, meter: this.deps.costs?.meter };
    // An explicit backfill re-reads its whole range, whatever the watermarks say.
    if (opts.since !== undefined) window.trailingSeconds = Math.max(window.trailingSeconds, end - window.backfillFrom);
    const feeds: [Feed<object>, 'vendor_usage' | 'vendor_costs'][] = [
      ...conn.connector.usageFeeds().map((f) => [f, 'vendor_usage'] as [Feed<object>, 'vendor_usage']),
      ...conn.connector.costFeeds().map((f) => [f, 'vendor_costs'] as [Feed<object>, 'vendor_costs']),
    ];
    // Announce every feed before the first page, so a backfill's progress is measured against the whole job.
    const from = alignDown(Math.min(window.backfillFrom, end - window.trailingSeconds), DAY);
    for (const [feed] of feeds) opts.onProgress?.({ feed: feed.name, from, to: end, reached: from, rows: 0, pages: 0 });
    // One feed after another: a connection's requests leave one at a time anyway (the rate
    // gate), and a slow cost page must not hold up the usage pages queued behind it.
    const results: FeedProgress[] = [];
    const started = performance.now();
    for (const [feed, table] of feeds) results.push(await pollFeed(feed, table, target, deps, window, opts.onProgress));
    this.deps.activity?.pollRun({
      ...target,
      vendor: conn.vendor,
      rows: results.reduce((s, r) => s + r.rows, 0),
      pages: results.reduce((s, r) => s + r.pages, 0),
      durationMs: Math.round(performance.now() - started),
    });
    // Per connection's organisation: another organisation's lag on the same vendor is its own series.
    this.deps.metrics.collectorPollLag.set(this.now() - end, { organization_id: conn.organizationId, gen_ai_provider_name: conn.provider });
    await this.refreshCosts(conn);
    return results;
  }

  private refreshCosts(conn: RuntimeConnection): Promise<void> {
    return this.refreshOrganizationCosts(conn.organizationId, conn.id);
  }

  /**
   * Re-reads an organisation's cost gauges, budgets and alerts: after a poll, and after its
   * stored history changed otherwise (a connection removed, its rows merged or deleted).
   */
  refreshOrganizationCosts(organizationId: string, connectionId?: string): Promise<void> {
    const costs = this.deps.costs;
    if (!costs) return Promise.resolve();
    // The data is stored; a failure to refresh the cost gauges and alerts is not a failed poll.
    return this.take(organizationId, `costs:${organizationId}`, () => costs.afterReports(organizationId, new Date(this.now() * 1000)))
      .catch((err: unknown) => {
        this.deps.log.error({ organizationId, connection: connectionId, err: (err as Error).message }, 'refreshing cost gauges and alerts failed; retrying after the next poll');
      });
  }

  health(conn: RuntimeConnection, agentIds?: string[]) {
    const { health } = this.deps.config;
    return this.take(conn.organizationId, `health:${conn.id}`, () =>
      runHealthChecks(
        { db: this.deps.stores.controlPlane, telemetry: this.deps.stores.telemetry, writer: this.deps.stores.writer, metrics: this.deps.metrics, log: this.deps.log, activity: this.deps.activity, rules: healthRulesFor(conn.vendor, { ...health, degradedErrorRate: 0.2 }) },
        { organizationId: conn.organizationId, connectionId: conn.id, provider: conn.provider, connector: conn.connector, ...(agentIds ? { agentIds } : {}) },
      ),
    );
  }

  /** Inventory sync of every connection of an organisation, now (POST /api/v1/agents/discover). */
  async discover(organizationId: string): Promise<InventoryChange> {
    const total: InventoryChange = { discovered: 0, added: 0, changed: 0, vanished: 0 };
    for (const conn of this.connections.filter((c) => c.organizationId === organizationId)) {
      const c = await this.inventory(conn);
      for (const k of Object.keys(total) as (keyof InventoryChange)[]) total[k] += c[k];
    }
    return total;
  }

  /** One agent's health check, now; false when no polled connection holds the agent. */
  async checkAgent(organizationId: string, connectionId: string | null, agentId: string): Promise<boolean> {
    const conn = this.connections.find((c) => c.organizationId === organizationId && c.id === connectionId);
    if (!conn) return false;
    await this.health(conn, [agentId]);
    return true;
  }

  /** ai_arm_agents for an organisation, now: after a sync, or when the API pauses, resumes, adds or removes an agent. */
  async reportAgentCounts(organizationId: string): Promise<void> {
    const rows = await asTenant(organizationId, () => this.deps.stores.controlPlane.query<{ vendor: Vendor; status: 'ACTIVE' | 'PAUSED' | 'ERROR' | 'UNKNOWN'; n: number }>(
      'SELECT vendor, status, count(*) AS n FROM agents WHERE organization_id = $1 AND vanished_at IS NULL GROUP BY vendor, status',
      [organizationId],
    ));
    // Only this organisation's series: the others keep theirs until their own next sync.
    this.deps.metrics.agents.clear({ organization_id: organizationId });
    for (const r of rows) this.deps.metrics.agents.set(r.n, { organization_id: organizationId, gen_ai_provider_name: vendorToProvider(r.vendor), agent_status: agentStatusToLabel(r.status) });
  }

  private every(conn: RuntimeConnection, task: Task, intervalMs: number, run: () => Promise<unknown>, immediately: boolean): void {
    const polled = () => !this.stopped && this.connections.includes(conn);
    // A fired timer leaves the set, so it holds only what stop() has to cancel.
    const later = () => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void tick();
      }, intervalMs).unref();
      this.timers.add(timer);
    };
    const tick = async () => {
      if (!polled()) return;
      await this.guard(conn, task, run);
      if (polled()) later();
    };
    if (immediately) void tick();
    else later();
  }

  private async guard(conn: RuntimeConnection, task: Task, run: () => Promise<unknown>): Promise<void> {
    if (this.stopped) return;
    const p = run();
    this.running.add(p);
    try {
      await p;
      if (task === 'reports') this.deps.metrics.collectorPolls.add(1, { organization_id: conn.organizationId, gen_ai_provider_name: conn.provider, result: 'success' });
    } catch (err) {
      if (this.deps.stop?.aborted) return void this.deps.log.info({ connection: conn.id, task }, `${task} run stopped by shutdown; it resumes from its watermarks at the next start`);
      this.deps.metrics.collectorPolls.add(1, { organization_id: conn.organizationId, gen_ai_provider_name: conn.provider, result: 'failure' });
      this.deps.log.warn({ connection: conn.id, vendor: conn.vendor, task, err: (err as Error).message }, `${task} poll failed; retrying on the next tick`);
      this.deps.activity?.vendorError({ organizationId: conn.organizationId, connectionId: conn.id, vendor: conn.vendor, task, error: (err as Error).message });
    } finally {
      this.running.delete(p);
    }
  }
}
