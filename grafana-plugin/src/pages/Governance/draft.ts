import type {
  Enforcement,
  Policy,
  POLICY_FIELDS,
  PolicyCondition,
  PolicyInput,
  PolicyOperator,
  Severity,
} from '@ai-arm/schemas';

type Field = (typeof POLICY_FIELDS)[number];
/** The field select's value for `metadata.<key>` (the key is typed beside it). */
export const METADATA = 'metadata';

// Listed here rather than imported: the page imports types only from @ai-arm/schemas (no TypeBox
// in the bundle). The checks below fail the type check when the contract gains a member.
export const FIELDS: Array<{ value: Field | typeof METADATA; label: string }> = [
  { value: 'request.content', label: 'Prompt (request.content)' },
  { value: 'response.content', label: 'Answer (response.content)' },
  { value: 'agent.vendor', label: 'Agent vendor (agent.vendor)' },
  { value: 'agent.type', label: 'Agent type (agent.type)' },
  { value: 'agent.id', label: 'Agent id (agent.id)' },
  { value: 'model', label: 'Model (model)' },
  { value: 'cost.usd', label: 'Cost in USD (cost.usd)' },
  { value: 'tokens.total', label: 'Total tokens (tokens.total)' },
  { value: METADATA, label: 'Metadata (metadata.<key>)' },
];
export const OPERATORS: Array<{ value: PolicyOperator; label: string; hint: string }> = [
  { value: 'CONTAINS', label: 'contains', hint: 'text, case-insensitive' },
  { value: 'EQUALS', label: 'equals', hint: 'text, case-insensitive' },
  { value: 'MATCHES', label: 'matches', hint: 'a regular expression (RE2: no backreferences)' },
  { value: 'GT', label: 'greater than', hint: 'a number' },
  { value: 'LT', label: 'less than', hint: 'a number' },
  { value: 'IN', label: 'is one of', hint: 'values separated by commas' },
  {
    value: 'DETECTS',
    label: 'detects',
    hint: 'pii, pii.card, pii.email, secret, prompt_injection, ... (commas for several)',
  },
];
const fieldsComplete: [Exclude<Field, (typeof FIELDS)[number]['value']>] extends [never] ? true : never = true;
const operatorsComplete: [Exclude<PolicyOperator, (typeof OPERATORS)[number]['value']>] extends [never] ? true : never =
  true;
void fieldsComplete;
void operatorsComplete;

const NUMERIC = new Set<string>(['cost.usd', 'tokens.total']);

export interface ConditionDraft {
  field: Field | typeof METADATA;
  metadataKey: string;
  operator: PolicyOperator;
  /** As typed: a list is comma separated. */
  value: string;
  not: boolean;
}

export interface PolicyDraft {
  name: string;
  description: string;
  enforcement: Enforcement;
  severity: Severity;
  enabled: boolean;
  match: 'all' | 'any';
  conditions: ConditionDraft[];
}

export const EMPTY_CONDITION: ConditionDraft = {
  field: 'request.content',
  metadataKey: '',
  operator: 'DETECTS',
  value: 'pii',
  not: false,
};

export const EMPTY_POLICY: PolicyDraft = {
  name: '',
  description: '',
  enforcement: 'AUDIT',
  severity: 'WARNING',
  enabled: true,
  match: 'all',
  conditions: [EMPTY_CONDITION],
};

function conditionDraft(c: PolicyCondition): ConditionDraft {
  const metadata = c.field.startsWith(`${METADATA}.`);
  return {
    field: metadata ? METADATA : (c.field as Field),
    metadataKey: metadata ? c.field.slice(METADATA.length + 1) : '',
    operator: c.operator,
    value: Array.isArray(c.value) ? c.value.join(', ') : String(c.value),
    not: c.not ?? false,
  };
}

/** A saved policy, a version or a template's policy, as the form edits it. */
export function policyDraft(p: PolicyInput | Policy): PolicyDraft {
  return {
    name: p.name,
    description: p.description ?? '',
    enforcement: p.enforcement,
    severity: p.severity,
    enabled: p.enabled ?? true,
    match: p.match ?? 'all',
    conditions: p.conditions.map(conditionDraft),
  };
}

/** A number when the text is one (the collector would refuse "abc" for GT with its own message). */
const numberOr = (text: string) => (text !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
const list = (text: string) =>
  text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function conditionInput(c: ConditionDraft): PolicyCondition {
  const field = c.field === METADATA ? `${METADATA}.${c.metadataKey.trim()}` : c.field;
  const text = c.value.trim();
  let value: PolicyCondition['value'];
  if (c.operator === 'IN') {
    value = NUMERIC.has(field) ? list(text).map(numberOr) : list(text);
  } else if (c.operator === 'GT' || c.operator === 'LT') {
    value = numberOr(text);
  } else if (c.operator === 'DETECTS' && text.includes(',')) {
    value = list(text);
  } else {
    // Text as typed (a leading or trailing space can matter to CONTAINS and MATCHES).
    value = c.value;
  }
  return { field, operator: c.operator, value, ...(c.not ? { not: true } : {}) };
}

/**
 * The draft as the collector takes it (POST, PATCH, or a draft to evaluate). Nothing is checked
 * here: the collector's answer names any bad part (an unknown detector, a regular expression that
 * does not compile, a GT on text).
 */
export function policyInput(d: PolicyDraft): PolicyInput {
  return {
    name: d.name.trim(),
    description: d.description,
    enforcement: d.enforcement,
    severity: d.severity,
    enabled: d.enabled,
    match: d.match,
    conditions: d.conditions.map(conditionInput),
  };
}

/** A condition in words: `request.content detects pii`, `NOT model is one of gpt-4o, ...`. */
export function describeCondition(c: PolicyCondition): string {
  const op = OPERATORS.find((o) => o.value === c.operator)?.label ?? c.operator;
  const value = Array.isArray(c.value) ? c.value.join(', ') : String(c.value);
  return `${c.not ? 'NOT ' : ''}${c.field} ${op} ${value}`;
}
