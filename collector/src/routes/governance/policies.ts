import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ControlPlaneDb } from '../../stores/postgres/types';

export interface PolicyRouteDeps {
  controlPlane: ControlPlaneDb;
  /** A policy of the organisation changed (created, edited, enabled, deleted): the push path reloads its policies. */
  changed: (organizationId: string) => void;
}

/** Policies (CRUD, versions, templates) and POST /api/v1/governance/evaluate. */
export const policyRoutes: FastifyPluginAsyncTypebox<PolicyRouteDeps> = async () => {};
