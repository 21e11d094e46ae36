import { createHash } from 'node:crypto';
import type { DriftMetric, QualitySettings } from '@ai-arm/schemas';

const HOUR_MS = 3_600_000;
/** Baseline buckets wanted at least: with fewer, buckets are cut shorter than the current window. */
const MIN_BUCKETS = 4;

/** The two windows of one check, in epoch ms. */
export interface Windows {
  baselineFrom: number;
  currentFrom: number;
  now: number;
  /** Length of a baseline bucket: the current window's, unless that leaves the baseline fewer than 4 buckets. */
  bucketMs: number;
}

export function windowsAt(settings: Pick<QualitySettings, 'baselineHours' | 'currentHours'>, nowMs: number): Windows {
  const currentMs = settings.currentHours * HOUR_MS;
  const baselineMs = settings.baselineHours * HOUR_MS;
  const bucketMs = baselineMs / currentMs >= MIN_BUCKETS ? currentMs : Math.max(60_000, Math.floor(baselineMs / MIN_BUCKETS));
  return { baselineFrom: nowMs - currentMs - baselineMs, currentFrom: nowMs - currentMs, now: nowMs, bucketMs };
}

/**
 * An event's id: the organisation, agent, metric and current window's start, shaped as a UUID
 * (version 8), so a check repeated at the same moment (or on a second replica) stores one event.
 */
export function driftEventId(organizationId: string, agentId: string, metric: DriftMetric, currentFromMs: number): string {
  const h = createHash('sha256').update(`${organizationId}\n${agentId}\n${metric}\n${currentFromMs}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

