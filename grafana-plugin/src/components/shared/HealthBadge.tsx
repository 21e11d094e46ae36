import React from 'react';
import { Badge, type BadgeColor } from '@grafana/ui';
import type { HealthStatus as Health } from '@ai-arm/schemas';

const COLORS: Record<Health, BadgeColor> = { HEALTHY: 'green', DEGRADED: 'orange', DOWN: 'red', UNKNOWN: 'darkgrey' };
const WORDS: Record<Health, string> = { HEALTHY: 'Healthy', DEGRADED: 'Degraded', DOWN: 'Down', UNKNOWN: 'Unknown' };

export function HealthBadge({ health, score }: { health: Health; score?: number | null }) {
  const text = score === null || score === undefined ? WORDS[health] : `${WORDS[health]} · ${score}`;
  return <Badge color={COLORS[health] ?? 'darkgrey'} text={text} />;
}
