import React, { useId, useState } from 'react';
import { Button, Field, Input, TextArea, useStyles2 } from '@grafana/ui';
import type { Context } from '@ai-arm/schemas';
import { collector } from '../../api/collector';
import { useAction } from '../../api/useAction';
import { contextPaths } from './api';
import { draftOf, draftProblem, EMPTY_DRAFT, itemInput, itemPatch, type ItemDraft } from './draft';
import { TypeField, UserField } from './FilterFields';
import { getContextStyles } from './styles';

interface Props {
  agentId: string;
  /** The item edited; none: a new one. */
  item?: Context;
  onSaved: (item: Context, outcome: 'created' | 'merged' | 'updated') => void;
  onCancel?: () => void;
}

/**
 * An Editor adds an item by hand, or edits one: its type, text, key (what a preference or
 * instruction is about: a newer one with the same key supersedes it), user, confidence,
 * validity and tags. An edit sends only what changed.
 */
export function ItemForm({ agentId, item, onSaved, onCancel }: Props) {
  const s = useStyles2(getContextStyles);
  const id = useId();
  const [draft, setDraft] = useState<ItemDraft>(item ? draftOf(item) : EMPTY_DRAFT);
  const action = useAction<'save'>();
  const saving = action.busy !== null;
  const set = (change: Partial<ItemDraft>) => setDraft((d) => ({ ...d, ...change }));
  const problem = draftProblem(draft);
  const patch = item && !problem ? itemPatch(item, draft) : null;
  const name = item ? 'Edit context item' : 'Add context';

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (problem || (item && !patch)) {
      return;
    }
    void action.run('save', async () => {
      if (item) {
        const saved = await collector<Context>(contextPaths.item(item.id), { method: 'PATCH', data: patch });
        onSaved(saved.data, 'updated');
      } else {
        const saved = await collector<Context>(contextPaths.items, { method: 'POST', data: itemInput(agentId, draft) });
        setDraft(EMPTY_DRAFT);
        onSaved(saved.data, saved.data.mergedCount > 1 ? 'merged' : 'created');
      }
    });
  };

  return (
    <form aria-label={name} className={s.form} onSubmit={submit}>
      <div className={s.fields}>
        <TypeField id={`${id}-type`} value={draft.type} onChange={(type) => set({ type })} />
        <Field label="Key" description="What a preference or instruction is about (e.g. response_format)">
          <Input id={`${id}-key`} value={draft.key} onChange={(e) => set({ key: e.currentTarget.value })} width={28} />
        </Field>
        <UserField
          id={`${id}-user`}
          value={draft.userId}
          description="The end user it is about; empty: everyone"
          onChange={(userId) => set({ userId })}
        />
        <Field label="Confidence" description="0 to 1">
          <Input
            id={`${id}-confidence`}
            type="number"
            min={0}
            max={1}
            step={0.05}
            value={draft.confidence}
            onChange={(e) => set({ confidence: e.currentTarget.value })}
            width={10}
          />
        </Field>
      </div>
      <Field label="Context" description="What the agent should know, in plain words">
        <TextArea
          id={`${id}-content`}
          rows={3}
          value={draft.content}
          onChange={(e) => set({ content: e.currentTarget.value })}
        />
      </Field>
      <div className={s.fields}>
        <Field label="Valid from (UTC)" description={item ? '' : 'Empty: now'}>
          <Input
            id={`${id}-from`}
            value={draft.validFrom}
            placeholder="2026-03-01"
            onChange={(e) => set({ validFrom: e.currentTarget.value })}
            width={22}
          />
        </Field>
        <Field label="Valid until (UTC)" description="Empty: no end">
          <Input
            id={`${id}-until`}
            value={draft.validUntil}
            placeholder="2026-12-31 23:59"
            onChange={(e) => set({ validUntil: e.currentTarget.value })}
            width={22}
          />
        </Field>
        <Field label="Tags" description="Comma-separated">
          <Input
            id={`${id}-tags`}
            value={draft.tags}
            onChange={(e) => set({ tags: e.currentTarget.value })}
            width={30}
          />
        </Field>
      </div>
      {problem && draft.content !== '' && (
        <span role="status" className={s.muted}>
          {problem}
        </span>
      )}
      {action.failure(item ? 'The item was not saved' : 'The item was not added')}
      <div className={s.actions}>
        <Button type="submit" icon={item ? 'save' : 'plus'} disabled={saving || Boolean(problem) || (item && !patch)}>
          {saving ? 'Saving…' : item ? 'Save changes' : 'Add'}
        </Button>
        {onCancel && (
          <Button variant="secondary" onClick={onCancel} disabled={saving}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
