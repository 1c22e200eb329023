import type { Identity } from '../auth/identity.js';
import type { Explanation } from '../auth/permission-service.js';
import type { SourcedRule } from '../auth/policy.js';
import type { CreateTokenInput, TokenRecord } from '../auth/token-service.js';
import type { ApiConnection } from './api-connection.js';

/** Who the caller is, as `GET /api/auth/me` answers. */
export type Me = Omit<Identity, 'tokenId'>;

/** Identity, API tokens and permissions: /api/auth and /api/permissions. */
export class AuthApi {
  constructor(private readonly api: ApiConnection) {}

  me(): Promise<Me> {
    return this.api.json({ method: 'GET', path: '/api/auth/me' });
  }

  /** A new token; its secret (`token`) is in this answer and never again. */
  createToken(input: CreateTokenInput): Promise<TokenRecord & { token: string }> {
    return this.api.json({ method: 'POST', path: '/api/auth/tokens', body: input });
  }

  /** The caller's tokens; with `all` (admins) everyone's, or one principal's. */
  async tokens(options: { all?: boolean; principal?: string } = {}): Promise<TokenRecord[]> {
    return (await this.api.json<{ items: TokenRecord[] }>({ method: 'GET', path: '/api/auth/tokens', query: { all: options.all || undefined, principal: options.principal } })).items;
  }

  revokeToken(id: string): Promise<TokenRecord> {
    return this.api.json({ method: 'DELETE', path: `/api/auth/tokens/${encodeURIComponent(id)}` });
  }

  /** Whether a user (default: the caller) may do an action (on an entity), and which rule decides. */
  explain(request: { user?: string; action: string; resourceRef?: string; input?: unknown }): Promise<Explanation> {
    const { input, ...rest } = request;
    return this.api.json({ method: 'GET', path: '/api/permissions/explain', query: { ...rest, ...(input !== undefined ? { input: JSON.stringify(input) } : {}) } });
  }

  async rules(): Promise<SourcedRule[]> {
    return (await this.api.json<{ items: SourcedRule[] }>({ method: 'GET', path: '/api/permissions/rules' })).items;
  }
}
