import { Type, type Static } from '@sinclair/typebox';
import { Id, Metadata, Nullable, Timestamp } from '../common';
import { KeyRole, Role } from '../enums';

export const Organization = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,99}$' }),
    settings: Metadata,
    contentCapture: Type.Boolean({ description: 'Whether pushed interactions keep their message content (masked of secrets and card numbers); off by default, changed by admins' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Organization', title: 'Organization', description: 'A tenant: every other record belongs to exactly one' },
);
export type Organization = Static<typeof Organization>;

export const User = Type.Object(
  {
    id: Id,
    organizationId: Id,
    email: Type.String({ format: 'email', maxLength: 255 }),
    name: Nullable(Type.String({ maxLength: 255 })),
    role: Role,
    lastLoginAt: Nullable(Timestamp),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'User', title: 'User', description: 'A person who signs in; the password hash never leaves the store' },
);
export type User = Static<typeof User>;

export const ApiKey = Type.Object(
  {
    id: Id,
    organizationId: Id,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    role: KeyRole,
    prefix: Type.String({ description: 'First characters of the key, enough to recognise it (arm_sk_live_ab12...)' }),
    createdBy: Nullable(Id),
    lastUsedAt: Nullable(Timestamp),
    revokedAt: Nullable(Timestamp),
    createdAt: Timestamp,
  },
  { $id: 'ApiKey', title: 'ApiKey', description: 'A programmatic credential; stored hashed, shown once at creation' },
);
export type ApiKey = Static<typeof ApiKey>;
