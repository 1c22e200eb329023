import { NavLink } from 'react-router-dom';
import { useMay } from '../lib/useMayDo';

/** The main navigation's "Register" entry, offered only to callers the policy lets register locations. */
export function RegisterNavLink() {
  return useMay('catalog.location.create') ? <NavLink to="/register">Register</NavLink> : null;
}
