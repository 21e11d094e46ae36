import type { SqlExecutor } from '../stores/postgres/types';
import { GENESIS_HASH, recordHash } from './chain';
import { chainedFields, type AuditRow } from './log';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /**
   * The newest record verified: keep it elsewhere (a ticket, a log pipeline) and compare next
   * time, since removing records from the end leaves no successor to notice.
   */
  head: { sequence: number; hash: string } | null;
  /** The first place the chain breaks, or null when it holds. */
  firstBroken: { sequence: number; reason: 'missing' | 'altered' | 'relinked'; message: string } | null;
}

const PAGE = 5000;

/**
 * Walks an organisation's chain from the first record: a sequence gap is a deleted record, a
 * hash that does not re-compute an edited one, a prev_hash that is not its predecessor's hash
 * a record moved or re-chained.
 */
export async function verifyChain(db: SqlExecutor, organizationId: string): Promise<VerifyResult> {
  let expected = 1;
  let prev = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await db.query<AuditRow>('SELECT * FROM audit_log WHERE organization_id = $1 AND sequence >= $2 ORDER BY sequence LIMIT $3', [organizationId, expected, PAGE]);
    for (const r of rows) {
      const seq = Number(r.sequence);
      if (seq !== expected) return broken(checked, expected, 'missing', `record ${expected} is missing: the chain jumps from ${expected - 1} to ${seq}`);
      if (r.prev_hash !== prev) return broken(checked, seq, 'relinked', `record ${seq} does not link to record ${seq - 1}`);
      if (recordHash(prev, chainedFields(r)) !== r.hash) return broken(checked, seq, 'altered', `record ${seq} was altered after it was written`);
      prev = r.hash;
      expected = seq + 1;
      checked++;
    }
    if (rows.length < PAGE) return { ok: true, checked, head: checked > 0 ? { sequence: expected - 1, hash: prev } : null, firstBroken: null };
  }
}

const broken = (checked: number, sequence: number, reason: 'missing' | 'altered' | 'relinked', message: string): VerifyResult => ({ ok: false, checked, head: null, firstBroken: { sequence, reason, message } });
