import { lazy } from 'react';
import { NavLink } from 'react-router-dom';
import type { PortalArea } from '../portal-area';

const RepositoryListPage = lazy(() => import('./RepositoryListPage'));
const RepositoryPage = lazy(() => import('./RepositoryPage'));

/** The git repositories Pave hosts, and the platform's destinations. */
export const repositoriesArea: PortalArea = {
  name: 'repositories',
  routes: [
    { path: '/repositories', element: <RepositoryListPage /> },
    { path: '/repositories/:owner/:repo', element: <RepositoryPage /> },
    { path: '/repositories/:owner/:repo/:view/*', element: <RepositoryPage /> },
    // Destinations, where no hosted owner can be (`-` is no repository name).
    { path: '/repositories/-/destination/:name', element: <RepositoryPage /> },
    { path: '/repositories/-/destination/:name/:view/*', element: <RepositoryPage /> },
  ],
  nav: [{ order: 30, entry: () => <NavLink to="/repositories">Repositories</NavLink> }],
};
