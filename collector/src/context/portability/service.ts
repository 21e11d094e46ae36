import { chatVendor } from '../../connectors/models';
import type { CapturePlan, Context, ContextSource, ExportFormat, ImportRequest, ImportResult, InjectRequest, InjectResult, Preference, PreferenceInjection, TransferRequest, TransferResult } from '@ai-arm/schemas';
import type { Logger } from 'pino';
import { AgentStore, type AgentView } from '../../agents/store';
import { auditContext, type AuditedRequest } from '../../audit/context';
import { recordAudit } from '../../audit/audited';
import { appendAudit } from '../../audit/log';
import { requireRole } from '../../auth/principal';
import type { VendorHosts } from '../../config/vendor-hosts';
import { ConnectionStore, type ConnectionView } from '../../connections/store';
import { baseUrlRefusal } from '../../connections/vendor-hosts';
import { supportedVendor } from '../../connections/vendors';
import { ApiError } from '../../errors';
import type { CredentialVault } from '../../security/envelope-crypto';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import type { ContextDraft } from '../items/draft';
import type { ContextStore } from '../items/store';
import { exportAs, parseExport, type AnyExport } from './formats';
import { draftOf, type ParsedImport, type PortableItem } from './formats/portable';
import { InjectionStore } from './injections';
import { instructionsWith, livePreference, toPreference } from './preferences';
import { MAX_INSTRUCTIONS, readInstructions, writeInstructions, type InstructionsTarget } from '../../connectors/instructions';

export interface PortabilityDeps {
  controlPlane: ControlPlaneDb;
  store: ContextStore;
  /** Opens a connection's key to write an agent's instructions; null without ARM_MASTER_KEY. */
  vault: CredentialVault | null;
  vendorHosts: VendorHosts;
  log: Logger;
  now?: () => number;
  /**
   * The key of a connection whose key is not stored (source env or demo: it is in the collector's
   * environment, or the simulator's); without it such agents cannot be written to (409).
   */
  connectionKey?: (connection: { id: string; vendor: string; source: string }) => string | null;
}

/** Most preferences GET /api/v1/preferences reads across an organisation's agents (pages of the store's list). */
const PREFERENCE_PAGES = 20;

const countsOf = (plan: CapturePlan) => ({ created: plan.created.length, merged: plan.merged.length, superseded: plan.superseded.length, unchanged: plan.unchanged, invalid: plan.invalid.length });

/** Export, import and transfer of an agent's context, and preferences written into vendor agents' instructions (undoable). */
export class ContextPortability {
  private readonly agents: AgentStore;
  private readonly connections: ConnectionStore;
  private readonly now: () => number;

  constructor(readonly deps: PortabilityDeps) {
    this.agents = new AgentStore(deps.controlPlane);
    this.connections = new ConnectionStore(deps.controlPlane);
    this.now = deps.now ?? Date.now;
  }

  async export(organizationId: string, agentId: string, format: ExportFormat, o: { includeSuperseded?: boolean } = {}): Promise<AnyExport> {
    const agent = await this.agentOf(organizationId, agentId);
    const items = await this.deps.store.allOf(organizationId, agentId, { includeSuperseded: o.includeSuperseded ?? false });
    return exportAs(format, { organizationId, agent: { id: agent.id, name: agent.name, vendor: agent.vendor }, items, exportedAtMs: this.now() });
  }

  async import(request: AuditedRequest, body: ImportRequest): Promise<ImportResult> {
    const org = request.organizationId;
    await this.agentOf(org, body.agentId);
    const parsed = parseExport(body.format, body.data);
    const dryRun = body.dryRun ?? false;
    const plan = await this.capture(org, parsed, (index, item) =>
      draftOf(body.agentId, item, { type: 'IMPORT', interactionId: parsed.provenance?.get(index)?.interactionId ?? null, extractor: parsed.provenance?.get(index)?.extractor ?? null, importedFrom: parsed.importedFrom }),
    dryRun);
    if (!dryRun) {
      await recordAudit(this.deps.controlPlane, request, {
        action: 'context.import',
        resourceType: 'agent',
        resourceId: body.agentId,
        metadata: { format: body.format, importedFrom: parsed.importedFrom, checksumVerified: parsed.checksumVerified, entries: parsed.entries, ...countsOf(plan) },
      });
    }
    return { checksumVerified: parsed.checksumVerified, plan };
  }

  async transfer(request: AuditedRequest, body: TransferRequest): Promise<TransferResult> {
    const org = request.organizationId;
    if (body.fromAgentId === body.toAgentId) throw new ApiError('VALIDATION_ERROR', 'fromAgentId and toAgentId are the same agent: a transfer moves context to another agent', { field: 'body/toAgentId' });
    const inject = body.injectPreferences ?? false;
    const dryRun = body.dryRun ?? false;
    // Writing into a vendor agent is an admin's change, whichever route asks for it.
    if (inject) {
      requireRole(request.principal, 'admin');
      // Through Grafana the transfer route is an Editor's; writing a vendor agent's instructions is an Admin's (the inject route).
      if (request.principal.role === 'grafana') throw new ApiError('FORBIDDEN', 'injectPreferences is not taken through the Grafana app: transfer, then inject with POST /api/v1/preferences/inject/:agentId (Admin)', { field: 'body/injectPreferences' });
    }
    const from = await this.agentOf(org, body.fromAgentId);
    const to = await this.agentOf(org, body.toAgentId);
    // Known before anything is captured: a target that cannot be written to refuses the whole transfer.
    if (inject && !dryRun) await this.targetOf(org, to);
    const types = body.types ? new Set(body.types) : null;
    const items = (await this.deps.store.allOf(org, from.id)).filter((i) => types === null || types.has(i.type));
    const parsed: ParsedImport = { entries: items.length, items: items.map((c, index) => ({ index, item: portableOf(c) })), invalid: [], checksumVerified: null, importedFrom: from.id };
    const source = (c: Context): ContextSource => ({ type: 'TRANSFER', interactionId: c.source.interactionId, extractor: c.source.extractor, importedFrom: from.id });
    const plan = await this.capture(org, parsed, (index, item) => draftOf(to.id, item, source(items[index]!)), dryRun);
    if (dryRun) return { plan, injection: null };
    await recordAudit(this.deps.controlPlane, request, {
      action: 'context.transfer',
      resourceType: 'agent',
      resourceId: to.id,
      metadata: { fromAgentId: from.id, fromVendor: from.vendor, toVendor: to.vendor, types: body.types ?? null, injectPreferences: inject, ...countsOf(plan) },
    });
    if (!inject) return { plan, injection: null };
    try {
      return { plan, injection: (await this.inject(request, to.id, {})).injection };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      throw new ApiError(err.code, `the context was transferred (${plan.created.length} created, ${plan.merged.length} merged), but writing the preferences into ${to.name} failed: ${err.message}. Retry with POST /api/v1/preferences/inject/${to.id}`, err.details);
    }
  }

  async preferences(organizationId: string, q: { agentId?: string; userId?: string }): Promise<Preference[]> {
    const nowMs = this.now();
    let items: Context[];
    if (q.agentId) {
      await this.agentOf(organizationId, q.agentId);
      items = await this.deps.store.allOf(organizationId, q.agentId);
    } else {
      items = [];
      let cursor: string | undefined;
      for (let page = 0; page < PREFERENCE_PAGES; page++) {
        const r = await this.deps.store.list(organizationId, { type: 'PREFERENCE', limit: 500, ...(q.userId ? { userId: q.userId } : {}), ...(cursor ? { cursor } : {}) });
        items.push(...r.items);
        if (!r.nextCursor) break;
        cursor = r.nextCursor;
      }
    }
    return items
      .filter((i) => livePreference(i, nowMs) && (q.userId === undefined || i.userId === q.userId))
      .map(toPreference)
      .sort((a, b) => a.agentId.localeCompare(b.agentId) || (a.userId ?? '').localeCompare(b.userId ?? '') || a.category.localeCompare(b.category) || a.key.localeCompare(b.key) || a.id.localeCompare(b.id));
  }

  async inject(request: AuditedRequest, agentId: string, body: InjectRequest): Promise<InjectResult> {
    const org = request.organizationId;
    const agent = await this.agentOf(org, agentId);
    const target = await this.targetOf(org, agent);
    const userId = body.userId ?? null;
    // Agent-wide preferences by default; with a user, that user's own (each in a block of its own).
    const prefs = (await this.preferences(org, { agentId })).filter((p) => p.userId === userId);
    const planned = (before: string) => {
      const after = instructionsWith(before, prefs, userId);
      if (after.length > MAX_INSTRUCTIONS) throw new ApiError('CONFLICT', `with the preferences, ${agent.name}'s instructions would be ${after.length} characters, more than the ${MAX_INSTRUCTIONS} its vendor takes`, { length: after.length, limit: MAX_INSTRUCTIONS });
      return after;
    };
    if (body.dryRun) {
      const current = await readInstructions(target);
      return { dryRun: true, before: current.text, after: planned(current.text), injection: null };
    }
    let written: { before: string } | null = null;
    try {
      return await this.deps.controlPlane.transaction(async (tx) => {
        const injections = new InjectionStore(tx);
        await injections.lockAgent(org, agentId);
        const current = await readInstructions(target);
        const after = planned(current.text);
        // Nothing would change: nothing is written or recorded (an injection is only kept when it did something to undo).
        if (after === current.text) return { dryRun: false, before: current.text, after, injection: null };
        const injection = await injections.insert(org, { agentId, vendor: agent.vendor, before: current.text, after, preferenceIds: prefs.map((p) => p.id), createdBy: request.principal.actorName });
        await writeInstructions(target, after, current.version);
        written = { before: current.text };
        // The audit chain's lock is taken last, after the vendor call, so other changes of the organisation do not wait on the vendor.
        await appendAudit(tx, auditContext(request), {
          action: 'preference.inject',
          resourceType: 'agent',
          resourceId: agentId,
          before: { instructions: current.text },
          after: { instructions: after },
          metadata: { injectionId: injection.id, vendor: agent.vendor, vendorAgentId: agent.vendorAgentId, userId, preferenceIds: injection.preferenceIds },
        });
        return { dryRun: false, before: current.text, after, injection };
      });
    } catch (err) {
      if (written) await this.revert(target, (written as { before: string }).before, err);
      throw err;
    }
  }

  /**
   * Writes back the instructions an injection found. Only the agent's latest injection not yet
   * undone may be undone (injections are undone newest first, as a stack), and only while the
   * vendor still has exactly what it wrote: anything changed since (at the vendor, by hand, or
   * by a write AI-ARM did not make) would be lost, so that is a 409 and nothing is written.
   */
  async undo(request: AuditedRequest, agentId: string, injectionId?: string): Promise<PreferenceInjection> {
    const org = request.organizationId;
    const agent = await this.agentOf(org, agentId);
    const target = await this.targetOf(org, agent);
    let written: { before: string } | null = null;
    try {
      return await this.deps.controlPlane.transaction(async (tx) => {
        const injections = new InjectionStore(tx);
        await injections.lockAgent(org, agentId);
        const latest = await injections.latestLive(org, agentId);
        let row: PreferenceInjection;
        if (injectionId) {
          const found = await injections.get(org, agentId, injectionId);
          if (!found) throw new ApiError('NOT_FOUND', `no preference injection ${injectionId} of agent ${agentId}`);
          if (found.undoneAt) throw new ApiError('CONFLICT', `injection ${injectionId} was already undone at ${found.undoneAt} by ${found.undoneBy}`, { injectionId, undoneAt: found.undoneAt });
          if (latest && latest.id !== found.id) throw new ApiError('CONFLICT', `a later injection (${latest.id}, at ${latest.createdAt}) is in place: injections are undone newest first, so undo that one first`, { injectionId, latestInjectionId: latest.id });
          row = found;
        } else {
          if (!latest) throw new ApiError('NOT_FOUND', `agent ${agent.name} has no preference injection to undo`);
          row = latest;
        }
        const current = await readInstructions(target);
        if (current.text !== row.after) {
          throw new ApiError(
            'CONFLICT',
            `${agent.name}'s instructions changed since injection ${row.id} (at the vendor, or by hand): writing back what was there before it would lose that change, so nothing was written. Edit the instructions at the vendor, or inject again to refresh the preferences block`,
            { injectionId: row.id, expectedLength: row.after.length, currentLength: current.text.length },
          );
        }
        const undone = await injections.markUndone(org, row.id, request.principal.actorName);
        await writeInstructions(target, row.before, current.version);
        written = { before: row.after };
        await appendAudit(tx, auditContext(request), {
          action: 'preference.inject.undo',
          resourceType: 'agent',
          resourceId: agentId,
          before: { instructions: row.after },
          after: { instructions: row.before },
          metadata: { injectionId: row.id, vendor: agent.vendor, vendorAgentId: agent.vendorAgentId },
        });
        return undone;
      });
    } catch (err) {
      if (written) await this.revert(target, (written as { before: string }).before, err);
      throw err;
    }
  }

  /** The vendor was written but the record of it could not be kept: the write is taken back, so nothing happened unrecorded. */
  private async revert(target: InstructionsTarget, text: string, cause: unknown): Promise<void> {
    try {
      await writeInstructions(target, text, null);
      this.deps.log.error({ err: cause, vendor: target.vendor, vendor_agent_id: target.vendorAgentId }, 'context: recording an instructions change failed after the vendor took it; the vendor write was taken back');
    } catch (err) {
      this.deps.log.error({ err, cause, vendor: target.vendor, vendor_agent_id: target.vendorAgentId }, "context: recording an instructions change failed after the vendor took it, and taking it back failed too: the agent's instructions at the vendor are not what AI-ARM recorded");
    }
  }

  /** Drafts of an export's valid entries captured; the store's refusals and the export's own, by the export's index. */
  private async capture(org: string, parsed: ParsedImport, draft: (index: number, item: PortableItem) => ContextDraft, dryRun: boolean): Promise<CapturePlan> {
    const drafts = parsed.items.map((x) => draft(x.index, x.item));
    const plan: CapturePlan = drafts.length > 0 ? await this.deps.store.capture(org, drafts, { dryRun }) : { dryRun, created: [], merged: [], superseded: [], unchanged: 0, invalid: [] };
    const invalid = [...parsed.invalid, ...plan.invalid.map((x) => ({ index: parsed.items[x.index]?.index ?? x.index, reason: x.reason }))].sort((a, b) => a.index - b.index);
    return { ...plan, dryRun, invalid };
  }

  private async agentOf(organizationId: string, agentId: string): Promise<AgentView> {
    const agent = await this.agents.get(organizationId, agentId);
    if (!agent) throw new ApiError('NOT_FOUND', `no agent ${agentId}`);
    return agent;
  }

  /** Where and with which key an agent's instructions are written, or why they cannot be (409, or 503 without the master key). */
  private async targetOf(organizationId: string, agent: AgentView): Promise<InstructionsTarget> {
    const vendor = agent.vendor;
    if (!chatVendor(vendor)) {
      throw new ApiError(
        'CONFLICT',
        `${agent.name} is a ${vendor} agent: AI-ARM writes instructions only into OpenAI assistants and Anthropic managed agents through their vendor connection. Read its preferences with GET /api/v1/preferences?agentId=${agent.id} and put them into its own configuration`,
        { agentId: agent.id, vendor },
      );
    }
    if (!agent.connectionId) throw new ApiError('CONFLICT', `${agent.name} has no vendor connection (it was pushed, not discovered through a connection): there is nothing to write its instructions through`, { agentId: agent.id });
    const connection = await this.connections.get(organizationId, agent.connectionId);
    if (!connection) throw new ApiError('CONFLICT', `the connection ${agent.name} was discovered through (${agent.connectionId}) is gone: connect its ${vendor} account again`, { agentId: agent.id, connectionId: agent.connectionId });
    const baseUrl = connection.baseUrl ?? supportedVendor(connection.vendor)?.defaultBaseUrl;
    if (!baseUrl) throw new ApiError('CONFLICT', `the connection ${connection.name} has no base URL`, { connectionId: connection.id });
    const refused = connection.source === 'api' ? baseUrlRefusal(baseUrl, this.deps.vendorHosts) : null;
    if (refused) throw new ApiError('CONFLICT', `the connection ${connection.name} may not be called: ${refused}`, { connectionId: connection.id });
    const apiKey = await this.keyOf(organizationId, connection);
    return { vendor, baseUrl, apiKey, vendorAgentId: agent.vendorAgentId, name: agent.name };
  }

  private async keyOf(organizationId: string, c: ConnectionView): Promise<string> {
    if (c.source !== 'api') {
      const key = this.deps.connectionKey?.({ id: c.id, vendor: c.vendor, source: c.source }) ?? null;
      if (!key) throw new ApiError('CONFLICT', `the connection ${c.name} keeps its key in the collector's environment, where this collector does not hand it out for writes: connect the account through the API (POST /api/v1/connections) to write agents' instructions`, { connectionId: c.id, source: c.source });
      return key;
    }
    if (!this.deps.vault) throw new ApiError('UNAVAILABLE', "this collector has no ARM_MASTER_KEY, so it cannot open the connection's key to write the agent's instructions");
    let key: string | null;
    try {
      key = await this.connections.secret(this.deps.vault, organizationId, c.id);
    } catch {
      throw new ApiError('UNAVAILABLE', `this ARM_MASTER_KEY cannot open the key of the connection ${c.name} (was the master key changed?)`, { connectionId: c.id });
    }
    if (!key) throw new ApiError('CONFLICT', `the connection ${c.name} has no stored key`, { connectionId: c.id });
    return key;
  }
}

/** A vault item's portable fields, as a transfer hands them to the target agent. */
function portableOf(c: Context): PortableItem {
  return { type: c.type, content: c.content, key: c.key, userId: c.userId, confidence: c.confidence, validFromMs: Date.parse(c.validFrom), validUntilMs: c.validUntil === null ? null : Date.parse(c.validUntil), tags: [...c.tags], metadata: { ...c.metadata }, mergedCount: c.mergedCount };
}
