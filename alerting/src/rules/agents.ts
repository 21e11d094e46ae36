import type { AlertRule } from '../rule';

const health = (agent: string, status: string) => `ai_arm_agent_health{organization_id="o1",gen_ai_provider_name="anthropic",gen_ai_agent_id="${agent}",health_status="${status}"}`;

export const agentDown: AlertRule = {
  uid: 'aiarm-agent-down',
  alert: 'AiArmAgentDown',
  title: 'Agent down',
  // The health rules (collector README) already need N failed checks, a vanished agent or a
  // retired model before they say DOWN, so a short `for` only rides out a single scrape.
  conditions: [{ query: 'max by (organization_id, gen_ai_provider_name, gen_ai_agent_id) (ai_arm_agent_health{health_status="down"})', op: '==', threshold: 1 }],
  for: '5m',
  severity: 'critical',
  team: 'platform',
  summary: 'Agent {{ $labels.gen_ai_agent_id }} at {{ $labels.gen_ai_provider_name }} is down',
  description: 'The collector health checks of agent {{ $labels.gen_ai_agent_id }} ({{ $labels.gen_ai_provider_name }}, organization {{ $labels.organization_id }}) say DOWN: the agent vanished from the vendor, its model was retired, or its checks keep failing. The agent detail page shows the last error.',
  tests: [
    { name: 'an agent that went down 8 minutes ago fires', series: { [health('a1', 'down')]: '0 0 1x15', [health('a1', 'healthy')]: '1 1 0x15' }, at: '10m', fires: [{ organization_id: 'o1', gen_ai_provider_name: 'anthropic', gen_ai_agent_id: 'a1' }] },
    { name: 'a healthy agent, and one down for only 3 minutes, do not fire', series: { [health('a1', 'down')]: '0x15', [health('a2', 'down')]: '0x7 1x8' }, at: '10m', fires: [] },
  ],
};
