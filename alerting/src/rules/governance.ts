import type { AlertRule } from '../rule';

const violations = (org: string, policy: string, enforcement: string) =>
  `ai_arm_policy_violations_total{organization_id="${org}",policy_id="${policy}",severity="critical",enforcement="${enforcement}"}`;

export const policyBlocked: AlertRule = {
  uid: 'aiarm-policy-blocked',
  alert: 'AiArmPolicyBlocked',
  title: 'A governance policy blocked interactions',
  // Every BLOCK is worth a look, so no `for`: the alert fires at the first evaluation that sees
  // one and resolves 5 minutes after the last. AUDIT and WARN violations wait for review instead.
  conditions: [{ query: 'sum by (organization_id, policy_id) (increase(ai_arm_policy_violations_total{enforcement="block"}[5m]))', op: '>', threshold: 0 }],
  for: '0m',
  severity: 'warning',
  team: 'security',
  summary: 'Policy {{ $labels.policy_id }} blocked interactions',
  description: 'In the last 5 minutes governance policy {{ $labels.policy_id }} of organization {{ $labels.organization_id }} matched interactions with enforcement BLOCK. The Governance page lists the violations, the agent and the matched text (masked) for review.',
  tests: [
    {
      name: 'a blocked interaction fires for its policy and organisation only; audit matches and another organisation stay quiet',
      series: { [violations('o1', 'p1', 'block')]: '0x10 1x10', [violations('o1', 'p2', 'audit')]: '0+1x20', [violations('o2', 'p1', 'block')]: '0x20' },
      at: '12m',
      fires: [{ organization_id: 'o1', policy_id: 'p1' }],
    },
    { name: 'no new block for 5 minutes resolves it', series: { [violations('o1', 'p1', 'block')]: '0x5 1x20' }, at: '15m', fires: [] },
  ],
};
