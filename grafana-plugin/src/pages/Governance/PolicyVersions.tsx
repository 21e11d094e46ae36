import React from 'react';
import { Alert, useStyles2 } from '@grafana/ui';
import type { PolicyVersion } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { utcTime } from '../../format';
import { EnforcementBadge, SeverityBadge } from './badges';
import { describeCondition } from './draft';
import { getGovernanceStyles } from './styles';

/**
 * Every version of a policy, newest first: a violation names the version that fired, and this is
 * what that version said. The parent keys it by the policy's version, so a save loads it again.
 */
export function PolicyVersions({ policyId }: { policyId: string }) {
  const s = useStyles2(getGovernanceStyles);
  const versions = useCollector<PolicyVersion[]>(`/api/v1/governance/policies/${policyId}/versions`);
  return (
    <section aria-label="Version history" aria-busy={versions.loading} className={s.form}>
      <h4>Version history</h4>
      <Loadable state={versions} what="Version history">
        {(list) =>
          list.length === 0 ? (
            <Alert severity="info" title="No versions" />
          ) : (
            <table className={s.table} aria-label="Versions">
              <thead>
                <tr>
                  <th className="num">Version</th>
                  <th>From (UTC)</th>
                  <th>By</th>
                  <th>Name</th>
                  <th>Enforcement</th>
                  <th>Severity</th>
                  <th>Enabled</th>
                  <th>Conditions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((v) => (
                  <tr key={v.version}>
                    <td className="num">{v.version}</td>
                    <td>{utcTime(v.createdAt)}</td>
                    <td>{v.createdBy}</td>
                    <td>{v.name}</td>
                    <td>
                      <EnforcementBadge enforcement={v.enforcement} />
                    </td>
                    <td>
                      <SeverityBadge severity={v.severity} />
                    </td>
                    <td>{v.enabled ? 'yes' : 'no'}</td>
                    <td>{v.conditions.map(describeCondition).join(v.match === 'all' ? ' AND ' : ' OR ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loadable>
    </section>
  );
}
