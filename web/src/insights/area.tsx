import { lazy } from 'react';
import { NavLink } from 'react-router-dom';
import type { PortalArea } from '../portal-area';

const DashboardPage = lazy(() => import('./DashboardPage'));
const SurveysPage = lazy(() => import('./SurveysPage'));
const SurveyRunPage = lazy(() => import('./SurveyRunPage'));
const MaturityPage = lazy(() => import('./MaturityPage'));
const QuestionnairePage = lazy(() => import('./QuestionnairePage'));

/** Is the platform working: its dashboard, developer-experience surveys and the maturity assessment. */
export const insightsArea: PortalArea = {
  name: 'insights',
  routes: [
    { path: '/insights', element: <DashboardPage /> },
    { path: '/surveys', element: <SurveysPage /> },
    { path: '/surveys/runs/:runId', element: <SurveyRunPage /> },
    { path: '/surveys/questionnaires/:surveyId', element: <QuestionnairePage /> },
    { path: '/maturity', element: <MaturityPage /> },
  ],
  nav: [{ order: 70, entry: () => <NavLink to="/insights">Insights</NavLink> }],
};
