import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PriceEntry, Vendor } from '@ai-arm/schemas';
import { audited, auditedRemoval } from '../../audit/audited';
import { requireRole } from '../../auth/principal';
import { AttributionStore } from '../../costs/attribution';
import { PriceOverrideStore } from '../../costs/price-overrides';
import { ApiError } from '../../errors';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import type { CostService } from '../../costs/service';
import { attoText } from '../../costs/money';
import { isoDay } from '../../costs/periods';

const Rule = Type.Object(
  {
    vendor: Vendor,
    matchKind: Type.Union([Type.Literal('api_key'), Type.Literal('project')], { description: 'project is an OpenAI project or an Anthropic workspace' }),
    matchValue: Type.String({ minLength: 1, maxLength: 255, description: "The vendor's id of the key or project" }),
    agentId: Type.String({ format: 'uuid' }),
  },
  { additionalProperties: false },
);

/** Rates per million tokens, as the API shows and takes them. */
const perMillion = (atto: bigint | undefined) => (atto === undefined ? null : attoText(atto * 1_000_000n, 6).replace(/\.?0+$/, ''));

/**
 * The cost engine's settings: contract prices over the list, and the rules that attribute
 * vendor usage to agents (applied when costs are read, so a change re-attributes history).
 */
export const costSettingsRoutes: FastifyPluginAsyncTypebox<{ costs: CostService; controlPlane: ControlPlaneDb; now: () => Date }> = async (app, { costs, controlPlane, now }) => {
  app.get('/api/v1/costs/prices', async (request) => {
    const book = await costs.priceBook(request.organizationId);
    const day = isoDay(now().getTime());
    const prices = [...book.entries(day)].map((e) => ({
      vendor: e.vendor,
      model: e.model,
      effectiveFrom: e.from,
      source: e.source,
      usdPerMillion: { input: perMillion(e.rates.input), cachedInput: perMillion(e.rates.cache_read), cacheWrite5m: perMillion(e.rates.cache_write_5m), cacheWrite1h: perMillion(e.rates.cache_write_1h), output: perMillion(e.rates.output) },
    }));
    return { success: true as const, data: { asOf: day, prices, overrides: await costs.overrides.list(request.organizationId) } };
  });

  app.post(
    '/api/v1/costs/prices',
    {
      schema: {
        description: 'Sets a contract rate for a model from a date on; the same model and date again replaces it',
        body: Type.Object({ vendor: Vendor, model: Type.String({ minLength: 1, maxLength: 255 }), entry: PriceEntry, note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      requireRole(request.principal, 'admin');
      const saved = await audited(controlPlane, request, async (tx) => {
        const o = await new PriceOverrideStore(tx).put(request.organizationId, request.body);
        return { result: o, audit: { action: 'price_override.set', resourceType: 'price_override', resourceId: o.id, after: o } };
      });
      return reply.status(201).send({ success: true as const, data: saved! });
    },
  );

  app.delete('/api/v1/costs/prices/:id', { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } }, async (request, reply) => {
    requireRole(request.principal, 'admin');
    await auditedRemoval(controlPlane, request, request.params.id, {
      what: 'price override',
      resourceType: 'price_override',
      find: async (tx, org, id) => (await new PriceOverrideStore(tx).list(org)).find((o) => o.id === id),
      remove: (tx, o) => new PriceOverrideStore(tx).remove(request.organizationId, o.id),
    });
    return reply.status(204).send();
  });

  app.get('/api/v1/costs/attribution', async (request) => ({ success: true as const, data: await costs.attribution.list(request.organizationId) }));

  app.put(
    '/api/v1/costs/attribution',
    { schema: { description: 'Replaces the attribution rules; an API key rule beats a project rule', body: Type.Object({ rules: Type.Array(Rule, { maxItems: 100_000 }) }, { additionalProperties: false }) } },
    async (request) => {
      requireRole(request.principal, 'admin');
      const rules = await audited(controlPlane, request, async (tx) => {
        const store = new AttributionStore(tx);
        const before = await store.list(request.organizationId);
        const after = await store.replace(request.organizationId, request.body.rules);
        return { result: after, audit: { action: 'attribution.replace', resourceType: 'attribution_rules', resourceId: null, before: { rules: before }, after: { rules: after } } };
      });
      return { success: true as const, data: rules! };
    },
  );
};
