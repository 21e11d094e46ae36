import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Vendor } from '@ai-arm/schemas';
import { audited, auditedRemoval } from '../audit/audited';
import { requireRole } from '../auth/principal';
import { checkAccess } from '../connections/check';
import { ConnectionStore } from '../connections/store';
import { SUPPORTED_VENDORS, supportedVendor } from '../connections/vendors';
import type { Connector } from '../connectors/types';
import { ApiError } from '../errors';
import { credentialHint, type VendorEndpoint } from '../poller/connections';
import type { StoredConnection } from '../poller/stored-connections';
import type { CredentialVault } from '../security/envelope-crypto';
import type { ControlPlaneDb } from '../stores/postgres/types';

/** What the connections API needs from the running collector. */
export interface ConnectionRuntime {
  /** Null without ARM_MASTER_KEY: connections cannot be stored then. */
  vault: CredentialVault | null;
  /** A connector for checking credentials (no retries: the caller waits). */
  connector(spec: VendorEndpoint): Connector;
  /** Start polling a new connection; stop polling a deleted one. */
  started?(c: StoredConnection): void;
  stopped?(id: string): void;
}

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const CreateConnection = Type.Object(
  {
    vendor: Vendor,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    credentials: Type.Object({ adminKey: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
    baseUrl: Type.Optional(Type.Union([Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 }), Type.Null()])),
  },
  { additionalProperties: false },
);

/**
 * Vendor connections: the vendors this build supports, and connections checked against the
 * vendor before they are stored (sealed with AES-256-GCM), polled at once, and on delete no
 * longer polled while their history stays.
 */
export const connectionRoutes: FastifyPluginAsyncTypebox<{ controlPlane: ControlPlaneDb; runtime: ConnectionRuntime }> = async (app, { controlPlane, runtime }) => {
  const store = new ConnectionStore(controlPlane);
  const notFound = (id: string) => new ApiError('NOT_FOUND', `no connection ${id}`);

  app.get('/api/v1/connections/vendors', { schema: { description: 'The vendors this collector can connect to, and the credential fields each needs' } }, async () => ({
    success: true as const,
    data: SUPPORTED_VENDORS,
  }));

  app.get('/api/v1/connections', { schema: { description: "The organisation's vendor connections with their sync state; credentials appear only as a hint" } }, async (request) => ({
    success: true as const,
    data: await store.list(request.organizationId),
  }));

  app.get('/api/v1/connections/:id', { schema: { params: IdParams } }, async (request) => {
    const c = await store.get(request.organizationId, request.params.id);
    if (!c) throw notFound(request.params.id);
    return { success: true as const, data: c };
  });

  app.post('/api/v1/connections', { schema: { body: CreateConnection, description: 'Connect a vendor account: the key is checked for format and against the vendor, then stored encrypted and polled' } }, async (request, reply) => {
    requireRole(request.principal, 'admin');
    const { vendor, name, credentials, baseUrl } = request.body;
    const supported = supportedVendor(vendor);
    if (!supported) throw new ApiError('VALIDATION_ERROR', `this collector has no connector for ${vendor}; it supports ${SUPPORTED_VENDORS.map((v) => v.vendor).join(', ')}`, { field: 'body/vendor' });
    const pattern = supported.fields.find((f) => f.name === 'adminKey')?.pattern;
    // The message never repeats the key.
    if (pattern && !new RegExp(pattern).test(credentials.adminKey)) throw new ApiError('VALIDATION_ERROR', `that is not an ${supported.name} admin key (${supported.fields[0]!.placeholder})`, { field: 'body/credentials/adminKey' });
    if (!runtime.vault) throw new ApiError('UNAVAILABLE', 'this collector has no ARM_MASTER_KEY, so it cannot store credentials; set it (openssl rand -hex 32) and restart');
    const spec = { vendor: supported.vendor as 'OPENAI' | 'ANTHROPIC', adminKey: credentials.adminKey, baseUrl: baseUrl ?? supported.defaultBaseUrl };
    const check = await checkAccess(runtime.connector(spec), spec.baseUrl);
    if (!check.ok) {
      if (check.status === 401 || check.status === 403) throw new ApiError('VALIDATION_ERROR', check.error!, { field: 'body/credentials/adminKey', vendorStatus: check.status });
      throw new ApiError('VENDOR_ERROR', check.error!, { vendorStatus: check.status });
    }
    const id = randomUUID();
    // Sealed before the transaction: the vault may create the organisation's data key first.
    const sealed = await runtime.vault.seal(request.organizationId, id, { adminKey: spec.adminKey });
    const created = await audited(controlPlane, request, async (tx) => {
      const s = new ConnectionStore(tx);
      await s.create({ id, organizationId: request.organizationId, vendor: spec.vendor, name, sealed, hint: credentialHint(spec.adminKey), baseUrl: baseUrl ?? null, status: 'CONNECTED' });
      const c = (await s.get(request.organizationId, id))!;
      return { result: c, audit: { action: 'connection.create', resourceType: 'connection', resourceId: id, after: c, metadata: { latencyMs: check.latencyMs } } };
    });
    runtime.started?.({ id, organizationId: request.organizationId, ...spec });
    return reply.code(201).send({ success: true as const, data: created! });
  });

  app.post('/api/v1/connections/:id/test', { schema: { params: IdParams, description: "Check a stored connection's credentials against the vendor now" } }, async (request) => {
    requireRole(request.principal, 'admin');
    const c = await store.get(request.organizationId, request.params.id);
    if (!c) throw notFound(request.params.id);
    if (c.source !== 'api') throw new ApiError('CONFLICT', `connection ${c.id} comes from the ${c.source === 'demo' ? 'demo simulator' : 'environment'}; the collector checks it on every poll`);
    if (!runtime.vault) throw new ApiError('UNAVAILABLE', 'this collector has no ARM_MASTER_KEY, so it cannot open stored credentials');
    const adminKey = (await store.secret(runtime.vault, request.organizationId, c.id))!;
    const baseUrl = c.baseUrl ?? supportedVendor(c.vendor)!.defaultBaseUrl;
    const check = await checkAccess(runtime.connector({ vendor: c.vendor as 'OPENAI' | 'ANTHROPIC', adminKey, baseUrl }), baseUrl);
    const status = check.ok ? 'CONNECTED' : 'ERROR';
    await audited(controlPlane, request, async (tx) => {
      await new ConnectionStore(tx).setStatus(request.organizationId, c.id, status);
      return { result: null, audit: { action: 'connection.test', resourceType: 'connection', resourceId: c.id, before: { status: c.status }, after: { status }, metadata: { ok: check.ok, vendorStatus: check.status } } };
    });
    return { success: true as const, data: { ...check, connectionStatus: status } };
  });

  app.delete('/api/v1/connections/:id', { schema: { params: IdParams, description: 'Stop polling a connection; what it collected stays' } }, async (request) => {
    requireRole(request.principal, 'admin');
    const removed = await auditedRemoval(controlPlane, request, request.params.id, {
      what: 'connection',
      resourceType: 'connection',
      find: (tx, org, id) => new ConnectionStore(tx).get(org, id),
      remove: async (tx, c) => {
        if (c.source !== 'api') throw new ApiError('CONFLICT', `connection ${c.id} comes from the ${c.source === 'demo' ? 'demo simulator' : 'environment'}: remove its variables and restart instead`);
        await new ConnectionStore(tx).softDelete(c.organizationId, c.id);
      },
    });
    runtime.stopped?.(removed.id);
    return { success: true as const, data: { id: removed.id, deleted: true, historyKept: true } };
  });
};
