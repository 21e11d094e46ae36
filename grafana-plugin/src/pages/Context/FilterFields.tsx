import React from 'react';
import { Field, Input } from '@grafana/ui';
import type { ContextType } from '@ai-arm/schemas';
import { NativeSelect } from '../../components/shared/NativeSelect';
import { CONTEXT_TYPES, TYPE_NAMES, utcInstant } from './format';

/** An item's type; with `any`, the label of a first choice that means every type (a filter). */
export function TypeField<T extends ContextType | ''>({
  id,
  value,
  onChange,
  any,
}: {
  id: string;
  value: T;
  onChange: (type: T) => void;
  any?: string;
}) {
  const types = CONTEXT_TYPES.map((t) => ({ label: TYPE_NAMES[t], value: t as T }));
  return (
    <Field label="Type">
      <NativeSelect<T>
        id={id}
        aria-label="Type"
        value={value}
        options={any === undefined ? types : [{ label: any, value: '' as T }, ...types]}
        onChange={onChange}
      />
    </Field>
  );
}

/** The end user an item is about. */
export function UserField({
  id,
  value,
  onChange,
  description,
}: {
  id: string;
  value: string;
  onChange: (userId: string) => void;
  description?: string;
}) {
  return (
    <Field label="User" description={description}>
      <Input id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)} width={24} />
    </Field>
  );
}

export interface ItemFilters {
  type: ContextType | '';
  userId: string;
  /** A UTC time the items must hold at, as typed. */
  validAt: string;
}

interface Props {
  /** The prefix of the fields' ids. */
  id: string;
  filters: ItemFilters;
  onChange: (change: Partial<ItemFilters>) => void;
  /** The first type choice, meaning every type. */
  anyType: string;
  userDescription?: string;
  /** What an empty time means, said under the field and in it. */
  time: { description?: string; placeholder: string };
}

/** The filters the items are found by: type, user, and the time they must hold at. */
export function FilterFields({ id, filters, onChange, anyType, userDescription, time }: Props) {
  const badTime = utcInstant(filters.validAt) === null;
  return (
    <>
      <TypeField id={`${id}-type`} value={filters.type} any={anyType} onChange={(type) => onChange({ type })} />
      <UserField
        id={`${id}-user`}
        value={filters.userId}
        description={userDescription}
        onChange={(userId) => onChange({ userId })}
      />
      <Field
        label="Valid at (UTC)"
        description={time.description}
        invalid={badTime}
        error={badTime ? 'A UTC time such as 2026-03-01 or 2026-03-01 14:30' : undefined}
      >
        <Input
          id={`${id}-valid`}
          value={filters.validAt}
          placeholder={time.placeholder}
          onChange={(e) => onChange({ validAt: e.currentTarget.value })}
          width={22}
        />
      </Field>
    </>
  );
}
