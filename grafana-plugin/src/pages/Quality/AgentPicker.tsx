import React from 'react';
import { AgentFinder } from '../../components/shared/AgentFinder';

/**
 * Finds any agent by part of its name (the agents API's search), including one that pushed
 * nothing in the window and so is not in the report.
 */
export function AgentPicker({ onPick }: { onPick: (agentId: string) => void }) {
  return (
    <AgentFinder
      label="Find an agent"
      description="Part of its name"
      placeholder="e.g. support"
      listLabel="Agents found"
      width={40}
      onPick={onPick}
    />
  );
}
