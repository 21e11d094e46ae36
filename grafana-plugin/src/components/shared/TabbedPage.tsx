import React, { type ReactNode } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Stack, Tab, TabContent, TabsBar } from '@grafana/ui';

interface Props<T extends string> {
  tabs: ReadonlyArray<{ value: T; label: string }>;
  /** The open tab (the page keeps it, in the URL). */
  tab: T;
  onTab: (tab: T) => void;
  /** The open tab's content. */
  children: ReactNode;
}

/** A plugin page of tabs over the open tab's content. */
export function TabbedPage<T extends string>({ tabs, tab, onTab, children }: Props<T>) {
  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <TabsBar>
          {tabs.map((t) => (
            <Tab key={t.value} label={t.label} active={tab === t.value} onChangeTab={() => onTab(t.value)} />
          ))}
        </TabsBar>
        <TabContent>{children}</TabContent>
      </Stack>
    </PluginPage>
  );
}
