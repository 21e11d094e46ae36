import React, { useId, useState } from 'react';
import { Alert, Button, Field, Input, RadioButtonGroup, TextArea, useStyles2 } from '@grafana/ui';
import type { Feedback, FeedbackInput, FeedbackLabel } from '@ai-arm/schemas';
import { collector, type CollectorError } from '../../api/collector';
import { Section } from '../../components/shared/Section';
import { qualityPaths } from './api';
import { getQualityStyles } from './styles';

export const LABEL_NAMES: Record<FeedbackLabel, string> = {
  completed: 'Completed',
  not_completed: 'Not completed',
  helpful: 'Helpful',
  unhelpful: 'Unhelpful',
  incorrect: 'Incorrect',
  unsafe: 'Unsafe',
  other: 'Other',
};

interface Draft {
  rating: number | null;
  label: FeedbackLabel | null;
  comment: string;
  interactionId: string;
}
const EMPTY: Draft = { rating: null, label: null, comment: '', interactionId: '' };

/** The body the collector takes: only what was filled in; null when nothing was (it needs one thing at least). */
export function feedbackInput(d: Draft): FeedbackInput | null {
  const body: FeedbackInput = {};
  if (d.rating !== null) {
    body.rating = d.rating;
  }
  if (d.label !== null) {
    body.label = d.label;
  }
  if (d.comment.trim()) {
    body.comment = d.comment.trim();
  }
  if (d.interactionId.trim()) {
    body.interactionId = d.interactionId.trim();
  }
  return body.rating === undefined && body.label === undefined && body.comment === undefined ? null : body;
}

/** An Editor's feedback on the agent's answers: a rating, a label, a comment, about one request or none. */
export function FeedbackForm({ agentId, onSaved }: { agentId: string; onSaved: (f: Feedback) => void }) {
  const s = useStyles2(getQualityStyles);
  const id = useId();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<CollectorError | null>(null);
  const body = feedbackInput(draft);
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!body) {
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const saved = await collector<Feedback>(qualityPaths.feedback(agentId), { method: 'POST', data: body });
      setDraft(EMPTY);
      onSaved(saved.data);
    } catch (err) {
      setError(err as CollectorError);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Section title="Add feedback">
      <form aria-label="Add feedback" className={s.form} onSubmit={submit}>
        <div className={s.fields}>
          {/* Clicking the chosen rating or label again clears it: each is optional. */}
          <Field label="Rating" description="1 poor, 5 excellent">
            <RadioButtonGroup<number>
              size="sm"
              options={[1, 2, 3, 4, 5].map((r) => ({ label: String(r), value: r, ariaLabel: `${r} of 5` }))}
              value={draft.rating ?? undefined}
              onChange={(rating) => set({ rating })}
              onClick={(rating) => draft.rating === rating && set({ rating: null })}
            />
          </Field>
          <Field label="Label" description="Completed / not completed count toward task completion">
            <RadioButtonGroup<FeedbackLabel>
              size="sm"
              options={(Object.keys(LABEL_NAMES) as FeedbackLabel[]).map((l) => ({ label: LABEL_NAMES[l], value: l }))}
              value={draft.label ?? undefined}
              onChange={(label) => set({ label })}
              onClick={(label) => draft.label === label && set({ label: null })}
            />
          </Field>
        </div>
        <Field label="Comment">
          <TextArea
            id={`${id}-comment`}
            rows={2}
            maxLength={4000}
            value={draft.comment}
            onChange={(e) => set({ comment: e.currentTarget.value })}
          />
        </Field>
        <Field label="Request id" description="Optional: the request this is about">
          <Input
            id={`${id}-interaction`}
            value={draft.interactionId}
            onChange={(e) => set({ interactionId: e.currentTarget.value })}
            width={40}
          />
        </Field>
        {error && (
          <Alert severity="error" title="The feedback was not saved" onRemove={() => setError(null)}>
            {error.message}
          </Alert>
        )}
        <div>
          <Button type="submit" icon="comment-alt" disabled={saving || !body}>
            {saving ? 'Saving…' : 'Save feedback'}
          </Button>
        </div>
      </form>
    </Section>
  );
}
