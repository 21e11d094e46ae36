import type { HealthStatus } from '@ai-arm/schemas';
import type { HealthProbe } from '../connectors/types';
import type { HealthRules } from '../connectors/vendor-spec';

// The thresholds are declared beside the vendors, which may set their own (VendorSpec.healthRules).
export type { HealthRules };

export interface HealthVerdict {
  status: HealthStatus;
  consecutiveFailures: number;
  /** 0-100: 0 when DOWN; 20-59 when DEGRADED; 60-100 when HEALTHY, less for latency and errors. */
  healthScore: number;
  error: string | null;
}

/**
 * The documented rules. DOWN: the agent vanished, its model was retired, or the last
 * `failuresForDown` checks failed. DEGRADED: a failed check short of that, or over the
 * last hour (this check included) average latency or error rate past its threshold.
 * HEALTHY otherwise.
 */
export function judgeHealth(probe: HealthProbe, previousFailures: number, lastHour: { avgLatencyMs: number; errorRate: number }, rules: HealthRules): HealthVerdict {
  const base = 100 - 40 * Math.min(1, lastHour.avgLatencyMs / rules.degradedLatencyMs) - 60 * Math.min(1, lastHour.errorRate);
  const clamp = (lo: number, hi: number) => Math.round(Math.min(hi, Math.max(lo, base)));
  if (probe.status === 'DOWN') return { status: 'DOWN', consecutiveFailures: 0, healthScore: 0, error: probe.error ?? 'down' };
  if (probe.status !== 'HEALTHY') {
    const failures = previousFailures + 1;
    const error = probe.error ?? 'health check failed';
    if (failures >= rules.failuresForDown) return { status: 'DOWN', consecutiveFailures: failures, healthScore: 0, error: `${failures} consecutive checks failed; last: ${error}` };
    return { status: 'DEGRADED', consecutiveFailures: failures, healthScore: clamp(20, 59), error };
  }
  if (lastHour.avgLatencyMs > rules.degradedLatencyMs) {
    return { status: 'DEGRADED', consecutiveFailures: 0, healthScore: clamp(20, 59), error: `vendor latency ${Math.round(lastHour.avgLatencyMs)} ms over the last hour exceeds ${rules.degradedLatencyMs} ms` };
  }
  if (lastHour.errorRate > rules.degradedErrorRate) {
    return { status: 'DEGRADED', consecutiveFailures: 0, healthScore: clamp(20, 59), error: `${Math.round(lastHour.errorRate * 100)}% of checks failed over the last hour` };
  }
  return { status: 'HEALTHY', consecutiveFailures: 0, healthScore: clamp(60, 100), error: null };
}
