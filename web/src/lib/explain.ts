/** Asking the server's policy about a decision (`GET /api/permissions/explain`), for any area of the portal. */
import { apiRequest } from './api';
import type { Explanation } from '../../../src/auth/permission-service.js';
export type { Explanation };

/**
 * Whether `user` (default: the caller) may do `action` (on `resourceRef`, asking for `input`, JSON text, for
 * rules with input conditions), and the rule that decides.
 */
export function explain(input: { user?: string; action: string; resourceRef?: string; input?: string }, signal?: AbortSignal): Promise<Explanation> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) if (value) params.set(key, value);
  return apiRequest(`/api/permissions/explain?${params.toString()}`, { signal });
}
