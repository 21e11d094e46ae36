import React from 'react';
import { useStyles2 } from '@grafana/ui';
import type { CapturePlan, Context } from '@ai-arm/schemas';
import { planCounts, planSummary } from './plan';
import { TYPE_NAMES } from './format';
import { getContextStyles } from './styles';

const SHOWN = 50;

function ItemList({ title, items }: { title: string; items: Context[] }) {
  const s = useStyles2(getContextStyles);
  if (items.length === 0) {
    return null;
  }
  return (
    <>
      <h5 className={s.heading}>{title}</h5>
      <table className={s.table} aria-label={title}>
        <thead>
          <tr>
            <th>Type</th>
            <th>Key</th>
            <th>Context</th>
            <th>User</th>
          </tr>
        </thead>
        <tbody>
          {items.slice(0, SHOWN).map((c) => (
            <tr key={c.id}>
              <td>{TYPE_NAMES[c.type]}</td>
              <td>{c.key ?? ''}</td>
              <td className={s.content}>{c.content}</td>
              <td>{c.userId ?? <span className={s.muted}>everyone</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length > SHOWN && <span className={s.muted}>and {items.length - SHOWN} more</span>}
    </>
  );
}

/**
 * What a capture (import, transfer) would do on a dry run, or did: the figures first (new, merged,
 * superseded, already held, refused), then the items of each kind and why each refused entry was
 * refused, by its place in the file.
 */
export function PlanPreview({ plan, title }: { plan: CapturePlan; title: string }) {
  const s = useStyles2(getContextStyles);
  const c = planCounts(plan);
  return (
    <div className={s.panel} role="region" aria-label={title}>
      <h4 className={s.heading}>{title}</h4>
      <p>{planSummary(plan)}</p>
      <dl className={s.figures} aria-label="Plan figures">
        {(
          [
            ['New', c.created],
            ['Merged', c.merged],
            ['Superseded', c.superseded],
            ['Unchanged', c.unchanged],
            ['Invalid', c.invalid],
          ] as const
        ).map(([label, n]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{n}</dd>
          </div>
        ))}
      </dl>
      <ItemList title={plan.dryRun ? 'Would be added' : 'Added'} items={plan.created} />
      <ItemList title={plan.dryRun ? 'Would be merged into' : 'Merged into'} items={plan.merged} />
      <ItemList title={plan.dryRun ? 'Would be superseded' : 'Superseded'} items={plan.superseded} />
      {plan.invalid.length > 0 && (
        <>
          <h5 className={s.heading}>Refused entries</h5>
          <ul aria-label="Refused entries">
            {plan.invalid.map((x) => (
              <li key={x.index}>
                Entry {x.index + 1}: {x.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
