import type { SqlExecutor } from '../stores/postgres/types';
import { GENESIS_HASH, macMatches, recordHash, recordMac } from './chain';
import { chainedFields, type AuditRow } from './log';

export type BreakReason = 'missing' | 'altered' | 'relinked' | 'forged' | 'unsigned' | 'truncated';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** Whether HMACs were checked (ARM_AUDIT_HMAC_KEY set where verify ran). */
  keyed: boolean;
  /**
   * The newest record verified. Removing records from the end leaves no successor to notice:
   * compare with a head exported earlier (ARM_AUDIT_HEAD_EXPORT_DIR), which verify takes.
   */
  head: { sequence: number; hash: string } | null;
  /** The first place the chain breaks, or null when it holds. */
  firstBroken: { sequence: number; reason: BreakReason; message: string } | null;
}

export interface VerifyOptions {
  /** ARM_AUDIT_HMAC_KEY: every HMAC present must match, and the newest record must carry one. */
  key?: Buffer | null;
  /** A head exported earlier: the chain must still hold that record, with that hash. */
  exportedHead?: { sequence: number; hash: string } | null;
}

const PAGE = 5000;

/**
 * Walks an organisation's chain from the first record: a sequence gap is a deleted record, a
 * hash that does not re-compute an edited one, a prev_hash that is not its predecessor's hash
 * a record moved or re-chained. With the key, an HMAC that does not match is a chain rewritten
 * without it; records without one (written before the key was set) are vouched for by the next
 * keyed record's hash, so the newest must be keyed. An exported head catches a truncated tail.
 */
export async function verifyChain(db: SqlExecutor, organizationId: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const key = opts.key ?? null;
  const keyed = key !== null;
  const broken = (sequence: number, reason: BreakReason, message: string): VerifyResult => ({ ok: false, checked, keyed, head: null, firstBroken: { sequence, reason, message } });
  let expected = 1;
  let prev = GENESIS_HASH;
  let checked = 0;
  let newestMac: string | null = null;
  let exportedSeen = false;
  const exported = opts.exportedHead ?? null;
  for (;;) {
    const rows = await db.query<AuditRow>('SELECT * FROM audit_log WHERE organization_id = $1 AND sequence >= $2 ORDER BY sequence LIMIT $3', [organizationId, expected, PAGE]);
    for (const r of rows) {
      const seq = Number(r.sequence);
      if (seq !== expected) return broken(expected, 'missing', `record ${expected} is missing: the chain jumps from ${expected - 1} to ${seq}`);
      if (r.prev_hash !== prev) return broken(seq, 'relinked', `record ${seq} does not link to record ${seq - 1}`);
      if (recordHash(prev, chainedFields(r)) !== r.hash) return broken(seq, 'altered', `record ${seq} was altered after it was written`);
      if (key && r.hmac !== null && !macMatches(recordMac(key, organizationId, seq, r.hash), r.hmac)) {
        return broken(seq, 'forged', `record ${seq}'s HMAC does not match: the chain was rewritten without ARM_AUDIT_HMAC_KEY (or under another key)`);
      }
      if (exported && seq === exported.sequence) {
        if (r.hash !== exported.hash) return broken(seq, 'altered', `record ${seq} is not the one the exported head names: the chain was rewritten from there or before`);
        exportedSeen = true;
      }
      newestMac = r.hmac;
      prev = r.hash;
      expected = seq + 1;
      checked++;
    }
    if (rows.length === PAGE) continue;
    const last = expected - 1;
    if (exported && !exportedSeen) {
      return broken(last + 1, 'truncated', `the chain ends at record ${last}, but an exported head names record ${exported.sequence}: the newest records were deleted`);
    }
    if (key && checked > 0 && newestMac === null) {
      return broken(last, 'unsigned', `the newest record, ${last}, has no HMAC: a chain recomputed without ARM_AUDIT_HMAC_KEY, or records written while it was unset (the next head export seals them)`);
    }
    return { ok: true, checked, keyed, head: checked > 0 ? { sequence: last, hash: prev } : null, firstBroken: null };
  }
}
