import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: what Postgres' jsonb gives back hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The fields a record's hash covers, in a fixed order. */
export interface ChainedFields {
  organizationId: string;
  sequence: number;
  id: string;
  timestamp: string;
  actorType: string;
  actorId: string;
  actorName: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: unknown;
  after: unknown;
  metadata: unknown;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string;
}

export function recordHash(prevHash: string, r: ChainedFields): string {
  const body = canonicalJson([
    r.organizationId, r.sequence, r.id, r.timestamp, r.actorType, r.actorId, r.actorName, r.action, r.resourceType, r.resourceId,
    r.before ?? null, r.after ?? null, r.metadata ?? {}, r.ipAddress, r.userAgent, r.requestId,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/**
 * The record's hash keyed with ARM_AUDIT_HMAC_KEY. The hash already covers every record before
 * it, so one valid HMAC vouches for the whole chain up to its record: rewriting any of it means
 * recomputing this, which takes the key.
 */
export function recordMac(key: Buffer, organizationId: string, sequence: number, hash: string): string {
  return createHmac('sha256', key).update(`audit-record\n${organizationId}\n${sequence}\n${hash}`).digest('hex');
}

export function macMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

// The key appends use: set once at start from ARM_AUDIT_HMAC_KEY (every append passes through
// appendAudit, from routes and the poller alike, so threading it through each caller buys nothing).
let appendKey: Buffer | null = null;

export function useAuditKey(key: Buffer | null): void {
  appendKey = key;
}

export const auditKey = (): Buffer | null => appendKey;
