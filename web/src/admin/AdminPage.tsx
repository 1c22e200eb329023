import { NavLink, useParams } from 'react-router-dom';
import { EmptyState } from '../components/States';
import { useDocumentTitle } from '../lib/hooks';
import { AuditSection } from './AuditSection';
import { RulesSection } from './RulesSection';
import { WebhooksSection } from './WebhooksSection';
import './admin.css';

const SECTIONS = {
  rules: { label: 'Permission rules', path: '/admin' },
  audit: { label: 'Audit log', path: '/admin/audit' },
  webhooks: { label: 'Webhooks', path: '/admin/webhooks' },
} as const;

/** Administration: the permission rules (with explanations), the audit log and outgoing webhooks. Each section asks the server and shows its 403 as the permission it lacks. */
export default function AdminPage() {
  const { section = 'rules' } = useParams();
  const known = Object.hasOwn(SECTIONS, section) ? (section as keyof typeof SECTIONS) : undefined;
  useDocumentTitle(known ? SECTIONS[known].label : 'Administration');
  return (
    <div className="page admin-page">
      <div className="page-head">
        <div>
          <h1>Administration</h1>
          <p className="muted">Who may do what in Pave, what was done, and who is told.</p>
        </div>
      </div>
      <nav className="tabs" aria-label="Administration sections">
        {Object.entries(SECTIONS).map(([id, s]) => (
          <NavLink key={id} to={s.path} end>
            {s.label}
          </NavLink>
        ))}
      </nav>
      {known === 'rules' ? <RulesSection /> : known === 'audit' ? <AuditSection /> : known === 'webhooks' ? <WebhooksSection /> : <EmptyState title={`There is no section “${section}”.`} />}
    </div>
  );
}
