import React, { useState } from 'react';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { Stack } from '@grafana/ui';
import { CollectorSettings } from './CollectorSettings';
import type { AppSettings } from './settings';
import { VendorConnections } from './VendorConnections';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

/** Grafana admins: where the collector is and its key; then the collector's vendor connections. */
const AppConfig = ({ plugin }: AppConfigProps) => {
  const { jsonData, secureJsonFields } = plugin.meta;
  const [ready, setReady] = useState(Boolean(jsonData?.collectorUrl && secureJsonFields?.apiKey));
  // Remounting the connections after a save re-reads them with the new URL and key.
  const [generation, setGeneration] = useState(0);
  return (
    <Stack direction="column" gap={3}>
      <CollectorSettings
        collectorUrl={jsonData?.collectorUrl ?? ''}
        keySaved={Boolean(secureJsonFields?.apiKey)}
        onSaved={() => {
          setReady(true);
          setGeneration((g) => g + 1);
        }}
      />
      {ready && <VendorConnections key={generation} />}
    </Stack>
  );
};

export default AppConfig;
