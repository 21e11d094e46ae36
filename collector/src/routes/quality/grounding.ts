import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaValidationError } from 'fastify';
import { GroundingRequest, GroundingVerdict, HallucinationCheck, PageMetaCursor, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { requireRole } from '../../auth/principal';
import { ApiError } from '../../errors';
import { decodeCursor } from '../../interactions/reads';
import { listGroundingChecks, readGroundingCheck } from '../../quality/grounding/reads';
import type { GroundingService } from '../../quality/grounding/service';

const AgentParams = Type.Object({ agentId: Type.String({ format: 'uuid' }) });
const CheckParams = Type.Object({ agentId: Type.String({ format: 'uuid' }), id: Type.String({ format: 'uuid' }) });
const ListQuery = Type.Object({
  verdict: Type.Optional(GroundingVerdict),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024, description: 'meta.nextCursor of the previous page' })),
});
/** A response (64 KiB) and its sources: more room than the API's 1 MiB default, bounded all the same. */
export const EVALUATE_BODY_LIMIT = 4 * 1024 * 1024;

/** What the schema's bare words ("must NOT have fewer than 1 items") mean for this endpoint. */
const PLAIN: Record<string, Partial<Record<string, (e: FastifySchemaValidationError) => string>>> = {
  '/sources': { minItems: () => 'sources must hold at least one document: with none there is nothing to check the response against', maxItems: () => 'sources may hold at most 50 documents' },
  '/response': {
    maxLength: () => 'response is longer than 65536 characters (64 KiB), the most one check takes: check it in parts',
    minLength: () => 'response is empty: there is nothing to check',
  },
};

/** The framework's validation error with this endpoint's own words where it has them; the fields stay named. */
function plainer(err: Error & { validation?: FastifySchemaValidationError[]; validationContext?: string }): Error {
  const fields = (err.validation ?? []).map((v) => {
    const say = PLAIN[v.instancePath]?.[v.keyword];
    return say ? { field: `${err.validationContext ?? 'body'}${v.instancePath}`, message: say(v) } : null;
  });
  if (fields.length === 0 || fields.some((f) => f === null)) return err;
  const named = fields as { field: string; message: string }[];
  return new ApiError('VALIDATION_ERROR', named.map((f) => f.message).join('; '), { fields: named });
}

/** Grounding checks: POST /api/v1/quality/:agentId/evaluate and the findings so far. */
export const groundingRoutes: FastifyPluginAsyncTypebox<{ grounding: GroundingService }> = async (app, { grounding }) => {
  app.post(
    '/api/v1/quality/:agentId/evaluate',
    {
      bodyLimit: EVALUATE_BODY_LIMIT,
      attachValidation: true,
      schema: {
        params: AgentParams,
        body: GroundingRequest,
        description: "Check a response against its sources, claim by claim (rules, or the organisation's evaluator model); stored and listed with the agent's other checks. Members and admins.",
        response: Responses({ 200: SuccessEnvelope(HallucinationCheck) }),
      },
    },
    async (request) => {
      if (request.validationError) throw plainer(request.validationError as Error & { validation?: FastifySchemaValidationError[]; validationContext?: string });
      requireRole(request.principal, 'member');
      return { success: true as const, data: await grounding.evaluate(request.organizationId, request.params.agentId, request.body) };
    },
  );

  app.get(
    '/api/v1/quality/:agentId/grounding',
    { schema: { params: AgentParams, querystring: ListQuery, description: "The agent's grounding checks, newest first, a page at a time; filter by verdict", response: Responses({ 200: SuccessEnvelope(Type.Array(HallucinationCheck), PageMetaCursor) }) } },
    async (request) => {
      const { limit = 50, cursor, verdict } = request.query;
      const after = cursor ? decodeCursor(cursor, 'uuid') : null;
      if (cursor && !after) throw new ApiError('VALIDATION_ERROR', 'cursor is not one this API gave out', { field: 'querystring/cursor' });
      const page = await listGroundingChecks(grounding.deps.telemetry, { organizationId: request.organizationId, agentId: request.params.agentId, limit, ...(verdict ? { verdict } : {}) }, after);
      return { success: true as const, data: page.items, meta: { limit, nextCursor: page.nextCursor } };
    },
  );

  app.get(
    '/api/v1/quality/:agentId/grounding/:id',
    { schema: { params: CheckParams, description: 'One grounding check with its claims', response: Responses({ 200: SuccessEnvelope(HallucinationCheck) }) } },
    async (request) => {
      const check = await readGroundingCheck(grounding.deps.telemetry, request.organizationId, request.params.agentId, request.params.id);
      if (!check) throw new ApiError('NOT_FOUND', `no grounding check ${request.params.id} of agent ${request.params.agentId}`);
      return { success: true as const, data: check };
    },
  );
};
