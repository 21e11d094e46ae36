import React, { useState } from 'react';
import { cx } from '@emotion/css';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import type { AuditLog as AuditRecord } from '@ai-arm/schemas';
import { LoadError } from '../../components/shared/LoadError';
import { count, utcTime } from '../../format';
import { Section } from '../../components/shared/Section';
import { auditParams, AuditFilters, NO_FILTER, type AuditFilter } from './AuditFilters';
import { Download } from './Download';
import { LoadMore } from '../../components/shared/LoadMore';
import { usePaged } from '../../api/usePaged';
import { getGovernanceStyles } from './styles';

export const AUDIT_PAGE_SIZE = 100;
const EXPORT = '/api/v1/governance/audit/export';

/**
 * The organisation's audit trail (Grafana Admins only: it names everyone's actions), oldest first
 * as the chain runs, a page at a time; the same search exported as CSV or JSON lines.
 */
export function AuditLog() {
  const s = useStyles2(getGovernanceStyles);
  const [filter, setFilter] = useState<AuditFilter>(NO_FILTER);
  const params = auditParams(filter);
  const paged = usePaged<AuditRecord>('/api/v1/governance/audit', { ...params, limit: AUDIT_PAGE_SIZE });
  const exports = (
    <div className={s.actions}>
      <Download path={EXPORT} params={{ ...params, format: 'csv' }} refused={Boolean(paged.first.error)}>
        Export CSV
      </Download>
      <Download path={EXPORT} params={{ ...params, format: 'jsonl' }} refused={Boolean(paged.first.error)}>
        Export JSON lines
      </Download>
    </div>
  );
  return (
    <Section
      title="Audit log"
      busy={paged.first.loading}
      description="Every change made in the organisation, hash-chained: who, what, when, before and after."
      actions={exports}
    >
      <AuditFilters applied={filter} onApply={setFilter} />
      {paged.first.error ? (
        <LoadError title="The audit log could not be loaded" error={paged.first.error} onRetry={paged.first.reload} />
      ) : !paged.rows ? (
        <LoadingPlaceholder text="Loading the audit log…" />
      ) : paged.rows.length === 0 ? (
        <Alert severity="info" title="No audit records match" />
      ) : (
        <>
          <span className={s.muted} aria-label="Records shown">
            {count(paged.rows.length)} records{paged.cursor ? ' (more to load)' : ''}
          </span>
          <table className={cx(s.table, paged.first.loading && s.stale)} aria-label="Audit records">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Time (UTC)</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Resource</th>
                <th>Change</th>
              </tr>
            </thead>
            <tbody>
              {paged.rows.map((r) => (
                <AuditRow key={r.id} record={r} />
              ))}
            </tbody>
          </table>
        </>
      )}
      <LoadMore paged={paged} size={AUDIT_PAGE_SIZE} what="audit records" />
    </Section>
  );
}

function AuditRow({ record: r }: { record: AuditRecord }) {
  const s = useStyles2(getGovernanceStyles);
  const grafanaUser = typeof r.metadata.grafanaUser === 'string' ? r.metadata.grafanaUser : null;
  return (
    <tr>
      <td className="num">{r.sequence}</td>
      <td>{utcTime(r.timestamp)}</td>
      <td>
        {r.actorName}
        <div className={s.muted}>
          {r.actorType.toLowerCase().replace('_', ' ')}
          {grafanaUser ? `, for Grafana user ${grafanaUser}` : ''}
        </div>
      </td>
      <td>
        <code>{r.action}</code>
      </td>
      <td>
        {r.resourceType}
        {r.resourceId && <div className={s.muted}>{r.resourceId}</div>}
      </td>
      <td>
        {(r.before || r.after) && (
          <details>
            <summary>before / after</summary>
            <pre className={s.text}>{JSON.stringify({ before: r.before, after: r.after }, null, 2)}</pre>
          </details>
        )}
      </td>
    </tr>
  );
}
