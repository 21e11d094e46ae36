import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { Id } from '../common';

/**
 * The schema with every nested `$id` removed. A response schema may hold an enumeration or
 * entity twice (a user's Role beside the principal's KeyRole, HealthStatus in a summary and its
 * list); Fastify's serialiser compiles each response as one document, where one `$id` twice is
 * "ambiguous". Titles stay, so the OpenAPI document still names each part.
 */
export function Inline<T extends TSchema>(schema: T): T {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string | symbol, unknown> = {};
    for (const key of Reflect.ownKeys(value)) if (key !== '$id') out[key] = strip((value as Record<string | symbol, unknown>)[key]);
    return out;
  };
  return strip(schema) as T;
}

/**
 * A text answer (Prometheus exposition, OpenMetrics, CSV, JSON lines) in each of its content
 * types: Fastify and the OpenAPI document read the `content` map; the body is sent as written,
 * whole or streamed a piece at a time.
 */
export const TextBody = (contentTypes: readonly string[], description: string): TUnsafe<string | AsyncIterable<string>> =>
  Type.Unsafe<string | AsyncIterable<string>>({ description, content: Object.fromEntries(contentTypes.map((t) => [t, { schema: Type.String({ description }) }])) });

/** What a DELETE of one record answers. */
export const Deleted = Type.Object({ id: Id, deleted: Type.Literal(true) }, { title: 'Deleted' });
