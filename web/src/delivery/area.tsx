import { lazy } from 'react';
import { NavLink } from 'react-router-dom';
import type { PortalArea } from '../portal-area';

const DeliveryPage = lazy(() => import('./DeliveryPage'));
const AdoptionPage = lazy(() => import('./AdoptionPage'));

/** Delivery: the DORA dashboard for the organisation and each team, adoption and unmapped events. */
export const deliveryArea: PortalArea = {
  name: 'delivery',
  routes: [
    { path: '/delivery', element: <DeliveryPage /> },
    { path: '/delivery/adoption', element: <AdoptionPage /> },
  ],
  nav: [{ order: 55, entry: () => <NavLink to="/delivery">Delivery</NavLink> }],
};
