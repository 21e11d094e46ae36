import React, { useId, useState } from 'react';
import { Alert, Button, Field, TextArea, useStyles2 } from '@grafana/ui';
import type { EvaluateRequest, EvaluateResult, PolicyInput } from '@ai-arm/schemas';
import { collector, type CollectorError } from '../../api/collector';
import { DecisionBadge } from './badges';
import { getGovernanceStyles } from './styles';

/**
 * Tests a sample prompt against a policy as it stands in the form (nothing is saved or recorded):
 * the collector's decision, what each condition matched, and the text as it would be stored.
 */
export function SampleTest({ policy }: { policy: () => PolicyInput }) {
  const s = useStyles2(getGovernanceStyles);
  const id = useId();
  const [text, setText] = useState('');
  const [result, setResult] = useState<EvaluateResult | null>(null);
  const [error, setError] = useState<CollectorError | null>(null);
  const [busy, setBusy] = useState(false);

  const test = async () => {
    setBusy(true);
    setError(null);
    try {
      const draft = policy();
      // A draft is tested before it has a name; the collector needs one.
      const body: EvaluateRequest = { text, policy: { ...draft, name: draft.name || 'Draft' } };
      setResult((await collector<EvaluateResult>('/api/v1/governance/evaluate', { method: 'POST', data: body })).data);
    } catch (err) {
      setResult(null);
      setError(err as CollectorError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={s.panel} role="group" aria-label="Test against sample text">
      <Field
        label="Test against sample text"
        description="A prompt to check with this policy as it stands here, unsaved"
      >
        <TextArea id={`${id}-text`} rows={3} value={text} onChange={(e) => setText(e.currentTarget.value)} />
      </Field>
      <div>
        <Button size="sm" variant="secondary" icon="play" disabled={busy || text === ''} onClick={() => void test()}>
          {busy ? 'Testing…' : 'Test'}
        </Button>
      </div>
      {error && (
        <Alert severity="error" title="The sample was not tested" onRemove={() => setError(null)}>
          {error.message}
        </Alert>
      )}
      {result && <SampleResult result={result} />}
    </div>
  );
}

function SampleResult({ result }: { result: EvaluateResult }) {
  const s = useStyles2(getGovernanceStyles);
  const conditions = result.matches.flatMap((m) => m.conditions);
  return (
    <div role="status" aria-label="Sample result" className={s.form}>
      <div className={s.actions}>
        <strong>Decision:</strong> <DecisionBadge decision={result.decision} />
        <span className={s.muted}>evaluated in {Math.round(result.evaluationMicros)} µs</span>
      </div>
      {conditions.length === 0 ? (
        <span>No condition matched.</span>
      ) : (
        <table className={s.table} aria-label="Matched conditions">
          <thead>
            <tr>
              <th>Field</th>
              <th>Operator</th>
              <th>Detector</th>
              <th>Matched (masked)</th>
            </tr>
          </thead>
          <tbody>
            {conditions.map((c, i) => (
              <tr key={i}>
                <td>{c.field}</td>
                <td>{c.operator}</td>
                <td>{c.detector ?? ''}</td>
                <td>
                  <code>{c.excerpt}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.masked.request !== null && (
        <div>
          <strong>Masked text</strong>
          <pre className={s.text} aria-label="Masked text">
            {result.masked.request}
          </pre>
        </div>
      )}
    </div>
  );
}
