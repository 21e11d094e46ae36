import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { JSON_SCHEMA_DIR } from '../scripts/outputs';

/** The committed JSON Schema files, as a client in another language would use them. */
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
for (const file of readdirSync(JSON_SCHEMA_DIR)) ajv.addSchema(JSON.parse(readFileSync(join(JSON_SCHEMA_DIR, file), 'utf8')));
const validate = (id: string, value: unknown) => {
  const fn = ajv.getSchema(`${id}.schema.json`);
  if (!fn) throw new Error(`no schema ${id}`);
  return fn(value) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

const uuid = '6f1d2c3b-4a5e-4f60-9a7b-8c9d0e1f2a3b';
const now = '2026-11-25T10:00:00.000Z';
const agent = {
  id: uuid,
  organizationId: uuid,
  connectionId: null,
  name: 'Support bot',
  vendor: 'ANTHROPIC',
  vendorAgentId: 'agent_01',
  type: 'ASSISTANT',
  status: 'ACTIVE',
  health: 'HEALTHY',
  config: { model: 'claude-sonnet-4-5-20250929', temperature: 0.2 },
  metadata: {},
  healthScore: 97,
  lastHealthCheck: now,
  createdAt: now,
  updatedAt: now,
};

describe('entity JSON Schemas', () => {
  it('every file compiles and carries the $id it is named by', () => {
    for (const file of readdirSync(JSON_SCHEMA_DIR)) {
      const schema = JSON.parse(readFileSync(join(JSON_SCHEMA_DIR, file), 'utf8')) as { $id: string };
      expect(file).toBe(schema.$id);
      expect(ajv.getSchema(schema.$id)).toBeDefined();
    }
  });

  it('covers every entity of the product', () => {
    const ids = readdirSync(JSON_SCHEMA_DIR).map((f) => f.replace('.schema.json', ''));
    for (const id of [
      'Organization', 'User', 'ApiKey', 'Connection', 'Agent', 'AgentConfig', 'AgentHealthCheck', 'UsageRecord', 'ModelUsage',
      'CostRecord', 'CostAlert', 'Budget', 'CostOptimization', 'Context', 'Preference', 'ContextExport', 'QualityFigures',
      'QualityPoint', 'QualityAlert', 'DriftEvent', 'HallucinationCheck', 'FlaggedClaim', 'GroundedClaim', 'Feedback', 'QualitySettings', 'AuditLog', 'Policy', 'PolicyVersion', 'PolicyCondition',
      'PolicyOperator', 'PolicyViolation', 'ViolationMatch', 'ErrorEnvelope',
    ]) expect(ids).toContain(id);
  });

  it('accepts a well-formed agent and names each bad field of a broken one', () => {
    expect(validate('Agent', agent)).toEqual([]);
    const errors = validate('Agent', { ...agent, vendor: 'IBM', healthScore: 140, config: { temperature: 0.2 } });
    expect(errors.some((e) => e.startsWith('/vendor'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/healthScore'))).toBe(true);
    expect(errors.some((e) => e.includes("must have required property 'model'"))).toBe(true);
  });

  it.each([
    ['Vendor', ['OPENAI', 'ANTHROPIC', 'GOOGLE', 'AZURE', 'CUSTOM']],
    ['AgentType', ['ASSISTANT', 'CHAT', 'COMPLETION', 'CUSTOM']],
    ['AgentStatus', ['ACTIVE', 'PAUSED', 'ERROR', 'UNKNOWN']],
    ['HealthStatus', ['HEALTHY', 'DEGRADED', 'DOWN', 'UNKNOWN']],
    ['Severity', ['INFO', 'WARNING', 'CRITICAL']],
    ['Enforcement', ['AUDIT', 'WARN', 'BLOCK']],
    ['ContextType', ['CONVERSATION', 'PREFERENCE', 'FACT', 'INSTRUCTION', 'INTENT']],
    ['ExportFormat', ['ARM_NATIVE', 'OPENAI', 'ANTHROPIC', 'JSON']],
  ])('enumeration %s is exactly its values', (id, values) => {
    for (const v of values) expect(validate(id, v)).toEqual([]);
    expect(validate(id, values[0]!.toLowerCase())).not.toEqual([]);
  });

  it('a connection has a credential hint and no place for the secret', () => {
    const schema = JSON.parse(readFileSync(join(JSON_SCHEMA_DIR, 'Connection.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toContain('credentialHint');
    expect(Object.keys(schema.properties).filter((k) => /secret|key$|password|credentials$/i.test(k))).toEqual([]);
  });

  it('money is a decimal string, never a float', () => {
    const budget = { id: uuid, organizationId: uuid, name: 'Q4', agentId: null, vendor: null, period: 'MONTH', amount: '1500.00', currency: 'USD', alertThresholds: [0.5, 0.8, 1], createdAt: now, updatedAt: now };
    expect(validate('Budget', budget)).toEqual([]);
    expect(validate('Budget', { ...budget, amount: 1500 })).not.toEqual([]);
    expect(validate('Budget', { ...budget, amount: '1,500' })).not.toEqual([]);
  });

  it('the error envelope requires code and message and allows details', () => {
    expect(validate('ErrorEnvelope', { success: false, error: { code: 'VALIDATION_ERROR', message: 'name is required', details: { fields: [] } } })).toEqual([]);
    expect(validate('ErrorEnvelope', { success: false, error: { code: 'TEAPOT', message: 'x' } })).not.toEqual([]);
    expect(validate('ErrorEnvelope', { success: true, error: { code: 'NOT_FOUND', message: 'x' } })).not.toEqual([]);
  });

  it('a context export checksum is a sha256', () => {
    const exp = { format: 'ARM_NATIVE', version: 1, organizationId: uuid, sourceAgent: { id: uuid, name: 'Support bot', vendor: 'OPENAI' }, exportedAt: now, items: [], checksum: `sha256:${'a'.repeat(64)}` };
    expect(validate('ContextExport', exp)).toEqual([]);
    expect(validate('ContextExport', { ...exp, checksum: 'md5:abc' })).not.toEqual([]);
  });
});
