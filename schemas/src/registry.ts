import type { TSchema } from '@sinclair/typebox';
import * as agent from './entities/agent';
import * as connection from './entities/connection';
import * as context from './entities/context';
import * as cost from './entities/cost';
import * as governance from './entities/governance';
import * as organization from './entities/organization';
import * as quality from './entities/quality';
import * as enums from './enums';
import { ErrorCode, ErrorEnvelope, PageMeta } from './envelope';

/** Every schema that carries a $id: these become the committed JSON Schema files. */
export const ENTITY_SCHEMAS: TSchema[] = [enums, organization, connection, agent, cost, context, quality, governance, { ErrorCode, ErrorEnvelope, PageMeta }]
  .flatMap((mod) => Object.values(mod))
  .filter((v): v is TSchema => typeof v === 'object' && v !== null && typeof (v as TSchema).$id === 'string');
