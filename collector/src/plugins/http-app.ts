import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

/**
 * The HTTP app every plugin registers on. It lives in the HTTP layer, not in app.ts, which
 * wires the plugins and routes together: a plugin that took its type from there would depend
 * on the layer above it (and close a cycle through it).
 */
export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;
