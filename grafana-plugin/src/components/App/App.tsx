import React, { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import { ROUTES } from '../../constants';
import { CONTEXT_ROUTE } from '../../pages/Context/route';
import { GOVERNANCE_ROUTE } from '../../pages/Governance/route';
import { QUALITY_ROUTE } from '../../pages/Quality/route';

// One chunk per page: opening the agent list does not load the costs page.
const AgentsPage = lazy(() => import('../../pages/Agents/AgentsPage'));
const AgentDetailPage = lazy(() => import('../../pages/AgentDetail/AgentDetailPage'));
const CostsPage = lazy(() => import('../../pages/Costs/CostsPage'));
const GovernancePage = lazy(() => import('../../pages/Governance/GovernancePage'));
const QualityPage = lazy(() => import('../../pages/Quality/QualityPage'));
const ContextPage = lazy(() => import('../../pages/Context/ContextPage'));

function App(_props: AppRootProps) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="Loading…" />}>
      <Routes>
        <Route path={ROUTES.Agents} element={<AgentsPage />} />
        <Route path={`${ROUTES.Agents}/:id`} element={<AgentDetailPage />} />
        <Route path={ROUTES.Costs} element={<CostsPage />} />
        <Route path={GOVERNANCE_ROUTE} element={<GovernancePage />} />
        <Route path={QUALITY_ROUTE} element={<QualityPage />} />
        <Route path={CONTEXT_ROUTE} element={<ContextPage />} />
        <Route path="*" element={<Navigate to={ROUTES.Agents} replace />} />
      </Routes>
    </Suspense>
  );
}

export default App;
