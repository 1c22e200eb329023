import type { Identity } from './identity.js';

/**
 * What a module's service needs of the permission service to guard its own methods: a check that throws a
 * 401/403 problem when refused. Services take this instead of the whole permission service.
 */
export interface Authorizer {
  authorize(identity: Identity, action: string): Promise<unknown>;
}
