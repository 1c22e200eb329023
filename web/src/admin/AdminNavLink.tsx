import { NavLink } from 'react-router-dom';
import { useMayDo } from '../lib/useMayDo';

/** The actions that make the admin page worth a place in the navigation. */
const ADMIN_ACTIONS = ['auth.rule.write', 'audit.log.query', 'events.webhook.read'];

/** The main navigation's "Admin" entry, shown only to callers the policy lets change rules, read the audit log or read webhooks. */
export function AdminNavLink() {
  const may = useMayDo(ADMIN_ACTIONS);
  if (!may || !Object.values(may).some(Boolean)) return null;
  return <NavLink to="/admin">Admin</NavLink>;
}
