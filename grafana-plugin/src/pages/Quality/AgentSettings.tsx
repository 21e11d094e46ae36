import React from 'react';
import type { AgentQualitySettingsPatch, QualitySettingsView } from '@ai-arm/schemas';
import { collector } from '../../api/collector';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { hasRole } from '../../roles';
import { qualityPaths } from './api';
import { SettingsForm, SettingsTable } from './SettingsForm';

/**
 * The settings that apply to one agent: the organisation's, with the agent's own overrides. Admins
 * override here (what they leave alone follows the organisation's).
 */
export function AgentSettings({ agentId }: { agentId: string }) {
  const settings = useCollector<QualitySettingsView>(qualityPaths.settings);
  const isAdmin = hasRole('Admin');
  const save = async (patch: AgentQualitySettingsPatch) => {
    await collector<QualitySettingsView>(qualityPaths.agentSettings(agentId), { method: 'PATCH', data: patch });
    settings.reload();
  };
  return (
    <Section
      title="This agent's settings"
      busy={settings.loading}
      description="The organisation's settings (Settings tab), with this agent's overrides marked."
    >
      <Loadable state={settings} what="Quality settings">
        {(v) => {
          const own = v.agents.find((a) => a.agentId === agentId);
          const effective = own?.effective ?? v.organization;
          return isAdmin ? (
            <SettingsForm
              key={JSON.stringify(own ?? null)}
              name="Agent settings"
              values={effective}
              marked={own?.overrides ?? {}}
              markText="this agent"
              onSave={save}
            />
          ) : (
            <SettingsTable
              name="Agent settings"
              columns={[
                { title: 'This agent', values: effective },
                { title: 'Organisation', values: v.organization },
              ]}
            />
          );
        }}
      </Loadable>
    </Section>
  );
}
