import React from 'react';
import { Button, useStyles2 } from '@grafana/ui';
import type { HallucinationCheck } from '@ai-arm/schemas';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { percent, utcTime } from '../../format';
import { qualityPaths } from './api';
import { VerdictBadge } from './badges';
import { ClaimsTable } from './ClaimsTable';
import { HighlightedResponse } from './HighlightedResponse';
import { getQualityStyles } from './styles';

/** A check's verdict, score and claims in a few words and marks; shared by a stored check and the form's result. */
export function CheckResult({ check, text }: { check: HallucinationCheck; text: string | null }) {
  const s = useStyles2(getQualityStyles);
  return (
    <>
      <div className={s.actions}>
        <strong>Verdict:</strong> <VerdictBadge verdict={check.verdict} />
        <span className={s.muted}>
          score {percent(check.score)} · {check.flaggedClaims.length} of {check.claims.length} claims flagged · judged
          by {check.method === 'llm' ? 'the evaluator model' : 'rules'} · {utcTime(check.checkedAt)} UTC
          {check.interactionId ? ` · request ${check.interactionId}` : ''}
        </span>
      </div>
      {text === null ? (
        <span className={s.muted}>The response is not kept (content capture is off): the claims are listed below.</span>
      ) : (
        <HighlightedResponse text={text} claims={check.claims} />
      )}
      <ClaimsTable check={check} />
    </>
  );
}

/** One stored grounding check (GET .../grounding/:id). */
export function GroundingDetail({ agentId, id, onClose }: { agentId: string; id: string; onClose: () => void }) {
  const s = useStyles2(getQualityStyles);
  const check = useCollector<HallucinationCheck>(qualityPaths.groundingCheck(agentId, id));
  return (
    <section aria-label="Grounding check" aria-busy={check.loading} className={s.panel}>
      <Loadable state={check} what="The grounding check">
        {(c) => <CheckResult check={c} text={c.response} />}
      </Loadable>
      <div>
        <Button size="sm" variant="secondary" onClick={onClose}>
          Close
        </Button>
      </div>
    </section>
  );
}
