import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IngestRequest, IngestResult, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { requireRole } from '../auth/principal';
import { fromIngest } from '../interactions/from-api';
import type { InteractionSink } from '../interactions/interaction';

/**
 * The ingest API, for agents without OpenTelemetry: the same pipeline as the OTLP receivers.
 * A batch whose items are all refused still answers 200 with the reasons: resending it would
 * not change them, and an SDK that retries on errors must not retry those.
 */
export const ingestRoutes: FastifyPluginAsyncTypebox<{ sink: InteractionSink; maxBodyBytes: number }> = async (app, { sink, maxBodyBytes }) => {
  app.post(
    '/api/v1/ingest/interactions',
    {
      bodyLimit: maxBodyBytes,
      schema: {
        body: IngestRequest,
        description: 'Report up to 1,000 GenAI requests; idempotent by each item\'s id. Partial success: `rejected` lists the items refused (too old, an id sent twice in the batch, ...), with why; the rest are stored. A body that does not match the schema is refused whole: 400 naming the field',
        response: Responses({ 200: SuccessEnvelope(IngestResult) }),
      },
    },
    async (request) => {
      requireRole(request.principal, 'member');
      const outcome = await sink.accept(request.organizationId, request.body.interactions.map(fromIngest));
      return { success: true as const, data: outcome };
    },
  );
};
