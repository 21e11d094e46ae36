/** Response shapes of the collector's auth routes: the collector serialises with them, the plugin is typed from them. */
import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Nullable } from '../common';
import { ApiKey, User } from '../entities/organization';
import { KeyRole } from '../enums';
import { Inline } from './shared';

export const CreatedApiKey = Type.Composite([ApiKey, Type.Object({ key: Type.String({ description: 'The key itself: shown in this response only' }) })], { title: 'CreatedApiKey' });
export type CreatedApiKey = Static<typeof CreatedApiKey>;

export const Session = Type.Object({ user: User, expiresAt: Timestamp }, { title: 'Session', description: 'A sign-in: the user, and when the session cookie expires' });
export type Session = Static<typeof Session>;

export const SignedOut = Type.Object({ signedOut: Type.Boolean({ description: 'Whether the request carried a session cookie to end' }) }, { title: 'SignedOut' });
export type SignedOut = Static<typeof SignedOut>;

export const Me = Inline(
  Type.Object(
    {
      organizationId: Type.String({ format: 'uuid' }),
      role: KeyRole,
      actorType: Type.Union([Type.Literal('USER'), Type.Literal('API_KEY'), Type.Literal('SYSTEM')]),
      actorId: Type.String(),
      name: Type.String(),
      detail: Nullable(Type.Union([User, ApiKey])),
    },
    { title: 'Me', description: 'Who a request acts as; detail is the user or API key record' },
  ),
);
export type Me = Static<typeof Me>;
