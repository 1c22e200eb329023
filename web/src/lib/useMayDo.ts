import { useEffect, useState } from 'react';
import { useAccount } from '../components/Account';
import { ApiError } from './api';
import { explain } from './explain';

/**
 * Which of these actions the caller may do (on `resourceRef`, for rules about owners), as the server's policy
 * decides (one `explain` per action); undefined while asking. Nobody signed in, or not even allowed to ask:
 * nothing is allowed.
 */
export function useMayDo(actions: readonly string[], resourceRef?: string): Readonly<Record<string, boolean>> | undefined {
  const { methods, identity, loaded } = useAccount();
  const [allowed, setAllowed] = useState<Record<string, boolean>>();
  const signedIn = methods?.enabled === false || (identity !== undefined && identity.principal !== 'anonymous');
  const key = actions.join(' ');
  useEffect(() => {
    if (!loaded) return;
    const names = key.split(' ');
    if (!methods || !signedIn) {
      setAllowed(Object.fromEntries(names.map((action) => [action, false])));
      return;
    }
    const ctrl = new AbortController();
    const ask = (action: string) =>
      explain({ action, resourceRef }, ctrl.signal).then(
        (decision) => decision.allowed,
        (error: unknown) => {
          if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return false;
          throw error;
        },
      );
    Promise.all(names.map(ask))
      .then((answers) => {
        if (!ctrl.signal.aborted) setAllowed(Object.fromEntries(names.map((action, i) => [action, answers[i]!])));
      })
      // The server could not answer: offer nothing rather than guess (pages still show its 403s).
      .catch(() => !ctrl.signal.aborted && setAllowed(Object.fromEntries(names.map((action) => [action, false]))));
    return () => ctrl.abort();
  }, [loaded, methods, signedIn, identity?.principal, key, resourceRef]);
  return allowed;
}

/** Whether the caller may do this one action: false until the server has answered, so nothing is offered early. */
export function useMay(action: string): boolean {
  return useMayDo([action])?.[action] ?? false;
}
