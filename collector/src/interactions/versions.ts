import { createHash } from 'node:crypto';
import type { AgentVersion } from '@ai-arm/schemas';
import { Turns } from '../runtime/turns';
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
/** Shapes remembered per agent as last sent, and the characters of instructions all of them may hold. */
const RECENT_PER_AGENT = 4;
const MAX_RECENT_CHARS = 16_000_000;

/** A known version: its number, and the first and last time it was seen since the last flush. */
interface Known {
  organizationId: string;
  agentId: string;
  fingerprint: string;
  version: number;
  first: number;
  last: number;
  /** Waiting for the next flush (in `pending`). */
  pending: boolean;
}

/** A shape exactly as an agent last sent it (tools unsorted), with the version it is. */
interface Recent {
  organizationId: string;
  model: string;
  system: string | undefined;
  toolNames: readonly string[] | undefined;
  known: Known;
}

const sameTools = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean => {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return (a?.length ?? 0) === 0 && (b?.length ?? 0) === 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Agent versions: the number a fingerprint got when first seen (cached, so a known version costs
 * no round trip), and the first and last time each was seen, gathered in memory and written
 * every few seconds in one statement per version instead of one per interaction.
 */
export class VersionRegistry {
  private readonly known = new Map<string, Known>();
  private pending: Known[] = [];
  /**
   * Per agent, the shapes it sent lately as it sent them: an agent sends the same one request
   * after request, and comparing its instructions with the text held is far cheaper than hashing
   * them again as a map key (every request decodes its own copy).
   */
  private readonly recent = new Map<string, Recent[]>();
  private recentChars = 0;
  /** One registration per agent at a time: a new version's number is the agent's highest + 1. */
  private readonly perAgent = new Turns();
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
    const version = await this.perAgent.take(agentId, () => this.register(organizationId, agentId, shape, atMs));
    const key = `${organizationId}|${agentId}|${shape.fingerprint}`;
    let k = this.known.get(key);
    if (!k) {
      if (this.known.size >= MAX_CACHED) this.known.delete(this.known.keys().next().value!);
      k = { organizationId, agentId, fingerprint: shape.fingerprint, version, first: Infinity, last: -Infinity, pending: false };
      this.known.set(key, k);
    }
    this.sighting(k, atMs);
    return version;
  }

  /** A known version's number, its sighting noted; undefined when it must be registered (versionOf). */
  private seenKnown(organizationId: string, agentId: string, shape: VersionShape, atMs: number): number | undefined {
    const k = this.known.get(`${organizationId}|${agentId}|${shape.fingerprint}`);
    if (k === undefined) return undefined;
    this.sighting(k, atMs);
    return k.version;
  }

  /**
   * The pipeline's path per request: the version of the shape as sent (model, instructions, tools
   * in the order given), its sighting noted, when the agent sent that shape lately or the version
   * is known; undefined when it must be registered (versionShape, then versionOf).
   */
  sight(organizationId: string, agentId: string, model: string, system: string | undefined, toolNames: readonly string[] | undefined, atMs: number): { fingerprint: string; version: number } | undefined {
    const lately = this.recent.get(agentId);
    if (lately) {
      for (const r of lately) {
        if (r.system === system && r.model === model && r.organizationId === organizationId && sameTools(r.toolNames, toolNames)) {
          this.sighting(r.known, atMs);
          return r.known;
        }
      }
    }
    const shape = versionShape(model, system, toolNames);
    const k = this.known.get(`${organizationId}|${agentId}|${shape.fingerprint}`);
    if (k === undefined) return undefined;
    this.sighting(k, atMs);
    this.remember(agentId, { organizationId, model, system: shape.system ?? undefined, toolNames: toolNames ? [...toolNames] : undefined, known: k });
    return k;
  }

  private remember(agentId: string, r: Recent): void {
    const chars = r.system?.length ?? 0;
    if (this.recentChars + chars > MAX_RECENT_CHARS) {
      this.recent.clear();
      this.recentChars = 0;
    }
    let lately = this.recent.get(agentId);
    if (!lately) {
      if (this.recent.size >= MAX_CACHED) {
        this.recent.clear();
        this.recentChars = 0;
      }
      this.recent.set(agentId, (lately = []));
    }
    lately.unshift(r);
    this.recentChars += chars;
    if (lately.length > RECENT_PER_AGENT) this.recentChars -= lately.pop()!.system?.length ?? 0;
  }

  private sighting(k: Known, atMs: number): void {
    if (atMs < k.first) k.first = atMs;
    if (atMs > k.last) k.last = atMs;
    if (!k.pending) {
      k.pending = true;
      this.pending.push(k);
    }
  }

  /** Writes the gathered first and last seen times. */
  async flush(): Promise<void> {
    const batch = this.pending.map((k) => ({ k, first: k.first, last: k.last }));
    this.pending = [];
    for (const b of batch) {
      b.k.pending = false;
      b.k.first = Infinity;
      b.k.last = -Infinity;
    }
    for (let i = 0; i < batch.length; i++) {
      const { k: s, first, last } = batch[i]!;
      try {
        await asTenant(s.organizationId, () =>
          this.db.query(
            'UPDATE agent_versions SET first_seen_at = least(first_seen_at, $4), last_seen_at = greatest(last_seen_at, $5) WHERE organization_id = $1 AND agent_id = $2 AND fingerprint = $3',
            [s.organizationId, s.agentId, s.fingerprint, new Date(first), new Date(last)],
          ),
        );
      } catch (err) {
        // Kept for the next flush, merged with what was seen since.
        for (const left of batch.slice(i)) {
          this.sighting(left.k, left.first);
          this.sighting(left.k, left.last);
        }
        throw err;
      }
    }
  }

  forget(agentId: string): void {
    for (const k of this.known.keys()) if (k.includes(`|${agentId}|`)) this.known.delete(k);
    for (const r of this.recent.get(agentId) ?? []) this.recentChars -= r.system?.length ?? 0;
    this.recent.delete(agentId);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
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
