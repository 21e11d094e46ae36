import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const ERROR_CODES = [
  'VALIDATION_ERROR',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'VENDOR_ERROR',
  'UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;
export const ErrorCode = Type.Union(
  ERROR_CODES.map((c) => Type.Literal(c)),
  { $id: 'ErrorCode', title: 'ErrorCode' },
);
export type ErrorCode = (typeof ERROR_CODES)[number];

export const PageMeta = Type.Object(
  {
    total: Type.Optional(Type.Integer({ minimum: 0 })),
    nextCursor: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { $id: 'PageMeta', title: 'PageMeta', additionalProperties: true, description: 'Paging and aggregate facts about data' },
);

export const ErrorEnvelope = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object({
      code: ErrorCode,
      message: Type.String({ description: 'Plain words a person can act on' }),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorEnvelope', title: 'ErrorEnvelope' },
);
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

/** The success envelope around any payload schema; `meta` when the route says what its meta holds. */
export const SuccessEnvelope = <T extends TSchema, M extends TSchema = typeof PageMeta>(data: T, meta?: M) =>
  Type.Object({ success: Type.Literal(true), data, meta: Type.Optional((meta ?? PageMeta) as M) });

/**
 * A route's response schemas: its success statuses as given, and the error envelope for every
 * 4xx and 5xx. Fastify serialises each answer with them, so a field the schema lacks never
 * leaves the collector and a required one missing fails loudly; the OpenAPI document lists them.
 */
export const Responses = <R extends Record<number, TSchema>>(ok: R) => ({ ...ok, '4xx': ErrorEnvelope, '5xx': ErrorEnvelope });

export interface Success<T> {
  success: true;
  data: T;
  meta?: Static<typeof PageMeta>;
}
