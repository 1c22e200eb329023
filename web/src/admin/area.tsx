import { lazy } from 'react';
import type { PortalArea } from '../portal-area';
import { AdminNavLink } from './AdminNavLink';

const AdminPage = lazy(() => import('./AdminPage'));

/** Administration: rules, explanations, the audit log and webhooks (shown to those who may use them). */
export const adminArea: PortalArea = {
  name: 'admin',
  routes: [
    { path: '/admin', element: <AdminPage /> },
    { path: '/admin/:section', element: <AdminPage /> },
  ],
  nav: [{ order: 90, entry: AdminNavLink }],
};
