import { lazy } from 'react';
import { NavLink } from 'react-router-dom';
import type { PortalArea } from '../portal-area';

const TemplateGalleryPage = lazy(() => import('./GalleryPage'));
const TemplateWizardPage = lazy(() => import('./WizardPage'));
const TemplateTaskPage = lazy(() => import('./TaskPage'));
const TemplateTaskListPage = lazy(() => import('./TaskListPage'));
const TemplateUpgradesPage = lazy(() => import('./UpgradesPage'));
const InstalledActionsPage = lazy(() => import('./InstalledActionsPage'));

/** Golden paths: the gallery, the wizard, the list of tasks, a task's live page, the repositories behind their template and the installed actions. */
export const templatesArea: PortalArea = {
  name: 'templates',
  routes: [
    { path: '/create', element: <TemplateGalleryPage /> },
    { path: '/create/templates/:namespace/:name', element: <TemplateWizardPage /> },
    { path: '/create/tasks', element: <TemplateTaskListPage /> },
    { path: '/create/actions', element: <InstalledActionsPage /> },
    { path: '/create/tasks/:taskId', element: <TemplateTaskPage /> },
    { path: '/create/upgrades', element: <TemplateUpgradesPage /> },
  ],
  nav: [{ order: 20, entry: () => <NavLink to="/create">Create</NavLink> }],
};
