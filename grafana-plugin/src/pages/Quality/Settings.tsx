import React from 'react';
import { Alert, useStyles2 } from '@grafana/ui';
import type { QualitySettingsPatch, QualitySettingsView } from '@ai-arm/schemas';
import { collector } from '../../api/collector';
import { useCollector } from '../../api/useCollector';
import { Loadable } from '../../components/shared/Loadable';
import { Section } from '../../components/shared/Section';
import { hasRole } from '../../roles';
import { qualityPaths } from './api';
import { EvaluatorForm } from './EvaluatorForm';
import { SETTING_FIELDS } from './settingFields';
import { SettingsForm, SettingsTable } from './SettingsForm';
import { getQualityStyles } from './styles';

/**
 * The quality monitor's settings for the organisation: drift sensitivity, alert thresholds, the
 * grounding sample rate and the evaluator model. Admins change them; everyone reads them, with the
 * agents that override some.
 */
export function Settings() {
  const s = useStyles2(getQualityStyles);
  const settings = useCollector<QualitySettingsView>(qualityPaths.settings);
  const isAdmin = hasRole('Admin');
  const save = async (patch: QualitySettingsPatch) => {
    await collector<QualitySettingsView>(qualityPaths.settings, { method: 'PATCH', data: patch });
    settings.reload();
  };
  return (
    <Section
      title="Quality settings"
      busy={settings.loading}
      description={
        isAdmin
          ? 'For every agent of the organisation, except where an agent overrides a setting (on its own Settings section).'
          : 'A Grafana Admin changes these.'
      }
    >
      <Loadable state={settings} what="Quality settings">
        {(v) => (
          <>
            {isAdmin ? (
              <SettingsForm
                key={JSON.stringify(v.organization)}
                name="Organisation settings"
                values={v.organization}
                marked={Object.fromEntries(
                  SETTING_FIELDS.filter((f) => v.organization[f.key] !== v.defaults[f.key]).map((f) => [f.key, true])
                )}
                markText="changed from default"
                onSave={save}
              />
            ) : (
              <SettingsTable
                name="Organisation settings"
                columns={[
                  { title: 'Organisation', values: v.organization },
                  { title: 'Default', values: v.defaults },
                ]}
              />
            )}
            <h4 className={s.heading}>Evaluator model</h4>
            {isAdmin ? (
              <EvaluatorForm key={JSON.stringify(v.evaluator)} evaluator={v.evaluator} onSave={save} />
            ) : (
              <p aria-label="Evaluator model">
                {v.evaluator
                  ? `Model ${v.evaluator.model} on connection ${v.evaluator.connectionId} judges claims when a check asks for the evaluator model.`
                  : 'None: grounding checks run on rules (names, numbers and dates matched against the sources).'}
              </p>
            )}
            <h4 className={s.heading}>Agents that override a setting</h4>
            {v.agents.length === 0 ? (
              <Alert severity="info" title="No overrides">
                Every agent uses the organisation&apos;s settings.
              </Alert>
            ) : (
              <table className={s.table} aria-label="Agent overrides">
                <thead>
                  <tr>
                    <th>Agent</th>
                    <th>Overrides</th>
                  </tr>
                </thead>
                <tbody>
                  {v.agents.map((a) => (
                    <tr key={a.agentId}>
                      <td>
                        <code>{a.agentId}</code>
                      </td>
                      <td>
                        {SETTING_FIELDS.filter((f) => a.overrides[f.key] !== undefined)
                          .map((f) => `${f.label}: ${f.show(a.overrides[f.key]!)}`)
                          .join('; ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Loadable>
    </Section>
  );
}
