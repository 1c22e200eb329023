import { lazy } from 'react';
import { NavLink } from 'react-router-dom';
import type { PortalArea } from '../portal-area';
import { RegisterNavLink } from './RegisterNavLink';
import { API_VIEW, DOCS_VIEW } from './explorer-views';

const HomePage = lazy(() => import('./HomePage'));
const ExplorerPage = lazy(() => import('./ExplorerPage'));
const EntityPage = lazy(() => import('./EntityPage'));
const RegisterPage = lazy(() => import('./RegisterPage'));
const SearchPage = lazy(() => import('./SearchPage'));
const LocationsPage = lazy(() => import('./LocationsPage'));

/** The catalog: home, explorer, entity pages, search, and registering and managing locations. */
export const catalogArea: PortalArea = {
  name: 'catalog',
  routes: [
    { path: '/', element: <HomePage /> },
    { path: '/catalog', element: <ExplorerPage /> },
    { path: '/catalog/:namespace/:kind/:name', element: <EntityPage /> },
    { path: '/catalog/:namespace/:kind/:name/:tab', element: <EntityPage /> },
    { path: '/catalog/locations', element: <LocationsPage /> },
    { path: '/apis', element: <ExplorerPage view={API_VIEW} /> },
    { path: '/docs', element: <ExplorerPage view={DOCS_VIEW} /> },
    { path: '/register', element: <RegisterPage /> },
    { path: '/search', element: <SearchPage /> },
  ],
  nav: [
    { order: 0, entry: () => <NavLink to="/" end>Home</NavLink> },
    { order: 10, entry: () => <NavLink to="/catalog">Catalog</NavLink> },
    { order: 40, entry: RegisterNavLink },
  ],
};
