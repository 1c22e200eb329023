import { lazy } from 'react';
import type { PortalArea } from '../portal-area';

const TokensPage = lazy(() => import('./TokensPage'));

/** The signed-in person's own settings: their API tokens (reached from the account menu, not the main nav). */
export const settingsArea: PortalArea = {
  name: 'settings',
  routes: [{ path: '/settings/tokens', element: <TokensPage /> }],
};
