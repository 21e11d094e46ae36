import type { PolicyTemplate } from '@ai-arm/schemas';

/**
 * Ready policies to start from (GET /api/v1/governance/policy-templates): each is a PolicyInput
 * an admin can POST as it is or edit first. Every one compiles (test/governance/engine-templates).
 */
export const POLICY_TEMPLATES: readonly PolicyTemplate[] = [
  {
    id: 'pii-in-prompts',
    name: 'PII in prompts',
    description: 'A prompt holds personal data: an e-mail address, a phone number, a card number (Luhn-checked), a US SSN or an IBAN (checksum-checked). Warns; the data is masked wherever the interaction is stored.',
    policy: {
      name: 'PII in prompts',
      description: 'Personal data sent to a model',
      enforcement: 'WARN',
      severity: 'WARNING',
      match: 'all',
      conditions: [{ field: 'request.content', operator: 'DETECTS', value: 'pii' }],
    },
  },
  {
    id: 'secrets-in-responses',
    name: 'Secrets in responses',
    description: 'An answer holds a credential: a vendor API key, a private key or a JWT. Blocks it.',
    policy: {
      name: 'Secrets in responses',
      description: 'A model answered with a credential',
      enforcement: 'BLOCK',
      severity: 'CRITICAL',
      match: 'all',
      conditions: [{ field: 'response.content', operator: 'DETECTS', value: 'secret' }],
    },
  },
  {
    id: 'secrets-in-prompts',
    name: 'Secrets in prompts',
    description: 'A prompt holds a credential (a vendor API key, a private key or a JWT) that would leave for the vendor. Blocks it.',
    policy: {
      name: 'Secrets in prompts',
      description: 'A credential sent to a model',
      enforcement: 'BLOCK',
      severity: 'CRITICAL',
      match: 'all',
      conditions: [{ field: 'request.content', operator: 'DETECTS', value: 'secret' }],
    },
  },
  {
    id: 'spend-per-request',
    name: 'Spend per request over a limit',
    description: 'One request cost more than 1 USD (by the price book). Edit the limit to yours; requests of unpriced models never match.',
    policy: {
      name: 'Spend per request over 1 USD',
      description: 'A single request above the cost limit',
      enforcement: 'AUDIT',
      severity: 'WARNING',
      match: 'all',
      conditions: [{ field: 'cost.usd', operator: 'GT', value: 1 }],
    },
  },
  {
    id: 'unapproved-model',
    name: 'Unapproved model',
    description: 'A request went to a model not on the approved list. Edit the list to the models your organisation approves.',
    policy: {
      name: 'Unapproved model',
      description: 'A model outside the approved list',
      enforcement: 'WARN',
      severity: 'WARNING',
      match: 'all',
      conditions: [{ field: 'model', operator: 'IN', value: ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gemini-2.5-pro', 'gemini-2.5-flash'], not: true }],
    },
  },
  {
    id: 'prompt-injection',
    name: 'Prompt injection',
    description: 'A prompt holds a known prompt-injection phrase ("ignore all previous instructions", "you are now DAN", ...). Audits, for review: such phrases also occur innocently.',
    policy: {
      name: 'Prompt injection',
      description: 'Known prompt-injection phrasing in a prompt',
      enforcement: 'AUDIT',
      severity: 'CRITICAL',
      match: 'all',
      conditions: [{ field: 'request.content', operator: 'DETECTS', value: 'prompt_injection' }],
    },
  },
];
