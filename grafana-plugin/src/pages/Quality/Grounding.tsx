import React, { useState } from 'react';
import { cx } from '@emotion/css';
import { Alert, Button, Field, LoadingPlaceholder, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import type { GroundingVerdict, HallucinationCheck } from '@ai-arm/schemas';
import { usePaged } from '../../api/usePaged';
import { LoadError } from '../../components/shared/LoadError';
import { Section } from '../../components/shared/Section';
import { percent, utcTime } from '../../format';
import { hasRole } from '../../roles';
import { LoadMore } from '../../components/shared/LoadMore';
import { qualityPaths } from './api';
import { VerdictBadge } from './badges';
import { CheckResponse } from './CheckResponse';
import { GroundingDetail } from './GroundingDetail';
import { getQualityStyles } from './styles';

export const GROUNDING_PAGE = 50;
type VerdictFilter = '' | GroundingVerdict;
const FILTERS: Array<{ label: string; value: VerdictFilter }> = [
  { label: 'All', value: '' },
  { label: 'Clean', value: 'CLEAN' },
  { label: 'Suspicious', value: 'SUSPICIOUS' },
  { label: 'Hallucination', value: 'HALLUCINATION' },
];

/**
 * Grounding checks of the agent's responses (sampled from pushed requests with retrieved context,
 * or asked for), newest first; one open with its response and the flagged claims marked in it.
 * Editors check a response of their own against sources.
 */
export function Grounding({
  agentId,
  open,
  onOpen,
}: {
  agentId: string;
  open?: string;
  onOpen: (id?: string) => void;
}) {
  const s = useStyles2(getQualityStyles);
  const [verdict, setVerdict] = useState<VerdictFilter>('');
  const paged = usePaged<HallucinationCheck>(qualityPaths.grounding(agentId), {
    verdict: verdict || undefined,
    limit: GROUNDING_PAGE,
  });
  return (
    <>
      <Section
        title="Grounding checks"
        busy={paged.first.loading}
        description="Each claim of a response checked against its sources (retrieved passages, tool results): contradicted and unsupported claims are flagged."
      >
        <Field label="Verdict">
          <RadioButtonGroup<VerdictFilter> size="sm" options={FILTERS} value={verdict} onChange={setVerdict} />
        </Field>
        {paged.first.error ? (
          <LoadError
            title="Grounding checks could not be loaded"
            error={paged.first.error}
            onRetry={paged.first.reload}
          />
        ) : !paged.rows ? (
          <LoadingPlaceholder text="Loading grounding checks…" />
        ) : paged.rows.length === 0 ? (
          <Alert severity="info" title="No grounding checks">
            {verdict
              ? 'None with this verdict.'
              : 'Requests pushed with retrieved context are sampled for checking (Settings: grounding sample rate), and Editors can check a response below.'}
          </Alert>
        ) : (
          <table className={cx(s.table, paged.first.loading && s.stale)} aria-label="Grounding checks">
            <thead>
              <tr>
                <th>Checked (UTC)</th>
                <th>Verdict</th>
                <th className="num">Score</th>
                <th className="num">Flagged claims</th>
                <th>Judge</th>
                <th>Request</th>
                <th aria-label="Details" />
              </tr>
            </thead>
            <tbody>
              {paged.rows.map((c) => (
                <tr key={c.id} aria-current={open === c.id ? 'true' : undefined}>
                  <td>{utcTime(c.checkedAt)}</td>
                  <td>
                    <VerdictBadge verdict={c.verdict} />
                  </td>
                  <td className="num">{percent(c.score)}</td>
                  <td className="num">{`${c.flaggedClaims.length} / ${c.claims.length}`}</td>
                  <td>{c.method === 'llm' ? 'Evaluator model' : 'Rules'}</td>
                  <td>
                    {c.interactionId ? <code>{c.interactionId}</code> : <span className={s.muted}>asked for</span>}
                  </td>
                  <td>
                    <Button
                      size="sm"
                      variant="secondary"
                      aria-label={`Details of check ${c.id}`}
                      onClick={() => onOpen(c.id)}
                    >
                      Details
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <LoadMore paged={paged} size={GROUNDING_PAGE} what="grounding checks" />
        {open && <GroundingDetail key={open} agentId={agentId} id={open} onClose={() => onOpen(undefined)} />}
      </Section>
      {hasRole('Editor') && <CheckResponse agentId={agentId} onChecked={paged.first.reload} />}
    </>
  );
}
