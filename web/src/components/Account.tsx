import { Link } from 'react-router-dom';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { getAuthMethods, getMe, logout, signInUrl, type AuthMethods, type Identity } from '../lib/api';

interface AccountState {
  methods?: AuthMethods;
  identity?: Identity;
  loaded: boolean;
}

const AccountContext = createContext<AccountState>({ loaded: false });

/** Loads how one signs in here and who the browser is; pages read it with `useAccount`. */
export function AccountProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AccountState>({ loaded: false });
  useEffect(() => {
    const ctrl = new AbortController();
    (async () => {
      try {
        const methods = await getAuthMethods(ctrl.signal);
        const identity = methods.enabled ? await getMe(ctrl.signal) : undefined;
        setState({ methods, identity, loaded: true });
      } catch {
        // A server without the auth routes: the portal works as before, without an account menu.
        if (!ctrl.signal.aborted) setState({ loaded: true });
      }
    })();
    return () => ctrl.abort();
  }, []);
  return <AccountContext.Provider value={state}>{children}</AccountContext.Provider>;
}

export function useAccount(): AccountState {
  return useContext(AccountContext);
}

/** The top bar's sign-in link, or who is signed in with a sign-out button. */
export function AccountMenu() {
  const { methods, identity, loaded } = useAccount();
  if (!loaded || !methods?.enabled) return null;
  if (!identity || identity.principal === 'anonymous') {
    if (!methods.oidc && !methods.guest) return null;
    return (
      <a className="btn" href={signInUrl(methods.oidc ? 'oidc' : 'guest')}>
        Sign in
      </a>
    );
  }
  const name = identity.displayName ?? identity.userRef?.replace(/^user:(default\/)?/, '') ?? identity.principal;
  return (
    <div className="account">
      <Link className="account-link" to="/settings/tokens" title={`${identity.email ?? identity.principal}: your API tokens`}>
        <span className="avatar" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
        <span className="account-name">{name}</span>
        <span className="sr-only">: your API tokens</span>
      </Link>
      <button
        type="button"
        className="btn small-btn"
        onClick={() => {
          void logout()
            .catch(() => undefined)
            .then(() => window.location.reload());
        }}
      >
        Sign out
      </button>
    </div>
  );
}

/**
 * With authorization on, nothing in the catalog can be read before signing in: instead of a page
 * of errors, the portal asks the visitor to sign in (and says how, when nothing is configured).
 */
export function SignInGate({ children }: { children: ReactNode }) {
  const { methods, identity, loaded } = useAccount();
  if (!loaded || !methods?.enabled || (identity && identity.principal !== 'anonymous')) return <>{children}</>;
  return (
    <div className="page sign-in-page">
      <section className="card sign-in-card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Pave</h1>
        <p className="muted">The catalog, its docs and its APIs are visible to signed-in members of your organisation.</p>
        <div className="form-actions">
          {methods.oidc ? (
            <a className="btn primary" href={signInUrl('oidc')}>
              Sign in with your company account
            </a>
          ) : null}
          {methods.guest ? (
            <a className={methods.oidc ? 'btn' : 'btn primary'} href={signInUrl('guest')}>
              Continue as the demo guest
            </a>
          ) : null}
        </div>
        {!methods.oidc && !methods.guest ? (
          <p>
            No sign-in method is configured. An administrator sets <code>auth.oidc</code> in <code>pave.config.yaml</code> (or <code>auth.guest: true</code> for a demo),
            or uses an API token with the CLI.
          </p>
        ) : null}
      </section>
    </div>
  );
}
