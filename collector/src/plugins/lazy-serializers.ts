import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Compile = (route: { schema: unknown; method: string; url: string; httpStatus: string }) => (data: unknown) => string;

/**
 * Fastify's own serialiser compiler, run on a route's first answer with each status rather than
 * at start-up. Compiling all 57 routes' response schemas up front added about a second to every
 * start (bench:startup), and most routes of a process never answer with most of their statuses.
 */
export function lazySerializers() {
  const select = SerializerSelector();
  return (externalSchemas: unknown, serializerOpts: unknown) => {
    const compile = select(externalSchemas as never, serializerOpts as never) as unknown as Compile;
    return (route: Parameters<Compile>[0]) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data: unknown) => (serialize ??= compile(route))(data);
    };
  };
}
