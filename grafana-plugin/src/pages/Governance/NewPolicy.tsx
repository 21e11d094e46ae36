import React, { useState } from 'react';
import type { Policy, PolicyTemplate } from '@ai-arm/schemas';
import { EMPTY_POLICY, policyDraft } from './draft';
import { PolicyForm } from './PolicyForm';
import { TemplatePicker } from './TemplatePicker';

/** The create form, blank or filled from a template (choosing another starts the form again). */
export function NewPolicy({ onSaved, onCancel }: { onSaved: (policy: Policy) => void; onCancel: () => void }) {
  const [template, setTemplate] = useState<PolicyTemplate | null>(null);
  return (
    <>
      <TemplatePicker chosen={template?.id ?? ''} onChoose={setTemplate} />
      <PolicyForm
        key={template?.id ?? ''}
        initial={template ? policyDraft(template.policy) : EMPTY_POLICY}
        onSaved={onSaved}
        onCancel={onCancel}
      />
    </>
  );
}
