import { lazy } from 'react';
import type { PortalArea } from '../portal-area';

const TokensPage = lazy(() => import('./TokensPage'));
const FeatureFlagsPage = lazy(() => import('./FeatureFlagsPage'));

/**
 * The person's own settings: their API tokens (reached from the account menu, not the main nav) and the
 * feature flags templates declare (reached from the Create page and the wizard; kept in the browser).
 */
export const settingsArea: PortalArea = {
  name: 'settings',
  routes: [
    { path: '/settings/tokens', element: <TokensPage /> },
    { path: '/settings/feature-flags', element: <FeatureFlagsPage /> },
  ],
};
