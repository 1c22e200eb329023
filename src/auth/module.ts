/** Identity, permissions and audit as a Pave module. */
import { defineModule } from '../pave-module.js';
import { authConfigSection } from './auth-config.js';
import { authCommands, loginCommand, logoutCommand } from '../cli/auth-commands.js';
import type { AuthService } from './auth-service.js';
import { defaultRules } from './default-policy.js';
import { authMigration } from './migrations/0003-auth.js';

export const authModule = defineModule({
  name: 'auth',
  description: 'Identity (OpenID Connect, guest, API tokens, sessions), permissions as data, and the audit log',
  requires: ['catalog'],
  config: authConfigSection,
  permissions: [
    { action: 'auth.session.create', description: 'Sign in' },
    { action: 'auth.session.read', description: 'Read who one is' },
    { action: 'auth.session.delete', description: 'Sign out' },
    { action: 'auth.token.read', description: 'List API tokens (one’s own; admins: everyone’s)' },
    { action: 'auth.token.create', description: 'Create an API token' },
    { action: 'auth.token.revoke', description: 'Revoke an API token' },
    { action: 'auth.token.manage', description: 'Manage other people’s tokens' },
    { action: 'auth.rule.read', description: 'Read the permission rules' },
    { action: 'auth.rule.write', description: 'Create or change a stored rule' },
    { action: 'auth.rule.delete', description: 'Delete a stored rule' },
    { action: 'auth.permission.explain', description: 'Ask which rule decides an action' },
    { action: 'audit.log.query', description: 'Read the audit log' },
    { action: 'audit.log.export', description: 'Export the audit log as JSON lines' },
  ],
  eventTypes: [
    { type: 'auth.token.created', description: 'An API token was created', read: { action: 'audit.log.query' } },
    { type: 'auth.token.revoked', description: 'An API token was revoked', read: { action: 'audit.log.query' } },
    { type: 'auth.rule.written', description: 'A stored permission rule was created or changed', read: { action: 'auth.rule.read' } },
    { type: 'auth.rule.deleted', description: 'A stored permission rule was deleted', read: { action: 'auth.rule.read' } },
    { type: 'auth.session.started', description: 'Someone signed in', read: { action: 'audit.log.query' } },
    { type: 'auth.session.ended', description: 'Someone signed out', read: { action: 'audit.log.query' } },
  ],
  migrations: [authMigration],
  defaultRules,
  create: async ({ store, config, logger, app, audit, eventLog, defaultRules: rules }): Promise<AuthService> =>
    new (await import('./auth-service.js')).AuthService({ store, config, entities: app.catalog.entities, audit, eventLog, logger, defaultRules: rules }),
  async routes(api, _auth, app) {
    const { authRoutes } = await import('../api/routes/auth-routes.js');
    await api.register(authRoutes, { app });
  },
  cli: ({ output, globals }) => [authCommands(output, globals), loginCommand(output), logoutCommand(output)],
});
