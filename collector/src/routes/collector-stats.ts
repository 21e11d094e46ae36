import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Responses, SuccessEnvelope, VendorApiStats } from '@ai-arm/schemas';
import type { PrometheusSink } from '../metrics/prometheus-sink';
import { histogramQuantile } from '../metrics/quantile';

/**
 * GET /api/v1/collector/vendor-api: how the vendors' admin APIs have answered the caller's
 * organisation's connections since the collector started, per provider: calls, failed calls,
 * error ratio and p95 latency. The same numbers a PromQL panel gets from
 * ai_arm_collector_vendor_api_*{organization_id="<the caller's>"} (a test holds them equal);
 * another organisation's calls are not counted, nor shown.
 */
export const collectorStatsRoutes: FastifyPluginAsyncTypebox<{ sink: PrometheusSink }> = async (app, { sink }) => {
  app.get('/api/v1/collector/vendor-api', { schema: { response: Responses({ 200: SuccessEnvelope(Type.Array(VendorApiStats)) }) } }, async (request) => {
    const mine = (labels: Record<string, string | number>) => labels.organization_id === request.organizationId;
    const byProvider = new Map<string, { requests: number; errors: number; buckets: Map<number, number> }>();
    const at = (p: string) => {
      let e = byProvider.get(p);
      if (!e) byProvider.set(p, (e = { requests: 0, errors: 0, buckets: new Map() }));
      return e;
    };
    for (const s of await sink.samples('ai_arm.collector.vendor_api.requests')) {
      if (!mine(s.labels)) continue;
      const e = at(String(s.labels.gen_ai_provider_name));
      e.requests += s.value;
      if (s.labels.outcome !== 'ok') e.errors += s.value;
    }
    for (const s of await sink.samples('ai_arm.collector.vendor_api.duration')) {
      if (!s.name.endsWith('_bucket') || !mine(s.labels)) continue;
      const e = at(String(s.labels.gen_ai_provider_name));
      const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      e.buckets.set(le, (e.buckets.get(le) ?? 0) + s.value);
    }
    const data = [...byProvider].map(([provider, e]) => {
      const p95 = histogramQuantile(0.95, [...e.buckets].map(([le, count]) => ({ le, count })));
      return { provider, requests: e.requests, errors: e.errors, errorRatio: e.requests > 0 ? e.errors / e.requests : 0, p95Seconds: Number.isNaN(p95) ? null : p95 };
    });
    return { success: true as const, data };
  });
};
