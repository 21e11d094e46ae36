import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { appendAudit } from '../audit/log';
import { systemPrincipal } from '../auth/principal';
import { ApiKeyStore } from '../auth/store';
import { tokenHash } from '../auth/tokens';
import type { Poller } from '../poller/poller';
import { startAgentPush, type AgentPush } from '../simulator/agent-push';
import { demoHistory } from './demo-history';
import type { Simulator } from '../simulator/server';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { asTenant } from '../stores/tenant-scope';

/**
 * Demo mode's push path: the simulator's agents send their requests to the collector as OTLP
 * spans, with a key of the `ingest` role, as an instrumented application would. Without this
 * the latency, error and version views of a fresh `npm start` would stay empty.
 */

export const DEMO_INGEST_KEY_NAME = 'demo agents (vendor simulator, OTLP)';
/** The key is kept beside the data so a restart reuses it: the store holds only its hash. */
export const DEMO_INGEST_KEY_FILE = 'demo-ingest.key';
/** A few requests per second over all agents: enough for every panel within a minute, little load. */
export const DEMO_REQUESTS_PER_SECOND = 3;

/**
 * The demo organisation's ingest key: the one saved in `file` while the store still knows it,
 * else a new one (saved, owner-only). Null when the saved key was revoked: whoever revoked it
 * wanted the pushes to stop, so demo mode does not issue another (delete the file to resume).
 */
export function ensureDemoIngestKey(db: ControlPlaneDb, organizationId: string, file: string): Promise<string | null> {
  let saved: string | null = null;
  try {
    saved = readFileSync(file, 'utf8').trim() || null;
  } catch {
    // No key saved yet.
  }
  return asTenant(organizationId, () =>
    db.transaction(async (tx) => {
      if (saved) {
        const [row] = await tx.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE organization_id = $1 AND key_hash = $2', [organizationId, tokenHash(saved)]);
        if (row) return row.revoked_at ? null : saved;
      }
      const { apiKey, key } = await new ApiKeyStore(tx).create(organizationId, DEMO_INGEST_KEY_NAME, 'ingest', null);
      const ctx = { principal: systemPrincipal(organizationId), ipAddress: null, userAgent: null, requestId: 'demo' };
      await appendAudit(tx, ctx, { action: 'api_key.create', resourceType: 'api_key', resourceId: apiKey.id, after: apiKey });
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${key}\n`, { mode: 0o600 });
      return key;
    }),
  );
}

export interface DemoAgentsOptions {
  controlPlane: ControlPlaneDb;
  /** ARM_DATA_DIR: where the key is saved. */
  dataDir: string;
  /** The collector's own base URL. */
  url: string;
  simulator: Simulator;
  poller: Poller;
  log: Logger;
  requestsPerSecond?: number;
}

export interface DemoAgents {
  /** Resolves once the agents push (after the first inventory), or null when they will not. */
  readonly started: Promise<AgentPush | null>;
  /** Resolves once the demo's past week was pushed (demo-history.ts), with how many requests (0: none). */
  readonly history: Promise<number>;
  /** Stops the agents and flushes their last spans: call it while the collector still takes them. */
  stop(): Promise<void>;
}

/**
 * Starts the simulated agents once the vendor inventory is stored: a span naming an agent the
 * collector has not polled yet would register it a second time, as a CUSTOM agent.
 */
export function startDemoAgents(o: DemoAgentsOptions): DemoAgents {
  let stopped = false;
  const keyFile = join(o.dataDir, DEMO_INGEST_KEY_FILE);
  let apiKey = '';
  const started = (async (): Promise<AgentPush | null> => {
    // The organisation the simulator's connections were opened for: the demo organisation.
    const organizationId = o.poller.connections.find((c) => c.source === 'demo')?.organizationId;
    if (!organizationId) return null;
    const key = await ensureDemoIngestKey(o.controlPlane, organizationId, keyFile);
    if (!key) {
      o.log.warn({ keyName: DEMO_INGEST_KEY_NAME }, `the demo agents' ingest key was revoked: they push no requests (delete ${keyFile} to issue a new one)`);
      return null;
    }
    await Promise.all(o.poller.connections.map((c) => o.poller.inventory(c).catch(() => undefined)));
    if (stopped) return null;
    apiKey = key;
    const push = startAgentPush({ tracesUrl: `${o.url}/v1/traces`, apiKey: key, state: o.simulator.state, requestsPerSecond: o.requestsPerSecond ?? DEMO_REQUESTS_PER_SECOND });
    o.log.info({ agents: push.agents.length, requestsPerSecond: o.requestsPerSecond ?? DEMO_REQUESTS_PER_SECOND }, 'demo agents push their requests to the collector as OTLP spans (POST /v1/traces)');
    return push;
  })().catch((err: unknown) => {
    o.log.error({ err }, 'demo agents could not start: no pushed requests in this demo');
    return null;
  });
  const history = started.then((push) => (push ? demoHistory(push, { dataDir: o.dataDir, url: o.url, apiKey, nowMs: Date.now(), log: o.log, stopped: () => stopped }) : 0)).catch((err: unknown) => {
    o.log.warn({ err }, 'demo agents: the past week was not imported; quality drift has no baseline in this demo');
    return 0;
  });
  return {
    started,
    history,
    async stop() {
      stopped = true;
      const push = await started;
      if (!push) return;
      // The past week's import ends at its next batch; it is waited for so no request is sent to a closing app.
      await history;
      await push.stop();
      o.log.info({ ...push.stats }, 'demo agents stopped; their last spans were flushed');
    },
  };
}
