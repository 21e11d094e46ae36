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

/** The success envelope around any payload schema. */
export const SuccessEnvelope = <T extends TSchema>(data: T) =>
  Type.Object({ success: Type.Literal(true), data, meta: Type.Optional(PageMeta) });

export interface Success<T> {
  success: true;
  data: T;
  meta?: Static<typeof PageMeta>;
}
