import { createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaseLogger } from 'pino';

type HeadLogger = Pick<BaseLogger, 'info' | 'error'>;
import { systemPrincipal } from '../auth/principal';
import type { ControlPlaneDb } from '../stores/postgres/types';
import { canonicalJson, macMatches } from './chain';
import { appendAudit } from './log';
import { asSystem, asTenant } from '../stores/tenant-scope';

/** The newest record of one organisation's chain, as exported: keep these where the database's owner cannot write. */
export interface ChainHead {
  organizationId: string;
  sequence: number;
  hash: string;
  /** The record's own HMAC (null when written without a key). */
  hmac: string | null;
  /** When it was exported (UTC). */
  exportedAt: string;
  /** HMAC-SHA256 of the fields above under ARM_AUDIT_HMAC_KEY; null without a key. */
  signature: string | null;
}

export const HEADS_FILE = 'audit-heads.jsonl';

const signatureOf = (key: Buffer, h: Omit<ChainHead, 'signature'>) =>
  createHmac('sha256', key).update(`audit-head\n${canonicalJson([h.organizationId, h.sequence, h.hash, h.hmac, h.exportedAt])}`).digest('hex');

/**
 * The head of every organisation's chain, signed. With a key, a chain whose newest record has
 * no HMAC (written before the key was set) is sealed first by an `audit.seal` record, so the
 * whole chain is vouched for from then on.
 */
export async function chainHeads(db: ControlPlaneDb, key: Buffer | null, now: () => Date = () => new Date()): Promise<ChainHead[]> {
  const newest = () =>
    asSystem('each organisation\'s newest record, to sign', () => db.query<{ organization_id: string; sequence: string; hash: string; hmac: string | null }>(
      'SELECT DISTINCT ON (organization_id) organization_id, sequence, hash, hmac FROM audit_log ORDER BY organization_id, sequence DESC',
    ));
  let rows = await newest();
  if (key) {
    const unsealed = rows.filter((r) => r.hmac === null);
    for (const r of unsealed) {
      await asTenant(r.organization_id, () => db.transaction((tx) =>
        appendAudit(tx, { principal: systemPrincipal(r.organization_id), ipAddress: null, userAgent: null, requestId: 'audit-head-export' }, {
          action: 'audit.seal', resourceType: 'audit_log', resourceId: null, metadata: { sealedThrough: Number(r.sequence) },
        }),
      ));
    }
    if (unsealed.length > 0) rows = await newest();
  }
  const exportedAt = now().toISOString();
  return rows.map((r) => {
    const h = { organizationId: r.organization_id, sequence: Number(r.sequence), hash: r.hash, hmac: r.hmac, exportedAt };
    return { ...h, signature: key ? signatureOf(key, h) : null };
  });
}

/** Appends the heads to `<dir>/audit-heads.jsonl`, or writes them to the log when no directory is set. */
export async function exportChainHeads(db: ControlPlaneDb, o: { key: Buffer | null; dir: string | null; logger: HeadLogger }): Promise<ChainHead[]> {
  const heads = await chainHeads(db, o.key);
  if (heads.length === 0) return heads;
  if (o.dir) {
    await mkdir(o.dir, { recursive: true });
    await appendFile(join(o.dir, HEADS_FILE), heads.map((h) => `${JSON.stringify(h)}\n`).join(''), { mode: 0o600 });
  } else {
    for (const h of heads) o.logger.info({ auditHead: h }, 'audit chain head');
  }
  return heads;
}

/**
 * The newest head of each organisation in an export file. With the key every line must carry
 * its signature (else the file itself may have been edited); without it signatures go unchecked.
 */
export async function readChainHeads(file: string, key: Buffer | null): Promise<Map<string, ChainHead>> {
  const newest = new Map<string, ChainHead>();
  const lines = (await readFile(file, 'utf8')).split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let h: ChainHead;
    try {
      h = JSON.parse(line) as ChainHead;
    } catch {
      throw new Error(`${file} line ${i + 1} is not JSON`);
    }
    if (typeof h.organizationId !== 'string' || !Number.isSafeInteger(h.sequence) || typeof h.hash !== 'string') throw new Error(`${file} line ${i + 1} is not a chain head`);
    if (key) {
      const { signature, ...fields } = h;
      if (!macMatches(signatureOf(key, fields), signature)) throw new Error(`${file} line ${i + 1}: the signature does not match ARM_AUDIT_HMAC_KEY (the head was edited, or signed under another key)`);
    }
    const prev = newest.get(h.organizationId);
    if (!prev || h.sequence >= prev.sequence) newest.set(h.organizationId, h);
  }
  return newest;
}

/** Exports now and every `intervalMs`; stop() waits for an export under way. */
export function scheduleHeadExport(db: ControlPlaneDb, o: { key: Buffer | null; dir: string | null; intervalMs: number; logger: HeadLogger }): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running.then(() => exportChainHeads(db, o)).catch((err: unknown) => o.logger.error({ err }, 'audit chain head export failed'));
  };
  if (o.intervalMs <= 0) return { stop: async () => undefined };
  run();
  const timer = setInterval(run, o.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
