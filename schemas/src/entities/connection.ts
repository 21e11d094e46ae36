import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from '../common';
import { ConnectionStatus, Vendor } from '../enums';

export const Connection = Type.Object(
  {
    id: Id,
    organizationId: Id,
    vendor: Vendor,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    status: ConnectionStatus,
    credentialHint: Type.String({ description: 'Last characters of the credential (…a1b2); the secret itself is never returned' }),
    baseUrl: Nullable(Type.String({ format: 'uri' })),
    account: Nullable(
      Type.Object(
        { id: Type.String({ description: "The vendor's id of the organisation" }), name: Nullable(Type.String()) },
        { description: 'The vendor account the key reads, as the vendor reports it (null until known); one account is connected at most once' },
      ),
    ),
    lastSyncAt: Nullable(Timestamp),
    lastError: Nullable(Type.String()),
    source: Type.String({ description: 'Where it was made: api (through the API, changeable there), env (the environment) or demo (the simulator)' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Connection', title: 'Connection', description: 'Credentials for one vendor account, encrypted at rest' },
);
export type Connection = Static<typeof Connection>;
