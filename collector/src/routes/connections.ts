import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Connection, ConnectionCheck, ConnectionRemoval, Responses, SuccessEnvelope, SupportedVendor as SupportedVendorBody, Vendor } from '@ai-arm/schemas';
import { audited } from '../audit/audited';
import { requireRole } from '../auth/principal';
import { checkAccess, type AccessCheck } from '../connections/check';
import { settleHistory } from '../connections/history';
import { releaseAgents, type ReleasedAgents } from '../connections/release-agents';
import { ConnectionStore, type ConnectionView } from '../connections/store';
import { baseUrlRefusal, type VendorHosts } from '../connections/vendor-hosts';
import { SUPPORTED_VENDORS, supportedVendor, type SupportedVendor } from '../connections/vendors';
import type { Connector, VendorAccount } from '../connectors/types';
import { ApiError } from '../errors';
import { redactUrl } from '../logger';
import type { VendorEndpoint } from '../connectors/registry';
import { credentialHint } from '../poller/connections';
import type { StoredConnection } from '../poller/stored-connections';
import type { CredentialVault } from '../security/envelope-crypto';
import type { TelemetryDb } from '../stores/clickhouse/client';
import type { ControlPlaneDb } from '../stores/postgres/types';

/** What the connections API needs from the running collector. */
export interface ConnectionRuntime {
  /** Null without ARM_MASTER_KEY: connections cannot be stored then. */
  vault: CredentialVault | null;
  /** A connector for checking credentials (no retries: the caller waits). */
  connector(spec: VendorEndpoint): Connector;
  /** Start polling a new (or re-keyed) connection. */
  started?(c: StoredConnection): void;
  /**
   * Stop polling a deleted (or re-keyed) connection, once its runs in flight are done; the
   * agents it leaves unwatched report UNKNOWN health.
   */
  stopped?(id: string, unwatched?: string[]): void | Promise<unknown>;
  /** The organisation's stored cost history changed: refresh its cost gauges, budgets and alerts now. */
  historyChanged?(organizationId: string): Promise<void>;
}

/** Connections from the environment or the demo live in the process's configuration, not the API's. */
function refuseUnlessStored(c: { id: string; source: string }, action: 'change' | 'remove'): void {
  if (c.source !== 'api') throw new ApiError('CONFLICT', `connection ${c.id} comes from the ${c.source === 'demo' ? 'demo simulator' : 'environment'}: ${action} its variables and restart instead`);
}

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Name = Type.String({ minLength: 1, maxLength: 255 });
const Credentials = Type.Object({ adminKey: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });
const BaseUrl = Type.Union([Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 }), Type.Null()]);
const CreateConnection = Type.Object({ vendor: Vendor, name: Name, credentials: Credentials, baseUrl: Type.Optional(BaseUrl) }, { additionalProperties: false });
const PatchConnection = Type.Object(
  { name: Type.Optional(Name), credentials: Type.Optional(Credentials), baseUrl: Type.Optional(BaseUrl) },
  { additionalProperties: false, minProperties: 1 },
);
const One = Responses({ 200: SuccessEnvelope(Connection) });
const DeleteQuery = Type.Object({
  history: Type.Optional(
    Type.Union([Type.Literal('keep'), Type.Literal('delete')], {
      default: 'keep',
      description: 'What the connection polled, when no other connection reads the same account (with one, it is merged into that one): keep it counting, or delete it',
    }),
  ),
});

/** The key's format, before anything is sent to the vendor; the message never repeats the key. */
function checkKeyFormat(supported: SupportedVendor, adminKey: string): void {
  const pattern = supported.fields.find((f) => f.name === 'adminKey')?.pattern;
  if (pattern && !new RegExp(pattern).test(adminKey)) throw new ApiError('VALIDATION_ERROR', `that is not an ${supported.name} admin key (${supported.fields[0]!.placeholder})`, { field: 'body/credentials/adminKey' });
}

/** A refused or unreachable check as the API's error. */
function accessError(check: AccessCheck): ApiError {
  if (check.status === 401 || check.status === 403) return new ApiError('VALIDATION_ERROR', check.error!, { field: 'body/credentials/adminKey', vendorStatus: check.status });
  return new ApiError('VENDOR_ERROR', check.error!, { vendorStatus: check.status });
}

/** 400 naming the field before anything is sent: not http(s), or a host ARM_VENDOR_HOSTS leaves out. */
function permitBaseUrl(baseUrl: string, hosts: VendorHosts, field: string): void {
  const refused = baseUrlRefusal(baseUrl, hosts);
  if (refused) throw new ApiError('VALIDATION_ERROR', refused, { field });
}

/** A connection as responses and audit records show it: a proxy's password or token in its base URL masked. */
const shown = (c: ConnectionView): ConnectionView => ({ ...c, baseUrl: c.baseUrl === null ? null : redactUrl(c.baseUrl) });

const accountWords = (supported: SupportedVendor, a: VendorAccount) => `${supported.name} organisation ${a.name ? `"${a.name}" (${a.id})` : a.id}`;

/** Both connections would poll the same usage and cost: everything would count twice. */
const alreadyConnected = (supported: SupportedVendor, account: VendorAccount, holder: ConnectionView) =>
  new ApiError(
    'CONFLICT',
    `the ${accountWords(supported, account)} is already connected as "${holder.name}" (${holder.id}); a second connection would count its usage and cost twice. To use a new key, rotate it: PATCH /api/v1/connections/${holder.id}`,
    { connectionId: holder.id, name: holder.name, accountId: account.id },
  );

/**
 * Vendor connections: the vendors this build supports, and connections checked against the
 * vendor before they are stored (sealed with AES-256-GCM), one per vendor account, polled at
 * once; keys rotated in place; on delete no longer polled, with their agents and history
 * handed to another connection to the same account when there is one.
 */
export const connectionRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; telemetry: TelemetryDb; runtime: ConnectionRuntime; vendorHosts: VendorHosts }> = async (app, { controlPlane, telemetry, runtime, vendorHosts }) => {
  const store = new ConnectionStore(controlPlane);
  const notFound = (id: string) => new ApiError('NOT_FOUND', `no connection ${id}`);

  app.get('/api/v1/connections/vendors', { schema: { description: 'The vendors this collector can connect to, and the credential fields each needs', response: Responses({ 200: SuccessEnvelope(Type.Array(SupportedVendorBody)) }) } }, async () => ({
    success: true as const,
    data: SUPPORTED_VENDORS,
  }));

  app.get('/api/v1/connections', { schema: { description: "The organisation's vendor connections with their sync state; credentials appear only as a hint", response: Responses({ 200: SuccessEnvelope(Type.Array(Connection)) }) } }, async (request) => ({
    success: true as const,
    data: (await store.list(request.organizationId)).map(shown),
  }));

  app.get('/api/v1/connections/:id', { schema: { params: IdParams, response: One } }, async (request) => {
    const c = await store.get(request.organizationId, request.params.id);
    if (!c) throw notFound(request.params.id);
    return { success: true as const, data: shown(c) };
  });

  app.post('/api/v1/connections', { schema: { body: CreateConnection, description: 'Connect a vendor account: the key is checked for format and against the vendor, then stored encrypted and polled. 409 when the account is already connected', response: Responses({ 201: SuccessEnvelope(Connection) }) } }, async (request, reply) => {
    requireRole(request.principal, 'admin');
    const { vendor, name, credentials, baseUrl } = request.body;
    const supported = supportedVendor(vendor);
    if (!supported) throw new ApiError('VALIDATION_ERROR', `this collector has no connector for ${vendor}; it supports ${SUPPORTED_VENDORS.map((v) => v.vendor).join(', ')}`, { field: 'body/vendor' });
    checkKeyFormat(supported, credentials.adminKey);
    if (!runtime.vault) throw new ApiError('UNAVAILABLE', 'this collector has no ARM_MASTER_KEY, so it cannot store credentials; set it (openssl rand -hex 32) and restart');
    const spec = { vendor: supported.vendor, adminKey: credentials.adminKey, baseUrl: baseUrl ?? supported.defaultBaseUrl };
    permitBaseUrl(spec.baseUrl, vendorHosts, 'body/baseUrl');
    const check = await checkAccess(runtime.connector(spec), spec.baseUrl);
    if (!check.ok) throw accessError(check);
    const account = check.account;
    const id = randomUUID();
    // Sealed before the transaction: the vault may create the organisation's data key first.
    const sealed = await runtime.vault.seal(request.organizationId, id, { adminKey: spec.adminKey });
    const created = await audited(controlPlane, request, async (tx) => {
      const s = new ConnectionStore(tx);
      await s.lockOrganization(request.organizationId);
      const holder = account ? await s.holderOf(request.organizationId, spec.vendor, account.id) : null;
      if (holder) throw alreadyConnected(supported, account!, holder);
      await s.create({ id, organizationId: request.organizationId, vendor: spec.vendor, name, sealed, hint: credentialHint(spec.adminKey), baseUrl: baseUrl ?? null, status: 'CONNECTED', account });
      const c = shown((await s.get(request.organizationId, id))!);
      return { result: c, audit: { action: 'connection.create', resourceType: 'connection', resourceId: id, after: c, metadata: { latencyMs: check.latencyMs } } };
    });
    runtime.started?.({ id, organizationId: request.organizationId, ...spec });
    return reply.code(201).send({ success: true as const, data: created! });
  });

  app.patch(
    '/api/v1/connections/:id',
    { schema: { params: IdParams, body: PatchConnection, description: 'Rename a connection, or rotate its key (or base URL) in place: the new key is checked against the vendor and must read the same account; watermarks, agents and history stay', response: One } },
    async (request) => {
      requireRole(request.principal, 'admin');
      const org = request.organizationId;
      const c = await store.get(org, request.params.id);
      if (!c) throw notFound(request.params.id);
      refuseUnlessStored(c, 'change');
      if (!runtime.vault) throw new ApiError('UNAVAILABLE', 'this collector has no ARM_MASTER_KEY, so it cannot store credentials; set it (openssl rand -hex 32) and restart');
      const supported = supportedVendor(c.vendor)!;
      const { name, credentials } = request.body;
      if (credentials) checkKeyFormat(supported, credentials.adminKey);
      // The masked base URL a GET showed, sent back unchanged, keeps the stored one.
      const asShown = c.baseUrl !== null && request.body.baseUrl === redactUrl(c.baseUrl);
      const baseUrl = request.body.baseUrl !== undefined && !asShown ? request.body.baseUrl : c.baseUrl;
      const rekeyed = credentials !== undefined || baseUrl !== c.baseUrl;
      const adminKey = credentials?.adminKey ?? (await store.secret(runtime.vault, org, c.id))!;
      const spec = { vendor: supported.vendor, adminKey, baseUrl: baseUrl ?? supported.defaultBaseUrl };
      let account: VendorAccount | null = null;
      let latencyMs: number | null = null;
      if (rekeyed) {
        permitBaseUrl(spec.baseUrl, vendorHosts, request.body.baseUrl !== undefined ? 'body/baseUrl' : 'baseUrl');
        // Checked before anything changes: a bad key leaves the working one in place.
        const check = await checkAccess(runtime.connector(spec), spec.baseUrl);
        if (!check.ok) throw accessError(check);
        ({ account, latencyMs } = check);
        if (account && c.account && account.id !== c.account.id) {
          throw new ApiError(
            'CONFLICT',
            `that key reads the ${accountWords(supported, account)}, not the ${accountWords(supported, c.account)} this connection reads: its history would mix two accounts. Connect it as a new connection instead`,
            { field: 'body/credentials/adminKey', accountId: account.id, connectionAccountId: c.account.id },
          );
        }
      }
      const sealed = rekeyed ? await runtime.vault.seal(org, c.id, { adminKey }) : null;
      const updated = await audited(controlPlane, request, async (tx) => {
        const s = new ConnectionStore(tx);
        await s.lockOrganization(org);
        const holder = account && !c.account ? await s.holderOf(org, c.vendor, account.id, c.id) : null;
        if (holder) throw alreadyConnected(supported, account!, holder);
        await s.rekey(org, c.id, { sealed, hint: rekeyed ? credentialHint(adminKey) : null, baseUrl, name: name ?? c.name, account });
        const after = shown((await s.get(org, c.id))!);
        const audit = (x: ConnectionView) => ({ name: x.name, credentialHint: x.credentialHint, baseUrl: x.baseUrl, account: x.account });
        return { result: after, audit: { action: 'connection.update', resourceType: 'connection', resourceId: c.id, before: audit(shown(c)), after: audit(after), metadata: { keyRotated: credentials !== undefined, latencyMs } } };
      });
      if (rekeyed) {
        // The same id: its watermarks carry on, its agents stay, and the new connector's runs take
        // their turns after the old one's in flight (a backfill may hold one for minutes: not awaited).
        void Promise.resolve(runtime.stopped?.(c.id)).catch((err: Error) => request.log.error({ connection: c.id, err: err.message }, 'retiring the old connector failed'));
        runtime.started?.({ id: c.id, organizationId: org, ...spec });
      }
      return { success: true as const, data: updated! };
    },
  );

  app.post('/api/v1/connections/:id/test', { schema: { params: IdParams, description: "Check a stored connection's credentials against the vendor now", response: Responses({ 200: SuccessEnvelope(ConnectionCheck) }) } }, async (request) => {
    requireRole(request.principal, 'admin');
    const c = await store.get(request.organizationId, request.params.id);
    if (!c) throw notFound(request.params.id);
    if (c.source !== 'api') throw new ApiError('CONFLICT', `connection ${c.id} comes from the ${c.source === 'demo' ? 'demo simulator' : 'environment'}; the collector checks it on every poll`);
    if (!runtime.vault) throw new ApiError('UNAVAILABLE', 'this collector has no ARM_MASTER_KEY, so it cannot open stored credentials');
    const adminKey = (await store.secret(runtime.vault, request.organizationId, c.id))!;
    const supported = supportedVendor(c.vendor)!;
    const baseUrl = c.baseUrl ?? supported.defaultBaseUrl;
    permitBaseUrl(baseUrl, vendorHosts, 'baseUrl');
    const check = await checkAccess(runtime.connector({ vendor: supported.vendor, adminKey, baseUrl }), baseUrl);
    const status = check.ok ? ('CONNECTED' as const) : ('ERROR' as const);
    await audited(controlPlane, request, async (tx) => {
      await new ConnectionStore(tx).setStatus(request.organizationId, c.id, status);
      return { result: null, audit: { action: 'connection.test', resourceType: 'connection', resourceId: c.id, before: { status: c.status }, after: { status }, metadata: { ok: check.ok, vendorStatus: check.status } } };
    });
    return { success: true as const, data: { ...check, connectionStatus: status } };
  });

  app.delete(
    '/api/v1/connections/:id',
    { schema: { params: IdParams, querystring: DeleteQuery, description: 'Stop polling a connection. Another connection to the same account takes over its agents and history at once; without one its agents are left unwatched (health UNKNOWN) and its history kept, or deleted with ?history=delete', response: Responses({ 200: SuccessEnvelope(ConnectionRemoval) }) } },
    async (request) => {
      requireRole(request.principal, 'admin');
      const org = request.organizationId;
      const purge = request.query.history === 'delete';
      let released: ReleasedAgents = { reassignedTo: null, reassigned: 0, unwatched: [] };
      let into: string | null = null;
      const removed = await audited(controlPlane, request, async (tx) => {
        const s = new ConnectionStore(tx);
        const c = await s.get(org, request.params.id);
        if (!c) return null;
        refuseUnlessStored(c, 'remove');
        await s.lockOrganization(org);
        const survivor = c.account ? await s.holderOf(org, c.vendor, c.account.id, c.id) : null;
        into = survivor?.id ?? null;
        await s.softDelete(org, c.id);
        released = await releaseAgents(tx, org, c, survivor);
        const history = survivor ? 'merged' : purge ? 'deleted' : 'kept';
        return {
          result: c,
          audit: { action: 'connection.delete', resourceType: 'connection', resourceId: c.id, before: shown(c), metadata: { history, into: survivor?.id ?? null, agentsReassigned: released.reassigned, agentsUnwatched: released.unwatched.length } },
        };
      });
      if (!removed) throw notFound(request.params.id);
      // Its runs in flight end first, so none of its rows land after the history is settled.
      await runtime.stopped?.(removed.id, released.unwatched);
      const history = await settleHistory(telemetry, org, removed.id, { into, purge });
      // Month to date, budgets and cost alerts drop what was merged or deleted now, not at the next poll.
      await runtime.historyChanged?.(org);
      return {
        success: true as const,
        data: { id: removed.id, deleted: true as const, historyKept: history.action !== 'deleted', history, agents: { reassignedTo: released.reassignedTo, reassigned: released.reassigned, unwatched: released.unwatched.length } },
      };
    },
  );
};
