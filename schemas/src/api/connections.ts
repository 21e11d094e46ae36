/** Response shapes of the collector's connections routes: the collector serialises with them, the plugin is typed from them. */
import { Type, type Static } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from '../common';
import { ConnectionStatus, Vendor } from '../enums';
import { Inline } from './shared';

export const CredentialField = Type.Object(
  {
    name: Type.String(),
    label: Type.String(),
    secret: Type.Boolean(),
    required: Type.Boolean(),
    pattern: Type.Optional(Type.String({ description: 'A regular expression the value must match, when the format is known' })),
    placeholder: Type.Optional(Type.String()),
    help: Type.String(),
  },
  { title: 'CredentialField' },
);
export type CredentialField = Static<typeof CredentialField>;

export const SupportedVendor = Type.Object(
  { vendor: Vendor, name: Type.String(), defaultBaseUrl: Type.String(), fields: Type.Array(CredentialField) },
  { title: 'SupportedVendor', description: 'A vendor this collector can connect to, and the fields a connection to it needs' },
);
export type SupportedVendor = Static<typeof SupportedVendor>;

const Account = Nullable(Type.Object({ id: Type.String(), name: Nullable(Type.String()) }));

export const ConnectionCheck = Inline(
  Type.Object(
    {
      ok: Type.Boolean(),
      latencyMs: Type.Number({ minimum: 0 }),
      status: Nullable(Type.Integer({ description: "The vendor's HTTP status when it answered with an error" })),
      error: Nullable(Type.String()),
      account: Account,
      connectionStatus: ConnectionStatus,
    },
    { title: 'ConnectionCheck', description: "A stored connection's key checked against the vendor now" },
  ),
);
export type ConnectionCheck = Static<typeof ConnectionCheck>;

export const ConnectionRemoval = Type.Object(
  {
    id: Id,
    deleted: Type.Literal(true),
    historyKept: Type.Boolean(),
    history: Type.Object({
      action: Type.Union([Type.Literal('kept'), Type.Literal('merged'), Type.Literal('deleted')]),
      into: Nullable(Id),
      usageRows: Type.Integer({ minimum: 0 }),
      costRows: Type.Integer({ minimum: 0 }),
    }),
    agents: Type.Object({ reassignedTo: Nullable(Id), reassigned: Type.Integer({ minimum: 0 }), unwatched: Type.Integer({ minimum: 0 }) }),
  },
  { title: 'ConnectionRemoval', description: 'What removing a connection did with its history and agents' },
);
export type ConnectionRemoval = Static<typeof ConnectionRemoval>;

export const FeedProgress = Type.Object(
  { feed: Type.String(), from: Type.Integer(), to: Type.Integer(), reached: Type.Integer(), rows: Type.Integer({ minimum: 0 }), pages: Type.Integer({ minimum: 0 }) },
  { title: 'FeedProgress', description: 'One feed of a backfill; from, to and reached in Unix seconds' },
);
export type FeedProgress = Static<typeof FeedProgress>;

export const BackfillState = Type.Object(
  {
    connectionId: Id,
    vendor: Type.String(),
    status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
    since: Type.String(),
    startedAt: Timestamp,
    finishedAt: Nullable(Timestamp),
    progress: Type.Number({ minimum: 0, maximum: 1, description: 'Across every feed of the connection' }),
    etaSeconds: Nullable(Type.Number({ minimum: 0 })),
    rows: Type.Integer({ minimum: 0 }),
    feeds: Type.Array(FeedProgress),
    error: Nullable(Type.String()),
  },
  { title: 'BackfillState' },
);
export type BackfillState = Static<typeof BackfillState>;

export const PolledConnection = Type.Object(
  {
    id: Id,
    vendor: Type.String(),
    source: Type.String(),
    feeds: Type.Array(
      Type.Object({ feed: Type.String(), watermark: Timestamp, startedAt: Timestamp, lastSuccessAt: Nullable(Timestamp), lastError: Nullable(Type.String()) }),
      { description: 'Each feed: how far its stored data reaches, when polling began (live counters start there), the last error' },
    ),
  },
  { title: 'PolledConnection' },
);
export type PolledConnection = Static<typeof PolledConnection>;
