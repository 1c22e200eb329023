import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router-dom';
import { Layout } from './components/Layout';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Loading } from './components/States';
import { NotFoundPage } from './pages/NotFoundPage';

// Each page is its own chunk: the explorer never loads the API renderers or the graph library.
const HomePage = lazy(() => import('./pages/HomePage'));
const ExplorerPage = lazy(() => import('./pages/ExplorerPage'));
const EntityPage = lazy(() => import('./pages/EntityPage'));
const RegisterPage = lazy(() => import('./pages/RegisterPage'));
const SearchPage = lazy(() => import('./pages/SearchPage'));
const TemplateGalleryPage = lazy(() => import('./templates/GalleryPage'));
const TemplateWizardPage = lazy(() => import('./templates/WizardPage'));
const TemplateTaskPage = lazy(() => import('./templates/TaskPage'));
const PlatformMarketplacePage = lazy(() => import('./platform/MarketplacePage'));
const PlatformRequestFormPage = lazy(() => import('./platform/RequestFormPage'));
const PlatformRequestPage = lazy(() => import('./platform/RequestPage'));
const AdminPage = lazy(() => import('./admin/AdminPage'));
const RepositoryListPage = lazy(() => import('./repositories/RepositoryListPage'));
const RepositoryPage = lazy(() => import('./repositories/RepositoryPage'));

export function App() {
  return (
    <Layout>
      <ErrorBoundary what="page">
      <Suspense fallback={<Loading label="Loading page…" />}>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/catalog" element={<ExplorerPage />} />
          <Route path="/catalog/:namespace/:kind/:name" element={<EntityPage />} />
          <Route path="/catalog/:namespace/:kind/:name/:tab" element={<EntityPage />} />
          <Route path="/register" element={<RegisterPage />} />
          <Route path="/search" element={<SearchPage />} />
          <Route path="/create" element={<TemplateGalleryPage />} />
          <Route path="/create/templates/:namespace/:name" element={<TemplateWizardPage />} />
          <Route path="/create/tasks/:taskId" element={<TemplateTaskPage />} />
          <Route path="/platform" element={<PlatformMarketplacePage />} />
          <Route path="/platform/capabilities/:name" element={<PlatformRequestFormPage />} />
          <Route path="/platform/requests/:namespace/:name" element={<PlatformRequestPage />} />
          <Route path="/admin" element={<AdminPage />} />
          <Route path="/admin/:section" element={<AdminPage />} />
          <Route path="/repositories" element={<RepositoryListPage />} />
          <Route path="/repositories/:owner/:repo" element={<RepositoryPage />} />
          <Route path="/repositories/:owner/:repo/:view/*" element={<RepositoryPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
      </ErrorBoundary>
    </Layout>
  );
}
