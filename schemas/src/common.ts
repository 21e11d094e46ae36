import { Type, type TSchema } from '@sinclair/typebox';

export const Id = Type.String({ format: 'uuid', description: 'UUID' });
export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 timestamp, UTC' });
/** Money travels as a decimal string so no client rounds it through a float. */
export const Decimal = Type.String({ pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'Decimal number as a string (USD unless currency says otherwise)' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', default: 'USD', description: 'ISO 4217 code' });
export const Metadata = Type.Record(Type.String(), Type.Unknown(), { description: 'Free-form key/value metadata' });
export const Ratio = Type.Number({ minimum: 0, maximum: 1 });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
