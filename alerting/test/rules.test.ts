import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ALERTING_ROOT, generatedFiles } from '../src/outputs';
import { prometheusRuleFile, promtoolTests } from '../src/prometheus';
import { RULES, GROUPS } from '../src/rules';
import { costSpike } from '../src/rules/costs';
import { agentSloRules, checkObjectives, DEFAULT_AGENT_OBJECTIVES } from '../src/rules/agent-slo';
import type { RuleGroup } from '../src/rule';
import { promtool } from './support/promtool';

const rulesDir = join(ALERTING_ROOT, 'prometheus', 'rules');

describe('generated alerting files', () => {
  it('are committed as the code generates them', () => {
    for (const [path, content] of Object.entries(generatedFiles())) {
      expect({ path, content: readFileSync(join(ALERTING_ROOT, path), 'utf8') }).toEqual({ path, content });
    }
  });

  it('put the datasource uid given at generation time on every Prometheus query', () => {
    const file = parse(generatedFiles('prom-main')['grafana/rules.yaml']!) as { groups: { rules: { data: { datasourceUid: string; model: { expr?: string } }[] }[] }[] };
    const uids = file.groups.flatMap((g) => g.rules.flatMap((r) => r.data.filter((d) => d.model.expr).map((d) => d.datasourceUid)));
    expect(uids.length).toBeGreaterThanOrEqual(RULES.length);
    expect(new Set(uids)).toEqual(new Set(['prom-main']));
  });
});

describe('rules', () => {
  it('have unique uids and alert names, uids Grafana accepts, and a runbook section each', () => {
    const runbook = readFileSync(join(ALERTING_ROOT, 'RUNBOOK.md'), 'utf8');
    expect(new Set(RULES.map((r) => r.uid)).size).toBe(RULES.length);
    expect(new Set(RULES.map((r) => r.alert)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
      // The anchor GitHub makes of a `## <uid>` heading is the uid itself.
      expect({ uid: r.uid, section: runbook.includes(`\n## ${r.uid}\n`) }).toEqual({ uid: r.uid, section: true });
    }
  });

  it('each have a test that fires and one that does not', () => {
    for (const r of RULES) {
      expect({ rule: r.alert, fires: r.tests.some((t) => t.fires.length > 0), quiet: r.tests.some((t) => t.fires.length === 0) }).toEqual({ rule: r.alert, fires: true, quiet: true });
    }
  });
});

describe('promtool, on the generated Prometheus rules', () => {
  it('check rules: every rule file loads', () => {
    const files = GROUPS.map((g) => join(rulesDir, `${g.name}.rules.yml`));
    const { status, output } = promtool(['check', 'rules', ...files]);
    const found = [...output.matchAll(/SUCCESS: (\d+) rules found/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(found).toBe(RULES.length);
    expect(status).toBe(0);
  });

  it.each(GROUPS.map((g) => g.name))('test rules (%s): every rule fires in its firing test and stays quiet in the other', (group) => {
    const { status, output } = promtool(['test', 'rules', join(rulesDir, `${group}.test.yml`)]);
    expect(output).toMatch(/SUCCESS/);
    expect(status).toBe(0);
  });

  it('test rules fails when an agent error rule adds vendor-reported requests to pushed ones, or forgets the short window', () => {
    const group = GROUPS.find((g) => g.name === 'ai-arm-agent-slo')!;
    const [fast] = group.rules;
    const withVendor = { ...fast!, conditions: fast!.conditions.map((c) => ({ ...c, query: c.query.replaceAll('source="push",', '').replaceAll('{source="push"}', '') })) };
    const longOnly = { ...fast!, conditions: fast!.conditions.filter((_, i) => i !== 1) };
    for (const [broken, failing] of [[withVendor, /AiArmAgentErrorBudgetBurnFast: 17.3% of requests failing fires/], [longOnly, /AiArmAgentErrorBudgetBurnFast: failures that stopped a short window ago do not fire/]] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'ai-arm-rules-'));
      try {
        const g: RuleGroup = { ...group, rules: group.rules.map((r) => (r === fast ? broken : r)) };
        writeFileSync(join(dir, 'slo.rules.yml'), JSON.stringify(prometheusRuleFile([g])));
        writeFileSync(join(dir, 'tests.yml'), JSON.stringify(promtoolTests(g, 'slo.rules.yml')));
        const { status, output } = promtool(['test', 'rules', join(dir, 'tests.yml')]);
        expect(status).not.toBe(0);
        expect(output).toMatch(failing);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('agent objectives are configurable, and refused when the histogram cannot answer them', () => {
    const strict = agentSloRules({ ...DEFAULT_AGENT_OBJECTIVES, errorObjective: 0.999, latencyThresholdSeconds: 5 });
    expect(strict[0]!.conditions[0]!.threshold).toBe(0.0144);
    expect(strict[2]!.conditions[0]!.query).toContain('le=~"5|5.0"');
    expect(strict[2]!.summary).toContain('slower than 5 s');
    expect(() => checkObjectives({ ...DEFAULT_AGENT_OBJECTIVES, latencyThresholdSeconds: 7 })).toThrow(/boundary of ai_arm_agent_request_duration_seconds \(0.25, 0.5, 1, 2, 5, 10, 20, 30, 60\), not 7/);
    expect(() => checkObjectives({ ...DEFAULT_AGENT_OBJECTIVES, errorObjective: 99 })).toThrow(/errorObjective must be above 0 and below 1/);
  });

  it('test rules fails when a rule is broken (the unit tests can fail)', () => {
    // The cost spike rule with its thresholds lowered fires on steady spend.
    const group = GROUPS.find((g) => g.rules.includes(costSpike))!;
    const broken: RuleGroup = { ...group, rules: group.rules.map((r) => (r === costSpike ? { ...r, conditions: [{ ...r.conditions[0]!, threshold: 0.5 }, { ...r.conditions[1]!, threshold: 0 }] } : r)) };
    const dir = mkdtempSync(join(tmpdir(), 'ai-arm-rules-'));
    try {
      writeFileSync(join(dir, 'costs.rules.yml'), JSON.stringify(prometheusRuleFile([broken])));
      writeFileSync(join(dir, 'tests.yml'), JSON.stringify(promtoolTests(group, 'costs.rules.yml')));
      const { status, output } = promtool(['test', 'rules', join(dir, 'tests.yml')]);
      expect(status).not.toBe(0);
      expect(output).toMatch(/AiArmCostSpike: a steady \$1\/h does not fire/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
