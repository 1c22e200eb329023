import { Suspense } from 'react';
import { Route, Routes } from 'react-router-dom';
import { Layout } from './components/Layout';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Loading } from './components/States';
import { NotFoundPage } from './pages/NotFoundPage';
import { AREAS } from './areas';

// Each page is its own chunk (see each area's area.tsx): the explorer never loads the API renderers or the graph library.

export function App() {
  return (
    <Layout>
      <ErrorBoundary what="page">
      <Suspense fallback={<Loading label="Loading page…" />}>
        <Routes>
          {AREAS.flatMap(area => area.routes).map(route => (
            <Route key={route.path} path={route.path} element={route.element} />
          ))}
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
      </ErrorBoundary>
    </Layout>
  );
}
