import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { QualityAlert, QualityAlertAction, QualityAlertQuery, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { requireRole } from '../../auth/principal';
import { ApiError } from '../../errors';
import type { QualityMonitor } from '../../quality/monitor';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Quality alerts: every role reads them; members and admins acknowledge and resolve them (audited). */
export const qualityAlertRoutes: FastifyPluginAsyncTypebox<{ monitor: QualityMonitor }> = async (app, { monitor }) => {
  app.get(
    '/api/v1/quality/alerts',
    { schema: { querystring: QualityAlertQuery, description: 'Quality alerts (drift, error rate, grounding failures), newest first; filter by status, type and agent', response: Responses({ 200: SuccessEnvelope(Type.Array(QualityAlert)) }) } },
    async (request) => {
      const { limit = 100, ...filters } = request.query;
      return { success: true as const, data: await monitor.alerts.list(request.organizationId, { limit, ...filters }) };
    },
  );

  app.get('/api/v1/quality/alerts/:id', { schema: { params: IdParams, description: 'One quality alert', response: Responses({ 200: SuccessEnvelope(QualityAlert) }) } }, async (request) => {
    const alert = await monitor.alerts.get(request.organizationId, request.params.id);
    if (!alert) throw new ApiError('NOT_FOUND', `no quality alert ${request.params.id}`);
    return { success: true as const, data: alert };
  });

  for (const action of ['acknowledge', 'resolve'] as const) {
    app.post(
      `/api/v1/quality/alerts/:id/${action}`,
      {
        schema: {
          params: IdParams,
          body: QualityAlertAction,
          description: action === 'acknowledge' ? 'Acknowledge an open alert (someone is on it); audited' : 'Resolve an open or acknowledged alert; audited. The monitor opens a new one if the condition still holds at its next run.',
          response: Responses({ 200: SuccessEnvelope(QualityAlert) }),
        },
      },
      async (request) => {
        requireRole(request.principal, 'member');
        const alert = await monitor.alerts.move(request, request.params.id, action, request.body.note);
        await monitor.reportOpen(request.organizationId);
        return { success: true as const, data: alert };
      },
    );
  }
};
