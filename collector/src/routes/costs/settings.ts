import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AttributionRule, PriceList, PriceOverrideEntry, Responses, StoredPriceOverride, SuccessEnvelope, Vendor } from '@ai-arm/schemas';
import { requireRole } from '../../auth/principal';
import { replaceAttribution } from '../../costs/attribution';
import { isoDay } from '../../costs/periods';
import { priceList, removePriceOverride, setPriceOverride } from '../../costs/price-settings';
import type { CostService } from '../../costs/service';
import type { ControlPlaneDb } from '../../stores/postgres/types';

const Rule = Type.Object(
  {
    vendor: Vendor,
    matchKind: Type.Union([Type.Literal('api_key'), Type.Literal('project')], { description: 'project is an OpenAI project or an Anthropic workspace' }),
    matchValue: Type.String({ minLength: 1, maxLength: 255, description: "The vendor's id of the key or project" }),
    agentId: Type.String({ format: 'uuid' }),
  },
  { additionalProperties: false },
);

/**
 * The cost engine's settings: contract prices over the list, and the rules that attribute
 * vendor usage to agents (applied when costs are read, so a change re-attributes history).
 */
export const costSettingsRoutes: FastifyPluginAsyncTypebox<{ costs: CostService; controlPlane: ControlPlaneDb; now: () => Date }> = async (app, { costs, controlPlane, now }) => {
  app.get('/api/v1/costs/prices', { schema: { response: Responses({ 200: SuccessEnvelope(PriceList) }) } }, async (request) => ({
    success: true as const,
    data: await priceList(costs, request.organizationId, isoDay(now().getTime())),
  }));

  app.post(
    '/api/v1/costs/prices',
    {
      schema: {
        description:
          'Sets a contract rate for a model from a date on; the same model and date again replaces it. Rates left out are inherited from the list price in force on that date (the response names them); with nothing to inherit, input and output are required.',
        body: Type.Object({ vendor: Vendor, model: Type.String({ minLength: 1, maxLength: 255 }), entry: PriceOverrideEntry, note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: Responses({ 201: SuccessEnvelope(StoredPriceOverride) }),
      },
    },
    async (request, reply) => {
      requireRole(request.principal, 'admin');
      return reply.status(201).send({ success: true as const, data: await setPriceOverride(costs, controlPlane, request, request.body) });
    },
  );

  app.delete('/api/v1/costs/prices/:id', { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: Responses({ 204: Type.Null({ description: 'Deleted' }) }) } }, async (request, reply) => {
    requireRole(request.principal, 'admin');
    await removePriceOverride(controlPlane, request, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/v1/costs/attribution', { schema: { response: Responses({ 200: SuccessEnvelope(Type.Array(AttributionRule)) }) } }, async (request) => ({ success: true as const, data: await costs.attribution.list(request.organizationId) }));

  app.put(
    '/api/v1/costs/attribution',
    {
      schema: {
        description: 'Replaces the attribution rules; an API key rule beats a project rule',
        body: Type.Object({ rules: Type.Array(Rule, { maxItems: 100_000 }) }, { additionalProperties: false }),
        response: Responses({ 200: SuccessEnvelope(Type.Array(AttributionRule)) }),
      },
    },
    async (request) => {
      requireRole(request.principal, 'admin');
      return { success: true as const, data: await replaceAttribution(controlPlane, request, request.body.rules) };
    },
  );
};
