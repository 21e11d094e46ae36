/** The policy engine: compile a policy once, evaluate many subjects against many policies. */
export { compilePolicy, type CompiledPolicy, type PolicyDefinition } from './compile';
export { PolicyDefinitionError, type ConditionMatch } from './conditions';
export { evaluatePolicies, maskedTexts, violationMatches, type Evaluation } from './evaluate';
export type { PolicySubject } from './subject';
