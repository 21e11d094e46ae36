import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VERSION } from '../version';

/** What a client that asks for JSON by its Accept header (and not for HTML) wants. */
const wantsJson = (accept: string | undefined) => !!accept && accept.includes('application/json') && !accept.includes('text/html');

/**
 * The OpenAPI 3 document, generated from the TypeBox schemas every route already validates
 * with, and Swagger UI to read it: the UI at /api/docs (its scripts and styles are served from
 * the @fastify/swagger-ui package, so it works without internet access), the document as JSON
 * at /api/docs/openapi.json (also /api/docs/json, and /api/docs itself for a client that sends
 * `Accept: application/json`) and as YAML at /api/docs/yaml. Registered before the routes so it
 * sees all of them.
 */
export async function openApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'AI-ARM collector API', version: VERSION, description: 'Envelope: {success:true,data,meta} or {success:false,error:{code,message,details}}' },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    // /api/docs answered with the JSON document before it served the UI; API clients that ask for JSON still get it.
    uiHooks: {
      onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
        if (request.routeOptions.url?.replace(/\/$/, '') === '/api/docs' && wantsJson(request.headers.accept)) return reply.send(app.swagger());
      },
    },
  });
  app.get('/api/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
