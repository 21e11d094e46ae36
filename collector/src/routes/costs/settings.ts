import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AttributionRule, PriceList, PriceOverrideEntry, Responses, StoredPriceOverride, SuccessEnvelope, Vendor } from '@ai-arm/schemas';
import { audited, auditedRemoval } from '../../audit/audited';
import { requireRole } from '../../auth/principal';
import { AttributionStore } from '../../costs/attribution';
import { overrideProblems, PriceOverrideStore } from '../../costs/price-overrides';
import { ApiError } from '../../errors';
import type { ControlPlaneDb } from '../../stores/postgres/types';
import type { CostService } from '../../costs/service';
import type { Rates } from '../../costs/price-book';
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
const usdPerMillion = (r: Rates) => ({ input: perMillion(r.input), cachedInput: perMillion(r.cache_read), cacheWrite5m: perMillion(r.cache_write_5m), cacheWrite1h: perMillion(r.cache_write_1h), output: perMillion(r.output) });

/**
 * The cost engine's settings: contract prices over the list, and the rules that attribute
 * vendor usage to agents (applied when costs are read, so a change re-attributes history).
 */
export const costSettingsRoutes: FastifyPluginAsyncTypebox<{ costs: CostService; controlPlane: ControlPlaneDb; now: () => Date }> = async (app, { costs, controlPlane, now }) => {
  app.get('/api/v1/costs/prices', { schema: { response: Responses({ 200: SuccessEnvelope(PriceList) }) } }, async (request) => {
    const book = await costs.priceBook(request.organizationId);
    const day = isoDay(now().getTime());
    const prices = [...book.entries(day)].map((e) => ({
      vendor: e.vendor as Vendor,
      model: e.model,
      effectiveFrom: e.from,
      source: e.source,
      sourceUrl: e.sourceUrl,
      usdPerMillion: usdPerMillion(e.rates),
      longContext: e.longContext ? { contextWindow: e.longContext.contextWindow, usdPerMillion: usdPerMillion(e.longContext.rates) } : null,
      tiers: Object.fromEntries(Object.entries(e.tiers).map(([tier, r]) => [tier, usdPerMillion(r)])),
      inherited: e.inherited,
    }));
    const overrides = (await costs.overrides.list(request.organizationId)).map((o) => ({ ...o, vendor: o.vendor as Vendor, inherited: o.error ? [] : book.inherit(o).card.inherited }));
    return { success: true as const, data: { asOf: day, prices, overrides } };
  });

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
      const { body } = request;
      const problems = overrideProblems(body.entry).map((p) => ({ ...p, field: `body/${p.field}` }));
      if (problems.length > 0) throw new ApiError('VALIDATION_ERROR', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { field: problems[0]!.field, fields: problems });
      const { card, missing } = (await costs.priceBook(request.organizationId)).inherit(body);
      if (missing.length > 0) {
        throw new ApiError('VALIDATION_ERROR', `the price of ${body.vendor} ${body.model} from ${body.entry.effective_from} names no ${missing.join(', ')}, and no list price in force that day has them to inherit`, {
          field: 'body/entry',
          missing,
        });
      }
      const saved = await audited(controlPlane, request, async (tx) => {
        const o = await new PriceOverrideStore(tx).put(request.organizationId, request.body);
        return { result: o, audit: { action: 'price_override.set', resourceType: 'price_override', resourceId: o.id, after: o } };
      });
      return reply.status(201).send({ success: true as const, data: { ...saved!, vendor: saved!.vendor as Vendor, inherited: card.inherited } });
    },
  );

  app.delete('/api/v1/costs/prices/:id', { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: Responses({ 204: Type.Null({ description: 'Deleted' }) }) } }, async (request, reply) => {
    requireRole(request.principal, 'admin');
    await auditedRemoval(controlPlane, request, request.params.id, {
      what: 'price override',
      resourceType: 'price_override',
      find: async (tx, org, id) => (await new PriceOverrideStore(tx).list(org)).find((o) => o.id === id),
      remove: (tx, o) => new PriceOverrideStore(tx).remove(request.organizationId, o.id),
    });
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
