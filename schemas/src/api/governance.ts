/** Response shapes of the collector's governance routes: the collector serialises with them, the plugin is typed from them. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common';
import { TextBody } from './shared';

export const AuditPageMeta = Type.Object(
  { nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page; null on the last' })), limit: Type.Integer({ minimum: 1 }) },
  { title: 'AuditPageMeta' },
);
export type AuditPageMeta = Static<typeof AuditPageMeta>;

export const AuditVerification = Type.Object(
  {
    ok: Type.Boolean(),
    checked: Type.Integer({ minimum: 0, description: 'Records verified' }),
    keyed: Type.Boolean({ description: 'Whether HMACs were checked (ARM_AUDIT_HMAC_KEY set)' }),
    head: Nullable(Type.Object({ sequence: Type.Integer({ minimum: 1 }), hash: Type.String() }, { description: 'The newest record verified: keep it to catch a deleted tail later' })),
    firstBroken: Nullable(
      Type.Object({
        sequence: Type.Integer({ minimum: 1 }),
        reason: Type.Union(['missing', 'altered', 'relinked', 'forged', 'unsigned', 'truncated'].map((r) => Type.Literal(r))),
        message: Type.String(),
      }),
    ),
  },
  { title: 'AuditVerification', description: "The organisation's audit chain walked from its first record" },
);
export type AuditVerification = Static<typeof AuditVerification>;

export const AuditExport = TextBody(['text/csv; charset=utf-8', 'application/x-ndjson'], 'Every matching audit record: CSV with a header row, or one JSON object per line');
