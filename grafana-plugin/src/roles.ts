import { config } from '@grafana/runtime';

const RANK: Record<string, number> = { Viewer: 1, Editor: 2, Admin: 3 };

/**
 * Whether the signed-in user's org role reaches `role`. The plugin routes enforce the same rule
 * (reqRole, against the org role alone: a Grafana server admin who is a Viewer in this org is a
 * Viewer there); this only hides buttons a user could not use.
 */
export function hasRole(role: 'Viewer' | 'Editor' | 'Admin'): boolean {
  return (RANK[config.bootData?.user?.orgRole ?? ''] ?? 0) >= RANK[role];
}
