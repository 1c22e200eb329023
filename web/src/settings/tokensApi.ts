/**
 * Typed calls to the caller's API tokens (`/api/auth/tokens`). Shapes are the server's own (type-only imports:
 * nothing of src/ is bundled); errors are `ApiError` problems.
 */
import { apiRequest } from '../lib/api';
import type { CreateTokenInput, TokenRecord } from '../../../src/auth/token-service.js';
export type { TokenRecord };

export function listTokens(signal?: AbortSignal): Promise<{ items: TokenRecord[] }> {
  return apiRequest('/api/auth/tokens', { signal });
}

/** Creates a personal token; the answer holds the secret, which the server never shows again. */
export function createToken(input: Pick<CreateTokenInput, 'name' | 'scopes' | 'expiresInDays'>): Promise<TokenRecord & { token: string }> {
  return apiRequest('/api/auth/tokens', { method: 'POST', json: input });
}

export function revokeToken(id: string): Promise<TokenRecord> {
  return apiRequest(`/api/auth/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
