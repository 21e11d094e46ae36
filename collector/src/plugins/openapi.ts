import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../version';

/**
 * The OpenAPI 3 document, generated from the TypeBox schemas every route already validates
 * with, served as JSON at /api/docs (and /api/docs/openapi.json). Registered before the routes
 * so it sees all of them.
 */
export async function openApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'AI-ARM collector API', version: VERSION, description: 'Envelope: {success:true,data,meta} or {success:false,error:{code,message,details}}' },
    },
  });
  app.get('/api/docs', { schema: { hide: true } }, async () => app.swagger());
  app.get('/api/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
