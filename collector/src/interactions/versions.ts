import { createHash } from 'node:crypto';
import type { AgentVersion } from '@ai-arm/schemas';
import { asTenant } from '../stores/tenant-scope';
import type { ControlPlaneDb, SqlExecutor } from '../stores/postgres/types';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface VersionShape {
  model: string;
  /** The text, hashed only when a new version is registered (not per request). */
  system: string | null;
  toolNames: string[];
  fingerprint: string;
}

/**
 * What makes an agent's version: the model, the system instructions and the set of tools. The
 * canonical form is a JSON array (so no field can run into the next), tools sorted and
 * deduplicated (their order in a request says nothing about the agent).
 */
export function versionShape(model: string, systemInstructions: string | undefined, toolNames: readonly string[] | undefined): VersionShape {
  // An agent sends the same shape on every request: map lookups (the instructions as a key of
  // their own, not copied into a longer one) instead of serialising and hashing them each time.
  // Instructions over 16k characters are hashed each time rather than held: the cache stays under ~32 MB.
  if (systemInstructions !== undefined && systemInstructions.length > MAX_CACHED_SYSTEM) return computeShape(model, systemInstructions, toolNames);
  const bySystem = systemInstructions === undefined ? noSystem : (shapes.get(systemInstructions) ?? remember(systemInstructions));
  const rest = JSON.stringify([model, toolNames ?? []]);
  let shape = bySystem.get(rest);
  if (!shape) {
    shape = computeShape(model, systemInstructions, toolNames);
    if (bySystem.size >= MAX_SHAPES) bySystem.delete(bySystem.keys().next().value!);
    bySystem.set(rest, shape);
  }
  return shape;
}

const MAX_SHAPES = 1000;
const MAX_CACHED_SYSTEM = 16_384;
const shapes = new Map<string, Map<string, VersionShape>>();
const noSystem = new Map<string, VersionShape>();
function remember(system: string): Map<string, VersionShape> {
  if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value!);
  const m = new Map<string, VersionShape>();
  shapes.set(system, m);
  return m;
}

function computeShape(model: string, systemInstructions: string | undefined, toolNames: readonly string[] | undefined): VersionShape {
  const tools = [...new Set(toolNames ?? [])].sort();
  const system = systemInstructions ?? null;
  return { model, system, toolNames: tools, fingerprint: sha256(JSON.stringify([model, system, tools])) };
}

const MAX_CACHED = 50_000;
const FLUSH_MS = 10_000;

interface Seen {
  organizationId: string;
  agentId: string;
  fingerprint: string;
  first: number;
  last: number;
}

/**
 * Agent versions: the number a fingerprint got when first seen (cached, so a known version costs
 * no round trip), and the first and last time each was seen, gathered in memory and written
 * every few seconds in one statement per version instead of one per interaction.
 */
export class VersionRegistry {
  private readonly known = new Map<string, number>();
  private readonly pending = new Map<string, Seen>();
  /** One registration per agent at a time: a new version's number is the agent's highest + 1. */
  private readonly perAgent = new Map<string, Promise<unknown>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: ControlPlaneDb,
    onFlushError: (err: Error) => void = () => undefined,
  ) {
    this.timer = setInterval(() => void this.flush().catch(onFlushError), FLUSH_MS).unref();
  }

  /** The version number of this shape for the agent, registering it (first seen at `atMs`) when new. */
  async versionOf(organizationId: string, agentId: string, shape: VersionShape, atMs: number): Promise<number> {
    const known = this.seenKnown(organizationId, agentId, shape, atMs);
    if (known !== undefined) return known;
    const version = await this.serial(agentId, () => this.register(organizationId, agentId, shape, atMs));
    if (this.known.size >= MAX_CACHED) this.known.delete(this.known.keys().next().value!);
    this.known.set(`${organizationId}|${agentId}|${shape.fingerprint}`, version);
    this.sighting(organizationId, agentId, shape, atMs);
    return version;
  }

  /** A known version's number, its sighting noted; undefined when it must be registered (versionOf). */
  seenKnown(organizationId: string, agentId: string, shape: VersionShape, atMs: number): number | undefined {
    const version = this.known.get(`${organizationId}|${agentId}|${shape.fingerprint}`);
    if (version !== undefined) this.sighting(organizationId, agentId, shape, atMs);
    return version;
  }

  private sighting(organizationId: string, agentId: string, shape: VersionShape, atMs: number): void {
    const key = `${organizationId}|${agentId}|${shape.fingerprint}`;
    const seen = this.pending.get(key);
    if (seen) {
      seen.first = Math.min(seen.first, atMs);
      seen.last = Math.max(seen.last, atMs);
    } else this.pending.set(key, { organizationId, agentId, fingerprint: shape.fingerprint, first: atMs, last: atMs });
  }

  /** Writes the gathered first and last seen times. */
  async flush(): Promise<void> {
    const batch = [...this.pending.entries()];
    this.pending.clear();
    for (let i = 0; i < batch.length; i++) {
      const s = batch[i]![1];
      try {
        await asTenant(s.organizationId, () =>
          this.db.query(
            'UPDATE agent_versions SET first_seen_at = least(first_seen_at, $4), last_seen_at = greatest(last_seen_at, $5) WHERE organization_id = $1 AND agent_id = $2 AND fingerprint = $3',
            [s.organizationId, s.agentId, s.fingerprint, new Date(s.first), new Date(s.last)],
          ),
        );
      } catch (err) {
        // Kept for the next flush, merged with what was seen since.
        for (const [key, left] of batch.slice(i)) {
          const now = this.pending.get(key);
          this.pending.set(key, now ? { ...left, first: Math.min(left.first, now.first), last: Math.max(left.last, now.last) } : left);
        }
        throw err;
      }
    }
  }

  forget(agentId: string): void {
    for (const k of this.known.keys()) if (k.includes(`|${agentId}|`)) this.known.delete(k);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private serial<T>(agentId: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.perAgent.get(agentId) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    this.perAgent.set(agentId, tail);
    void tail.then(() => {
      if (this.perAgent.get(agentId) === tail) this.perAgent.delete(agentId);
    });
    return run;
  }

  private async register(organizationId: string, agentId: string, s: VersionShape, atMs: number): Promise<number> {
    // Another collector may number a version of the same agent at once: UNIQUE (agent_id, version) refuses one, which tries again.
    for (let attempt = 0; ; attempt++) {
      try {
        return await asTenant(organizationId, () => insertVersion(this.db, organizationId, agentId, s, new Date(atMs)));
      } catch (err) {
        if ((err as { code?: string }).code !== '23505' || attempt >= 3) throw err;
      }
    }
  }
}

async function insertVersion(db: SqlExecutor, organizationId: string, agentId: string, s: VersionShape, at: Date): Promise<number> {
  const [row] = await db.query<{ version: number }>(
    `INSERT INTO agent_versions (organization_id, agent_id, fingerprint, version, model, system_hash, tool_names, first_seen_at, last_seen_at)
     SELECT $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, $6, $7, $7 FROM agent_versions WHERE organization_id = $1 AND agent_id = $2
     ON CONFLICT (organization_id, agent_id, fingerprint) DO UPDATE SET first_seen_at = least(agent_versions.first_seen_at, excluded.first_seen_at)
     RETURNING version`,
    [organizationId, agentId, s.fingerprint, s.model, s.system === null ? null : sha256(s.system), s.toolNames, at],
  );
  return row!.version;
}

interface VersionRow {
  version: number;
  fingerprint: string;
  model: string;
  system_hash: string | null;
  tool_names: string[];
  first_seen_at: Date;
  last_seen_at: Date;
}

/** An agent's versions, oldest first. */
export async function listVersions(db: SqlExecutor, organizationId: string, agentId: string): Promise<AgentVersion[]> {
  const rows = await db.query<VersionRow>('SELECT version, fingerprint, model, system_hash, tool_names, first_seen_at, last_seen_at FROM agent_versions WHERE organization_id = $1 AND agent_id = $2 ORDER BY version', [organizationId, agentId]);
  return rows.map((r) => ({ version: r.version, fingerprint: r.fingerprint.trim(), model: r.model, systemHash: r.system_hash?.trim() ?? null, toolNames: r.tool_names, firstSeenAt: new Date(r.first_seen_at).toISOString(), lastSeenAt: new Date(r.last_seen_at).toISOString() }));
}

/** Fingerprint to version number for the agents named, to show on their interactions. */
export async function versionNumbers(db: SqlExecutor, organizationId: string, agentIds: readonly string[]): Promise<Map<string, number>> {
  if (agentIds.length === 0) return new Map();
  const rows = await db.query<{ agent_id: string; fingerprint: string; version: number }>('SELECT agent_id, fingerprint, version FROM agent_versions WHERE organization_id = $1 AND agent_id = ANY($2::uuid[])', [organizationId, [...agentIds]]);
  return new Map(rows.map((r) => [`${r.agent_id}|${r.fingerprint.trim()}`, r.version]));
}
