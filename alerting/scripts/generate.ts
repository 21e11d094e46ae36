import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ALERTING_ROOT, DEFAULT_DATASOURCE_UID, generatedFiles } from '../src/outputs';
import { DEFAULT_AGENT_OBJECTIVES, type AgentObjectives } from '../src/rules/agent-slo';

const option = (name: string) => {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (!v || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
};

// The committed files use uid "prometheus" (the compose stack's); pass another to generate
// for a Grafana whose Prometheus datasource has a different uid.
const uid = option('--datasource-uid') ?? process.env.AIARM_PROMETHEUS_UID ?? DEFAULT_DATASOURCE_UID;
const out = option('--out') ?? ALERTING_ROOT;
const secretsDir = option('--alertmanager-secrets-dir');
const pagerdutyUrl = option('--pagerduty-url');
// Per-agent objectives of the burn-rate rules (alerting/README.md, "Agent objectives").
const number = (name: string) => {
  const v = option(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} needs a number, not ${v}`);
  return n;
};
const objectives: AgentObjectives = {
  errorObjective: number('--agent-error-objective') ?? DEFAULT_AGENT_OBJECTIVES.errorObjective,
  latencyObjective: number('--agent-latency-objective') ?? DEFAULT_AGENT_OBJECTIVES.latencyObjective,
  latencyThresholdSeconds: number('--agent-latency-threshold') ?? DEFAULT_AGENT_OBJECTIVES.latencyThresholdSeconds,
  minRequests: number('--agent-min-requests') ?? DEFAULT_AGENT_OBJECTIVES.minRequests,
};
const files = generatedFiles(uid, { ...(secretsDir ? { secretsDir } : {}), ...(pagerdutyUrl ? { pagerdutyUrl } : {}) }, objectives);
for (const [path, content] of Object.entries(files)) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), content);
}
console.log(`generated ${Object.keys(files).length} files in ${out} (Prometheus datasource uid "${uid}")`);
