import type { FastifyRequest } from 'fastify';
import type { App } from '../app';

declare module 'fastify' {
  interface FastifyRequest {
    /** The organisation every query of this request is scoped to. */
    organizationId: string;
  }
}

export type TenantResolver = (request: FastifyRequest) => Promise<string>;

/**
 * Sets `request.organizationId` before any handler runs, on the root instance so every
 * route sees it. Until API keys and sessions exist (the REST API issue), every request
 * belongs to the collector's default organisation.
 */
export function registerTenant(app: App, resolve: TenantResolver): void {
  app.decorateRequest('organizationId', '');
  app.addHook('onRequest', async (request) => {
    request.organizationId = await resolve(request);
  });
}
