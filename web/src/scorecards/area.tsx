import { lazy } from 'react';
import { NavLink } from 'react-router-dom';
import type { PortalArea } from '../portal-area';

const ScorecardsPage = lazy(() => import('./ScorecardsPage'));
const ScorecardPage = lazy(() => import('./ScorecardPage'));
const CampaignPage = lazy(() => import('./CampaignPage'));

/** Scorecards: the list with entities per level and the campaigns, one scorecard's overview, one campaign's page (an entity's results are a tab of its page). */
export const scorecardsArea: PortalArea = {
  name: 'scorecards',
  routes: [
    { path: '/scorecards', element: <ScorecardsPage /> },
    { path: '/scorecards/:namespace/:name', element: <ScorecardPage /> },
    { path: '/scorecards/campaigns/:namespace/:name', element: <CampaignPage /> },
  ],
  nav: [{ order: 45, entry: () => <NavLink to="/scorecards">Scorecards</NavLink> }],
};
