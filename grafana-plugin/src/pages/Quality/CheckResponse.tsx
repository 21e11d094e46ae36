import React, { useId, useState } from 'react';
import { Alert, Button, Field, IconButton, Input, RadioButtonGroup, TextArea, useStyles2 } from '@grafana/ui';
import type { GroundingRequest, HallucinationCheck } from '@ai-arm/schemas';
import { collector, type CollectorError } from '../../api/collector';
import { Section } from '../../components/shared/Section';
import { qualityPaths } from './api';
import { CheckResult } from './GroundingDetail';
import { getQualityStyles } from './styles';

type Judge = NonNullable<GroundingRequest['judge']>;
const JUDGES: Array<{ label: string; value: Judge; description: string }> = [
  { label: 'Auto', value: 'auto', description: "The organisation's evaluator model when one is set, else rules" },
  { label: 'Rules', value: 'rules', description: 'Names, numbers and dates matched against the sources' },
  { label: 'Evaluator model', value: 'llm', description: 'The evaluator model on the Settings tab judges each claim' },
];

/** The request the form sends: blank sources left out, an empty request id not sent. */
export function groundingRequest(
  response: string,
  sources: string[],
  judge: Judge,
  interactionId: string
): GroundingRequest {
  const body: GroundingRequest = { response, sources: sources.filter((x) => x.trim() !== ''), judge };
  if (interactionId.trim()) {
    body.interactionId = interactionId.trim();
  }
  return body;
}

/**
 * An Editor checks one response against its sources (POST .../evaluate): the verdict and the
 * flagged claims, marked in the response as typed. The check is stored with the agent's others.
 */
export function CheckResponse({ agentId, onChecked }: { agentId: string; onChecked: () => void }) {
  const s = useStyles2(getQualityStyles);
  const id = useId();
  const [response, setResponse] = useState('');
  const [sources, setSources] = useState<string[]>(['']);
  const [judge, setJudge] = useState<Judge>('auto');
  const [interactionId, setInteractionId] = useState('');
  const [result, setResult] = useState<{ check: HallucinationCheck; text: string } | null>(null);
  const [error, setError] = useState<CollectorError | null>(null);
  const [busy, setBusy] = useState(false);
  const body = groundingRequest(response, sources, judge, interactionId);
  const ready = response.trim() !== '' && body.sources.length > 0;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await collector<HallucinationCheck>(qualityPaths.evaluate(agentId), { method: 'POST', data: body });
      // Marked against the text as sent: offsets are into it, stored copy or not.
      setResult({ check: r.data, text: body.response });
      onChecked();
    } catch (err) {
      setResult(null);
      setError(err as CollectorError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Check a response" description="Paste an answer and the sources it should rest on.">
      <form aria-label="Check a response" className={s.form} onSubmit={submit}>
        <Field label="Response" description="The answer to check (64 KiB at most)">
          <TextArea
            id={`${id}-response`}
            rows={4}
            value={response}
            onChange={(e) => setResponse(e.currentTarget.value)}
          />
        </Field>
        {sources.map((src, i) => (
          <Field
            key={i}
            htmlFor={`${id}-source-${i}`}
            label={`Source ${i + 1}`}
            description={i === 0 ? 'A retrieved passage or tool result' : undefined}
          >
            <div className={s.actions}>
              <TextArea
                id={`${id}-source-${i}`}
                rows={3}
                value={src}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setSources((all) => all.map((x, k) => (k === i ? value : x)));
                }}
              />
              {sources.length > 1 && (
                <IconButton
                  name="trash-alt"
                  tooltip={`Remove source ${i + 1}`}
                  onClick={() => setSources((all) => all.filter((_, k) => k !== i))}
                />
              )}
            </div>
          </Field>
        ))}
        <div className={s.fields}>
          <Button
            size="sm"
            variant="secondary"
            icon="plus"
            disabled={sources.length >= 50}
            onClick={() => setSources((all) => [...all, ''])}
          >
            Add source
          </Button>
          <Field label="Judge">
            <RadioButtonGroup<Judge> size="sm" options={JUDGES} value={judge} onChange={setJudge} />
          </Field>
          <Field label="Request id" description="Optional: the request the answer came from">
            <Input
              id={`${id}-interaction`}
              value={interactionId}
              onChange={(e) => setInteractionId(e.currentTarget.value)}
              width={30}
            />
          </Field>
        </div>
        {error && (
          <Alert severity="error" title="The response was not checked" onRemove={() => setError(null)}>
            {error.message}
          </Alert>
        )}
        <div>
          <Button type="submit" icon="check" disabled={busy || !ready}>
            {busy ? 'Checking…' : 'Check'}
          </Button>
        </div>
      </form>
      {result && (
        <div role="status" aria-label="Check result" className={s.panel}>
          <CheckResult check={result.check} text={result.text} />
        </div>
      )}
    </Section>
  );
}
