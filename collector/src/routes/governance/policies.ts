import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Deleted, EvaluateRequest, EvaluateResult, Policy, PolicyInput, PolicyPatch, PolicyTemplate, PolicyVersion, Responses, SuccessEnvelope } from '@ai-arm/schemas';
import { AgentStore } from '../../agents/store';
import { requireRole } from '../../auth/principal';
import { ApiError } from '../../errors';
import { evaluatePolicies, maskedTexts, PolicyDefinitionError, violationMatches, type Evaluation, type PolicySubject } from '../../governance/engine';
import { CompiledPolicies } from '../../governance/policies/compiled';
import { PolicyStore } from '../../governance/policies/store';
import { POLICY_TEMPLATES } from '../../governance/policies/templates';
import type { ControlPlaneDb } from '../../stores/postgres/types';

export interface PolicyRouteDeps {
  controlPlane: ControlPlaneDb;
  /** A policy of the organisation changed (created, edited, enabled, deleted): the push path reloads its policies. */
  changed: (organizationId: string) => void;
  /** Records the violations of an evaluation (POST /governance/evaluate with record: true); answers their ids. */
  recordViolations?: (organizationId: string, agentId: string | null, evaluation: Evaluation, subject: PolicySubject) => Promise<string[]>;
}

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const One = Responses({ 200: SuccessEnvelope(Policy) });

/** The engine's complaint about a policy, as the 400 that names the bad part of the body. */
const asInvalid = (err: unknown, under: string): never => {
  if (err instanceof PolicyDefinitionError) {
    const field = `${under}/${err.field}`;
    throw new ApiError('VALIDATION_ERROR', `${field} ${err.message}`, { field, fields: [{ field, message: err.message }] });
  }
  if ((err as { code?: string }).code === '23505') throw new ApiError('CONFLICT', 'a policy with this name exists in the organisation', { field: 'body/name' });
  throw err;
};

/** Policies (CRUD, versions, templates) and POST /api/v1/governance/evaluate. */
export const policyRoutes: FastifyPluginAsyncTypebox<PolicyRouteDeps> = async (app, { controlPlane, changed, recordViolations }) => {
  const policies = new PolicyStore(controlPlane);
  const compiled = new CompiledPolicies();

  app.get('/api/v1/governance/policies', { schema: { description: "The organisation's policies, by name", response: Responses({ 200: SuccessEnvelope(Type.Array(Policy)) }) } }, async (request) => ({
    success: true as const,
    data: await policies.list(request.organizationId),
  }));

  app.post('/api/v1/governance/policies', { schema: { body: PolicyInput, description: 'Create a policy (version 1); admins only', response: Responses({ 201: SuccessEnvelope(Policy) }) } }, async (request, reply) => {
    requireRole(request.principal, 'admin');
    const created = await policies.create(request, request.body).catch((err) => asInvalid(err, 'body'));
    changed(request.organizationId);
    return reply.code(201).send({ success: true as const, data: created });
  });

  app.get('/api/v1/governance/policies/:id', { schema: { params: IdParams, response: One } }, async (request) => {
    const p = await policies.get(request.organizationId, request.params.id);
    if (!p) throw new ApiError('NOT_FOUND', `no policy ${request.params.id}`);
    return { success: true as const, data: p };
  });

  app.patch('/api/v1/governance/policies/:id', { schema: { params: IdParams, body: PolicyPatch, description: 'Change any part of a policy (enabled: false disables it); each change is a new version; admins only', response: One } }, async (request) => {
    requireRole(request.principal, 'admin');
    const updated = await policies.update(request, request.params.id, request.body).catch((err) => asInvalid(err, 'body'));
    if (!updated) throw new ApiError('NOT_FOUND', `no policy ${request.params.id}`);
    changed(request.organizationId);
    return { success: true as const, data: updated };
  });

  app.delete('/api/v1/governance/policies/:id', { schema: { params: IdParams, description: 'Delete a policy; its versions stay, for the violations that name them; admins only', response: Responses({ 200: SuccessEnvelope(Deleted) }) } }, async (request) => {
    requireRole(request.principal, 'admin');
    const removed = await policies.remove(request, request.params.id);
    if (!removed) throw new ApiError('NOT_FOUND', `no policy ${request.params.id}`);
    changed(request.organizationId);
    return { success: true as const, data: { id: removed.id, deleted: true as const } };
  });

  app.get('/api/v1/governance/policies/:id/versions', { schema: { params: IdParams, description: "Every version of a policy, newest first (also of a deleted one: a deletion's is the last, disabled)", response: Responses({ 200: SuccessEnvelope(Type.Array(PolicyVersion)) }) } }, async (request) => {
    const versions = await policies.versions(request.organizationId, request.params.id);
    if (versions.length === 0) throw new ApiError('NOT_FOUND', `no policy ${request.params.id}`);
    return { success: true as const, data: versions };
  });

  app.get('/api/v1/governance/policy-templates', { schema: { description: 'Ready policies to start from: POST a template\'s policy as it is or edited', response: Responses({ 200: SuccessEnvelope(Type.Array(PolicyTemplate)) }) } }, async () => ({
    success: true as const,
    data: POLICY_TEMPLATES as PolicyTemplate[],
  }));

  app.post(
    '/api/v1/governance/evaluate',
    {
      schema: {
        body: EvaluateRequest,
        description: 'Check an interaction (or just text and an agent) against the enabled policies, or against a draft policy: allow, warn or block, what matched, and the texts masked',
        response: Responses({ 200: SuccessEnvelope(EvaluateResult) }),
      },
    },
    async (request) => {
      requireRole(request.principal, 'member');
      const b = request.body;
      const org = request.organizationId;
      if (b.text !== undefined && b.interaction?.request !== undefined) throw new ApiError('VALIDATION_ERROR', 'body/text is shorthand for body/interaction/request/content: give one of them', { field: 'body/text' });
      if (b.record && b.policy) throw new ApiError('VALIDATION_ERROR', 'body/record records violations of the enabled policies; a draft policy is only tested', { field: 'body/record' });
      // Through Grafana this route is an Editor's test bench, which records nothing: violations come from traffic.
      if (b.record && request.principal.role === 'grafana') throw new ApiError('FORBIDDEN', 'record is not taken through the Grafana app: evaluating there tests policies and records nothing', { field: 'body/record' });
      let agent: PolicySubject['agent'];
      if (b.agentId) {
        const a = await new AgentStore(controlPlane).get(org, b.agentId);
        if (!a) throw new ApiError('NOT_FOUND', `no agent ${b.agentId}`, { field: 'body/agentId' });
        agent = { id: a.id, vendor: a.vendor, type: a.type };
      }
      const i = b.interaction;
      const subject: PolicySubject = {
        requestContent: i?.request?.content ?? b.text,
        responseContent: i?.response?.content,
        agent,
        model: i?.model,
        costUsd: i?.costUsd,
        tokensTotal: i?.tokens?.total,
        metadata: i?.metadata,
      };
      const set = b.policy ? [compiled.draft(b.policy, 'body/policy', asInvalid)] : compiled.of(await policies.enabledPolicies(org));
      const started = process.hrtime.bigint();
      const evaluation = evaluatePolicies(set, subject);
      const masked = maskedTexts(evaluation, subject);
      const matches = evaluation.matched.map((m) => ({
        policyId: m.policy.id,
        policyName: m.policy.name,
        policyVersion: m.policy.version,
        enforcement: m.policy.enforcement,
        severity: m.policy.severity,
        conditions: violationMatches(m.conditions, subject, true),
      }));
      const evaluationMicros = Number(process.hrtime.bigint() - started) / 1000;
      const violationIds = b.record && recordViolations && evaluation.matched.length > 0 ? await recordViolations(org, agent?.id ?? null, evaluation, subject) : [];
      return { success: true as const, data: { decision: evaluation.decision, matches, masked, violationIds, evaluationMicros } };
    },
  );
};
