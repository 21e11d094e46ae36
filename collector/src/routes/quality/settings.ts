import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AgentQualitySettingsPatch, QualitySettingsPatch, QualitySettingsView, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { requireRole } from '../../auth/principal';
import type { QualitySettingsStore } from '../../quality/settings';

const AgentParams = Type.Object({ agentId: Type.String({ format: 'uuid' }) });

/** The quality monitor's settings: every role reads them, admins change them (audited). */
export const qualitySettingsRoutes: FastifyPluginAsyncTypebox<{ settings: QualitySettingsStore }> = async (app, { settings }) => {
  const View = Responses({ 200: SuccessEnvelope(QualitySettingsView) });
  app.get('/api/v1/quality/settings', { schema: { description: "The defaults, the organisation's settings, its evaluator model and each agent's overrides", response: View } }, async (request) => ({
    success: true as const,
    data: await settings.view(request.organizationId),
  }));

  app.patch(
    '/api/v1/quality/settings',
    { schema: { body: QualitySettingsPatch, description: "Change the organisation's quality settings or its evaluator model (evaluator: null turns the LLM judge off); audited", response: View } },
    async (request) => {
      requireRole(request.principal, 'admin');
      return { success: true as const, data: await settings.patchOrganization(request, request.body) };
    },
  );

  app.patch(
    '/api/v1/quality/:agentId/settings',
    { schema: { params: AgentParams, body: AgentQualitySettingsPatch, description: "Override some of the organisation's quality settings for one agent; audited", response: View } },
    async (request) => {
      requireRole(request.principal, 'admin');
      return { success: true as const, data: await settings.patchAgent(request, request.params.agentId, request.body) };
    },
  );
};
