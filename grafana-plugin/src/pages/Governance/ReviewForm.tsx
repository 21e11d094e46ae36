import React, { useId, useState } from 'react';
import { Alert, Button, Field, RadioButtonGroup, TextArea, useStyles2 } from '@grafana/ui';
import type { PolicyViolation, ViolationReviewInput } from '@ai-arm/schemas';
import { collector, type CollectorError } from '../../api/collector';
import { DECISION_NAMES } from './badges';
import { getGovernanceStyles } from './styles';

type Decision = ViolationReviewInput['decision'];
const DECISIONS = (Object.keys(DECISION_NAMES) as Decision[]).map((d) => ({ label: DECISION_NAMES[d], value: d }));

/** An Editor's decision on a violation, with a note; reviewing again replaces the earlier review. */
export function ReviewForm({
  violation,
  onReviewed,
}: {
  violation: PolicyViolation;
  onReviewed: (v: PolicyViolation) => void;
}) {
  const s = useStyles2(getGovernanceStyles);
  const id = useId();
  const [decision, setDecision] = useState<Decision>(violation.review?.decision ?? 'CONFIRMED');
  const [note, setNote] = useState(violation.review?.note ?? '');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<CollectorError | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const body: ViolationReviewInput = { decision, note };
      const reviewed = await collector<PolicyViolation>(`/api/v1/governance/violations/${violation.id}/review`, {
        method: 'POST',
        data: body,
      });
      onReviewed(reviewed.data);
    } catch (err) {
      setError(err as CollectorError);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form aria-label="Review" className={s.form} onSubmit={submit}>
      <h4>{violation.review ? 'Review again' : 'Review'}</h4>
      <Field label="Decision">
        <RadioButtonGroup size="sm" options={DECISIONS} value={decision} onChange={setDecision} />
      </Field>
      <Field label="Note" description="Why: what was checked, who was told">
        <TextArea id={`${id}-note`} rows={3} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
      </Field>
      {error && (
        <Alert severity="error" title="The review was not saved" onRemove={() => setError(null)}>
          {error.message}
        </Alert>
      )}
      <div>
        <Button type="submit" icon="check" disabled={saving}>
          {saving ? 'Saving…' : 'Save review'}
        </Button>
      </div>
    </form>
  );
}
