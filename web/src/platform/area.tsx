import { lazy } from 'react';
import { NavLink } from 'react-router-dom';
import type { PortalArea } from '../portal-area';

const PlatformMarketplacePage = lazy(() => import('./MarketplacePage'));
const PlatformRequestFormPage = lazy(() => import('./RequestFormPage'));
const PlatformRequestPage = lazy(() => import('./RequestPage'));
const PlatformRequestListPage = lazy(() => import('./RequestListPage'));

/** The platform API: the capability marketplace, the request form, the list of requests and a request's page. */
export const platformArea: PortalArea = {
  name: 'platform',
  routes: [
    { path: '/platform', element: <PlatformMarketplacePage /> },
    { path: '/platform/capabilities/:name', element: <PlatformRequestFormPage /> },
    { path: '/platform/requests', element: <PlatformRequestListPage /> },
    { path: '/platform/requests/:namespace/:name', element: <PlatformRequestPage /> },
  ],
  nav: [{ order: 50, entry: () => <NavLink to="/platform">Platform</NavLink> }],
};
