import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AnthropicContextExport,
  ContextExport,
  ExportQuery,
  ImportRequest,
  ImportResult,
  Inline,
  InjectRequest,
  InjectResult,
  JsonContextExport,
  OpenAiContextExport,
  Preference,
  PreferenceInjection,
  PreferencesQuery,
  Responses,
  SuccessEnvelope,
  TransferRequest,
  TransferResult,
  UndoInjectionRequest,
} from '@ai-arm/schemas';
import { recordAudit } from '../../audit/audited';
import { requireRole } from '../../auth/principal';
import type { ContextPortability } from '../../context/portability/service';

const AgentParams = Type.Object({ agentId: Type.String({ format: 'uuid' }) });
/** An ARM_NATIVE export of a large agent (up to 10,000 items) is bigger than the API's 1 MiB default. */
export const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;
/** A POST without a body (nothing to say: the defaults) is read as `{}`, before the body is validated. */
const emptyBodyIsObject = async (request: { body: unknown }) => {
  if (request.body === undefined || request.body === null) request.body = {};
};
const AnyExport = Inline(Type.Union([ContextExport, OpenAiContextExport, AnthropicContextExport, JsonContextExport]));

/**
 * Export, import, transfer, preferences and their injection into vendor agents (with undo).
 * Roles: an export moves an organisation's data out of AI-ARM, so it takes a member, as imports
 * and transfers do (a viewer reads in place); preferences are read by every role; writing them
 * into a vendor agent's instructions (and undoing that) changes an agent at the vendor, which is
 * an admin's, as connections are.
 */
export const contextPortabilityRoutes: FastifyPluginAsyncTypebox<{ portability: ContextPortability }> = async (app, { portability }) => {
  app.get(
    '/api/v1/context/export',
    {
      schema: {
        querystring: ExportQuery,
        description: "An agent's context as ARM_NATIVE (lossless, checksummed: the default), OPENAI (assistant instructions and vector-store files), ANTHROPIC (system prompt and memories) or JSON (portable fields). Members and admins; audited (data leaving AI-ARM).",
        response: Responses({ 200: SuccessEnvelope(AnyExport) }),
      },
    },
    async (request) => {
      requireRole(request.principal, 'member');
      const { agentId, format = 'ARM_NATIVE', includeSuperseded = false } = request.query;
      const data = await portability.export(request.organizationId, agentId, format, { includeSuperseded });
      const items = 'items' in data ? data.items.length : null;
      await recordAudit(portability.deps.controlPlane, request, {
        action: 'context.export',
        resourceType: 'agent',
        resourceId: agentId,
        metadata: { format, includeSuperseded, items, ...('checksum' in data ? { checksum: data.checksum } : {}) },
      });
      return { success: true as const, data };
    },
  );

  app.post(
    '/api/v1/context/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        body: ImportRequest,
        description: 'Import an export into an agent: every entry checked (bad ones listed by index, the rest captured, merged with what the agent holds); an ARM_NATIVE checksum that does not match refuses the whole file. dryRun shows the plan and stores nothing. Members and admins; audited.',
        response: Responses({ 200: SuccessEnvelope(ImportResult) }),
      },
    },
    async (request) => {
      requireRole(request.principal, 'member');
      return { success: true as const, data: await portability.import(request, request.body) };
    },
  );

  app.post(
    '/api/v1/context/transfer',
    {
      schema: {
        body: TransferRequest,
        description: "Copy an agent's live context (optionally only some types) to another agent, across vendors; dryRun shows the plan. injectPreferences also writes the target's preferences into its instructions at its vendor (admins only; undoable). Members and admins; audited.",
        response: Responses({ 200: SuccessEnvelope(TransferResult) }),
      },
    },
    async (request) => {
      requireRole(request.principal, 'member');
      return { success: true as const, data: await portability.transfer(request, request.body) };
    },
  );

  app.get(
    '/api/v1/preferences',
    {
      schema: {
        querystring: PreferencesQuery,
        description: "Preferences in force (live PREFERENCE items, not superseded), of one agent or all, optionally one user's; category is the key's prefix. Every role.",
        response: Responses({ 200: SuccessEnvelope(Type.Array(Preference)) }),
      },
    },
    async (request) => ({ success: true as const, data: await portability.preferences(request.organizationId, request.query) }),
  );

  app.post(
    '/api/v1/preferences/inject/:agentId',
    {
      preValidation: emptyBodyIsObject,
      schema: {
        params: AgentParams,
        body: InjectRequest,
        description:
          "Write the agent's preferences (agent-wide, or one user's) into its instructions at its vendor (OpenAI assistant instructions, Anthropic managed agent system prompt), in a fenced block that a later injection replaces; the instructions before are kept for undo. dryRun shows before and after. 409 for agents without a vendor connection. Admins; audited.",
        response: Responses({ 200: SuccessEnvelope(InjectResult) }),
      },
    },
    async (request) => {
      requireRole(request.principal, 'admin');
      return { success: true as const, data: await portability.inject(request, request.params.agentId, request.body) };
    },
  );

  app.post(
    '/api/v1/preferences/inject/:agentId/undo',
    {
      preValidation: emptyBodyIsObject,
      schema: {
        params: AgentParams,
        body: UndoInjectionRequest,
        description:
          "Write back the instructions the agent's latest injection found (or the injection named, which must be the latest not undone). 409 when the instructions changed since it, at the vendor or by hand: nothing is overwritten. Admins; audited.",
        response: Responses({ 200: SuccessEnvelope(PreferenceInjection) }),
      },
    },
    async (request) => {
      requireRole(request.principal, 'admin');
      return { success: true as const, data: await portability.undo(request, request.params.agentId, request.body.injectionId) };
    },
  );
};
