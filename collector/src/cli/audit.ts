import { parseArgs } from 'node:util';
import { readChainHeads, type ChainHead } from '../audit/heads';
import { verifyChain, type VerifyResult } from '../audit/verify';
import type { Config } from '../config/env';
import { createLogger } from '../logger';
import { Instruments } from '../metrics/instruments.generated';
import { PrometheusSink } from '../metrics/prometheus-sink';
import { acquireDataLock, readLiveLock } from '../runtime/data-lock';
import { openStores } from '../stores';
import { UsageError } from './usage-error';
import { asSystem, asTenant } from '../stores/tenant-scope';

export const AUDIT_USAGE =
  'usage: ai-arm audit verify [--organization <slug>] [--heads <audit-heads.jsonl>]   (exit 0: every chain intact, 1: a chain is broken or shorter than its exported head)';

const report = (name: string, r: VerifyResult) =>
  r.ok ? `${name}: ${r.checked} record(s), chain intact${r.head ? `; head ${r.head.sequence} ${r.head.hash}` : ''}${r.keyed ? '; HMACs checked' : ''}` : `${name}: BROKEN at record ${r.firstBroken!.sequence} (${r.firstBroken!.reason}): ${r.firstBroken!.message}; ${r.checked} record(s) before it verified`;

/**
 * Verifies the audit trail's hash chains: through the running collector's API when one holds
 * the embedded stores (with ARM_API_KEY), otherwise straight from the control plane. With
 * `--heads`, each chain must still reach the newest head exported for it (its signature
 * checked under ARM_AUDIT_HMAC_KEY), so deleting the newest records is caught too.
 */
export async function runAudit(config: Config, args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { organization: { type: 'string' }, heads: { type: 'string' } } });
  if (positionals[0] !== 'verify') throw new UsageError(AUDIT_USAGE);
  let heads: Map<string, ChainHead> | null = null;
  if (values.heads) {
    try {
      heads = await readChainHeads(values.heads, config.audit.hmacKey);
    } catch (err) {
      console.log(`--heads: ${(err as Error).message}`);
      return 1;
    }
  }
  const headOf = (organizationId: string) => {
    const h = heads?.get(organizationId);
    return h ? { sequence: h.sequence, hash: h.hash } : null;
  };
  const embedded = !config.postgresUrl || !config.clickhouseUrl;
  const holder = embedded ? readLiveLock(config.dataDir) : null;
  if (holder) {
    if (!config.api.cliKey) throw new UsageError(`a collector runs on ${config.dataDir}: set ARM_API_KEY to an admin API key of its organisation`);
    const authorization = `Bearer ${config.api.cliKey}`;
    let query = '';
    if (heads) {
      const me = (await (await fetch(`http://${holder.host}:${holder.port}/api/auth/me`, { headers: { authorization } })).json()) as { data?: { organizationId: string } };
      const h = me.data ? headOf(me.data.organizationId) : null;
      if (h) query = `?headSequence=${h.sequence}&headHash=${h.hash}`;
    }
    const res = await fetch(`http://${holder.host}:${holder.port}/api/v1/governance/audit/verify${query}`, { headers: { authorization } });
    const body = (await res.json()) as { data?: VerifyResult; error?: { message: string } };
    if (!body.data) throw new Error(`the collector answered ${res.status}: ${body.error?.message ?? 'no result'}`);
    console.log(report('organization of ARM_API_KEY', body.data));
    return body.data.ok ? 0 : 1;
  }
  const lock = embedded ? acquireDataLock(config.dataDir, config.host, config.port) : null;
  const stores = await openStores(config, new Instruments(new PrometheusSink({ processMetrics: false })), createLogger('warn'));
  try {
    const orgs = await asSystem('the operator verifies every organisation\'s chain', () =>
      stores.controlPlane.query<{ id: string; slug: string }>('SELECT id, slug FROM organizations WHERE $1::text IS NULL OR slug = $1 ORDER BY slug', [values.organization ?? null]),
    );
    if (orgs.length === 0) throw new UsageError(`no organisation ${values.organization}`);
    let ok = true;
    for (const o of orgs) {
      const r = await asTenant(o.id, () => verifyChain(stores.controlPlane, o.id, { key: config.audit.hmacKey, exportedHead: headOf(o.id) }));
      ok &&= r.ok;
      console.log(report(o.slug, r));
    }
    return ok ? 0 : 1;
  } finally {
    await stores.close();
    lock?.release();
  }
}
