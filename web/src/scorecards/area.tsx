import { lazy } from 'react';
import { NavLink } from 'react-router-dom';
import type { PortalArea } from '../portal-area';

const ScorecardsPage = lazy(() => import('./ScorecardsPage'));
const ScorecardPage = lazy(() => import('./ScorecardPage'));

/** Scorecards: the list with entities per level, and one scorecard's overview (an entity's results are a tab of its page). */
export const scorecardsArea: PortalArea = {
  name: 'scorecards',
  routes: [
    { path: '/scorecards', element: <ScorecardsPage /> },
    { path: '/scorecards/:namespace/:name', element: <ScorecardPage /> },
  ],
  nav: [{ order: 45, entry: () => <NavLink to="/scorecards">Scorecards</NavLink> }],
};
