import { Link } from 'react-router-dom';
import { EmptyState } from '../components/States';
import { useDocumentTitle } from '../lib/hooks';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="page">
      <h1>Page not found</h1>
      <EmptyState title="There is nothing at this address." icon="?">
        <p>
          Go back <Link to="/">home</Link>, browse the <Link to="/catalog">catalog</Link>, or press{' '}
          <kbd>Ctrl</kbd> <kbd>K</kbd> to search.
        </p>
      </EmptyState>
    </div>
  );
}
